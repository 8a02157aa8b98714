# Input functions and helpers of the predict rules (workflow/rules/predict.smk).


def scored_source(wildcards):
    return epidownload.source_target(SCORED[wildcards.sample]["url"], wildcards.sample, "pairs")


def scored_genes(wildcards):
    """The genes file, for pair sets that name their target genes (format crispri)."""
    return GENES if SCORED[wildcards.sample].get("format") == "crispri" else []


def scored_setting(key):
    """An input function: one setting of the scored pair set named by the wildcard."""

    def get(wildcards):
        return SCORED[wildcards.sample].get(key)

    return get


def score_inputs(wildcards):
    entry = PREDICT[wildcards.name]
    model, sample = entry["model"], f"predict/{wildcards.name}"
    return {
        **model_inputs(model, entry["protocol"], entry["cell_line"]),
        "pairs": one(rules.pairs_to_score.output, sample=sample),
        "features": feature_files(sample, model),
    }


def model_inputs(model, protocol, cell):
    """``model:<fold>`` input names of a model's files, one per fold."""
    return {input_key("model", f): path for f, path in model_paths(model, protocol, cell).items()}
