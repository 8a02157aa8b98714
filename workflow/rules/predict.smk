# Score your own pairs (config "predict"): the same ingest checks, windows and feature rules
# as the cell lines, then a trained model.


def predict_pairs_source(wildcards):
    url = PREDICT[wildcards.name]["pairs"]["url"]
    return source_target(url, f"predict/{wildcards.name}")


def predict_setting(key):
    """An input function: one setting of the predict set named by the wildcard."""

    def get(wildcards):
        entry = PREDICT[wildcards.name]
        return entry["pairs"][key] if key in ("format", "labelled") else entry[key]

    return get


def score_inputs(wildcards):
    entry = PREDICT[wildcards.name]
    model, sample = entry["model"], f"predict/{wildcards.name}"
    return {
        "model": model_path(model, entry["protocol"], entry["cell_line"]),
        "pairs": expand(rules.pairs_to_score.output, name=wildcards.name),
        "features": feature_files(sample, model),
    }


rule pairs_to_score:
    input:
        pairs=predict_pairs_source,
        chrom_sizes=chrom_sizes(),
    output:
        "results/predict/{name}/pairs.tsv",
    log:
        "results/logs/predict_pairs/{name}.log",
    wildcard_constraints:
        name=_alternation(PREDICT),
    conda:
        "../../envs/features.yaml"
    resources:
        mem_mb=2000,
        runtime=15,
    params:
        format=predict_setting("format"),
        labelled=predict_setting("labelled"),
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
