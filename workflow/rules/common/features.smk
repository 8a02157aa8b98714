# Input functions and helpers of the features rules (workflow/rules/features.smk).


def sample_cell(sample):
    """The cell line whose tracks a sample uses."""
    return SCORED[sample]["cell_line"] if sample in SCORED else sample


def track_specs(wildcards):
    """[(mark, path, kind)] of the sample's cell line (:func:`cell_track_specs`)."""
    return cell_track_specs(sample_cell(wildcards.sample))


def cell_track_specs(cell):
    """[(mark, path, kind)] of a cell line: the marks the models read (MARKS), so a track only
    one cell line has is neither downloaded nor extracted."""
    tracks = config["cell_lines"][cell].get("tracks", {})
    return [
        (
            mark,
            epidownload.source_target(tracks[mark]["url"], f"{cell}/tracks", mark),
            tracks[mark]["kind"],
        )
        for mark in MARKS
    ]


def track_files(wildcards):
    return [path for _, path, _ in track_specs(wildcards)]


def _pairs_estimate(path, default=50_000):
    """Pairs in a pairs table, estimated from its size (about 100 bytes a row)."""
    return os.path.getsize(path) / 100 if os.path.exists(path) else default


def sequence_mem_mb(wildcards, input, attempt):
    """Tokens of every window (gathered, then mapped) plus one chromosome, x attempt."""
    row = config["windows"]["enhancer"] + config["windows"]["promoter"] + 4 * FLANK
    return int((1500 + 3 * _pairs_estimate(input.pairs) * row / 1e6 + 750) * attempt)


def signal_mem_mb(wildcards, input, attempt):
    """Binned signal of every window plus the merged spans of one chromosome, x attempt."""
    row = 4 * (config["windows"]["enhancer"] + config["windows"]["promoter"])
    return int((1500 + 2 * _pairs_estimate(input.pairs) * row / 1e6) * attempt)


def signal_window_mem_mb(wildcards, input, attempt):
    """One mark at signal_step resolution (float64 sums) plus the output, x attempt."""
    w = config["windows"]
    per_pair = (w["enhancer"] + w["promoter"]) / w["signal_step"] * (12 + 4 * len(MARKS))
    return int((1500 + 2 * _pairs_estimate(input.pairs) * per_pair / 1e6) * attempt)


def feature_files(sample, model=None):
    """The feature arrays of a sample: those ``model`` reads, or all the config needs
    (a model that combines others reads what they read)."""
    models = config["models"] if model is None else [model]
    specs = [registry.spec(m) for m in models]
    specs += [registry.spec(p) for s in specs for p in s.parts]
    out = []
    if any(s.reads_sequence for s in specs):
        out += expand(rules.sequence_features.output, sample=sample)
    if any(s.reads_binned_signal for s in specs):
        out += expand(rules.signal_features.output, sample=sample)
    if any(s.reads_signal_windows for s in specs):
        out += expand(rules.signal_window_features.output, sample=sample)
    if any(s.reads_pair_features for s in specs):
        out += expand(rules.pair_features.output, sample=sample)
    if any(s.reads_elements for s in specs) and sample in ALL_CELLS:
        # a cell line's own elements; a scored pair set is scored by its cell line's abc model
        out += list(expand(rules.abc_elements.output, cell=sample))
    return out


def pair_feature_inputs(wildcards):
    """A pair set's pairs and its cell line's element and TSS tables and Hi-C rows."""
    cell = sample_cell(wildcards.sample)
    elements, tss, contact = expand(rules.abc_elements.output, cell=cell)
    pairs = f"results/{wildcards.sample}/pairs.tsv"
    return {"pairs": pairs, "elements": elements, "tss": tss, "contact": contact}


def abc_track_specs(wildcards):
    """[(role, path, kind)] of the tracks the abc model reads in the cell line
    (``accessibility``, and ``h3k27ac`` when it has one; epipair.config.abc_tracks)."""
    tracks = config["cell_lines"][wildcards.cell].get("tracks", {})
    return [
        (
            role,
            epidownload.source_target(tracks[mark]["url"], f"{wildcards.cell}/tracks", mark),
            tracks[mark]["kind"],
        )
        for role, mark in epiconfig.abc_tracks(config, wildcards.cell).items()
    ]


def abc_params(wildcards):
    """``model_params`` of the model that reads the candidate elements (abc)."""
    (model,) = [m for m in registry.names() if registry.spec(m).reads_elements]
    return canonical(config["model_params"].get(model, {}))


def abc_track_files(wildcards):
    return [path for _, path, _ in abc_track_specs(wildcards)]


def abc_hic(wildcards):
    """The cell line's Hi-C (``cell_lines.<cell>.hic``), or none: the power law."""
    entry = config["cell_lines"][wildcards.cell].get("hic")
    if not entry:
        return []
    return epidownload.source_target(entry["url"], wildcards.cell, "hic")


def abc_peaks(wildcards):
    """The peak file whose summits give the abc model's candidate elements."""
    key, entry = epiconfig.abc_elements_entry(config, wildcards.cell)
    folder = wildcards.cell if key == "elements" else f"{wildcards.cell}/tracks"
    return epidownload.source_target(entry["url"], folder, key)


def feature_targets(cell):
    return expand(rules.regions.output.pairs, cell=cell) + feature_files(cell)
