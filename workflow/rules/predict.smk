# Pair sets that trained models score (config "predict": your own pairs; "benchmarks":
# labelled sets): the same ingest checks, windows and feature rules as the cell lines.


def scored_source(wildcards):
    return source_target(SCORED[wildcards.sample]["url"], wildcards.sample)


def scored_setting(key):
    """An input function: one setting of the scored pair set named by the wildcard."""

    def get(wildcards):
        return SCORED[wildcards.sample][key]

    return get


def score_inputs(wildcards):
    entry = PREDICT[wildcards.name]
    model, sample = entry["model"], f"predict/{wildcards.name}"
    return {
        **model_inputs(model, entry["protocol"], entry["cell_line"]),
        "pairs": one(rules.pairs_to_score.output, sample=sample),
        "features": feature_files(sample, model),
    }


def predict_setting(key):
    """An input function: one setting of the predict set named by the wildcard."""

    def get(wildcards):
        entry = PREDICT[wildcards.name]
        return entry["pairs"][key] if key == "labelled" else entry[key]

    return get


def model_inputs(model, protocol, cell):
    """``model_<fold>`` input names of a model's files, one per fold."""
    return {f"model_{f}": path for f, path in model_paths(model, protocol, cell).items()}


rule pairs_to_score:
    input:
        pairs=scored_source,
        chrom_sizes=chrom_sizes(),
    output:
        "results/{sample}/pairs.tsv",
    log:
        "results/logs/pairs_to_score/{sample}.log",
    wildcard_constraints:
        sample=_alternation(SCORED),
    conda:
        "../../envs/features.yaml"
    resources:
        mem_mb=2000,
        runtime=15,
    params:
        format=scored_setting("format"),
        labelled=scored_setting("labelled"),
        windows=config["windows"],
        augment=config["augment"],
    script:
        "../scripts/pairs_to_score.py"


rule score_pairs:
    input:
        unpack(score_inputs),
    output:
        "results/predict/{name}.tsv",
    log:
        "results/logs/score_pairs/{name}.log",
    wildcard_constraints:
        name=_alternation(PREDICT),
    conda:
        "../../envs/train.yaml"
    threads: config["train"]["threads"]
    resources:
        mem_mb=8000,
        runtime=60,
    params:
        model=predict_setting("model"),
        labelled=predict_setting("labelled"),
        windows=config["windows"],
        augment=config["augment"],
        marks=MARKS,
        backend=config["train"]["backend"],
    script:
        "../scripts/score_pairs.py"
