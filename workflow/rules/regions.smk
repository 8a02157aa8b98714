# Labels -> canonical pairs table -> windows, groups, splits and the leakage audit.


rule ingest:
    input:
        pairs=pairs_source,
        chrom_sizes=chrom_sizes(),
        genes=ingest_genes,
    output:
        table="results/{cell}/ingested.tsv",
    log:
        "results/logs/ingest/{cell}.log",
    group:
        "regions"
    conda:
        "../../envs/features.yaml"
    resources:
        mem_mb=2000,
        runtime=15,
    params:
        format=pairs_format,
    script:
        "../scripts/ingest.py"


rule regions:
    input:
        table="results/{cell}/ingested.tsv",
        chrom_sizes=chrom_sizes(),
    output:
        pairs="results/{cell}/pairs.tsv",
        paper="results/{cell}/splits_paper.tsv",
        audit="results/{cell}/leakage_audit.tsv",
        folds="results/{cell}/folds.tsv",
        fold_splits="results/{cell}/splits_folds.tsv",
    log:
        "results/logs/regions/{cell}.log",
    group:
        "regions"
    conda:
        "../../envs/features.yaml"
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        windows=element_windows(),
        augment=config["augment"],
        split=config["split"],
    script:
        "../scripts/regions.py"
