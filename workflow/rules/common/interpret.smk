# Input functions and helpers of the interpretation rules (workflow/rules/interpret.smk).


def jaspar_file():
    """The MEME file the configured JASPAR release is exported to."""
    j = config["interpret"]["jaspar"]
    return f"resources/motifs/{j['release']}_{j['collection']}_{j['tax_group']}.meme"


def interpret_databases():
    """``{name: MEME file}``: the JASPAR export, then the configured motif files."""
    return {config["interpret"]["jaspar"]["release"]: jaspar_file()} | dict(
        config["interpret"]["motif_files"]
    )


def interpret_inputs(wildcards):
    """The model files (one per fold), the cell line's tables and features, and the motif
    databases (``db:<name>``)."""
    w = wildcards
    out = {
        **model_inputs(w.model, w.protocol, w.cell),
        "pairs": one(rules.regions.output.pairs, cell=w.cell),
        **random_splits_input("paper", w.protocol, w.cell),
        "folds": one(rules.regions.output.fold_splits, cell=w.cell),
        "features": feature_files(w.cell, w.model),
    }
    return out | {input_key("db", name): path for name, path in interpret_databases().items()}


def interpret_runs():
    """``{(model, protocol, cell): motifs.tsv}`` of every interpreted model (of those
    configured), protocol and selected cell line."""
    entry = config["interpret"]
    return {
        (m, p, c): one(rules.interpret.output.motifs, model=m, protocol=p, cell=c)
        for m in entry["models"]
        for p in entry["protocols"]
        if m in epiconfig.protocol_models(config, p)
        for c in CELLS
        if c in entry.get("cell_lines", CELLS)
    }


def interpret_targets():
    return list(interpret_runs().values())
