# Benchmarks (config "benchmarks"): independent labelled pairs (BENGI) scored by every
# leakage_free model of a cell line, on chromosomes the model never trained on, beside the
# trained distance baseline and an unsupervised distance score (distance_prior).

BENCHMARK_SCORES = "results/benchmarks/{name}/{model}__{protocol}.tsv"
# every benchmark score table: (benchmark, cell line, model, protocol) -> path
BENCHMARK_TABLES = {
    (n, e["cell_line"], m, "leakage_free"): BENCHMARK_SCORES.format(
        name=n, model=m, protocol="leakage_free"
    )
    for n, e in BENCHMARKS.items()
    for m in config["models"]
}


rule score_benchmark:
    input:
        unpack(benchmark_inputs),
    output:
        BENCHMARK_SCORES,
    log:
        "results/logs/score_benchmark/{name}/{model}__{protocol}.log",
    wildcard_constraints:
        name=_alternation(BENCHMARKS),
        protocol="leakage_free",
    conda:
        "../../envs/train.yaml"
    threads: config["train"]["threads"]
    resources:
        mem_mb=8000,
        runtime=60,
    params:
        windows=element_windows(),
        augment=config["augment"],
        marks=MARKS,
        backend=config["train"]["backend"],
    script:
        "../scripts/score_benchmark.py"


rule benchmark_metrics:
    input:
        scores=list(BENCHMARK_TABLES.values()),
    output:
        "results/benchmark_metrics.tsv",
    log:
        "results/logs/benchmark_metrics.log",
    localrule: True
    conda:
        "../../envs/report.yaml"
    params:
        table_keys=list(BENCHMARK_TABLES),
        n_boot=config["evaluation"]["bootstrap"],
        seed=config["evaluation"]["seed"],
    script:
        "../scripts/benchmark_metrics.py"
