# Labels -> canonical pairs table -> windows, groups and the leakage-free split; the random
# protocols' splits and the leakage audit in a rule of their own (their settings, such as
# split.paper_test_fraction, rerun nothing that reads pairs.tsv alone).


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
        augment=flank_params(),
        split=split_params("test_chroms", "valid_chroms", "folds"),
    script:
        "../scripts/regions.py"


rule random_splits:
    input:
        pairs=rules.regions.output.pairs,
    output:
        paper="results/{cell}/splits_paper.tsv",
        audit="results/{cell}/leakage_audit.tsv",
    log:
        "results/logs/random_splits/{cell}.log",
    group:
        "regions"
    conda:
        "../../envs/features.yaml"
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        augment=canonical(config["augment"]),
        split=split_params(
            "seed", "paper_test_fraction", "paper_valid_fraction", "test_chroms", "valid_chroms"
        ),
    script:
        "../scripts/random_splits.py"
