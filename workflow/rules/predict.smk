# Pair sets that trained models score (config "predict": your own pairs; "benchmarks":
# labelled sets): the same ingest checks, windows and feature rules as the cell lines.


rule pairs_to_score:
    input:
        pairs=scored_source,
        chrom_sizes=chrom_sizes(),
        genes=scored_genes,
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
        cell_type=scored_setting("cell_type"),
        windows=element_windows(),
        augment=flank_params(),
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
        model=lookup(dpath="{name}/model", within=PREDICT),
        labelled=lookup(dpath="{name}/pairs/labelled", within=PREDICT),
        windows=element_windows(),
        augment=flank_params(),
        marks=MARKS,
        backend=config["train"]["backend"],
    script:
        "../scripts/score_pairs.py"
