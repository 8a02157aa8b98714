# Benchmarks (config "benchmarks"): independent labelled pairs (BENGI) scored by every
# leakage_free model of a cell line, on chromosomes the model never trained on, beside the
# trained distance baseline and an unsupervised distance score (distance_prior).

BENCHMARK_SCORES = "results/benchmarks/{name}/{model}__{protocol}.tsv"
# the models that score each benchmark: the leakage_free ones
BENCHMARK_MODELS = epiconfig.protocol_models(config, "leakage_free")
# every benchmark score table: (benchmark, cell line, trained on, model, protocol) -> path;
# trained on: the benchmark's cell line, or a train group
BENCHMARK_TABLES = {
    (n, e["cell_line"], e["cell_line"], m, "leakage_free"): BENCHMARK_SCORES.format(
        name=n, model=m, protocol="leakage_free"
    )
    for n, e in BENCHMARKS.items()
    for m in BENCHMARK_MODELS
}
# a train group's models on its benchmarks (written by the group's rule, train.smk)
BENCHMARK_TABLES |= {
    (n, BENCHMARKS[n]["cell_line"], g, m, "leakage_free"): GROUP_SCORES.format(
        name=n, group=g, model=m
    )
    for g, entry in GROUPS.items()
    for n in entry["benchmarks"]
    for m in entry["models"]
}


# one job per benchmark: every model scores it in turn (Keras loads once)
rule score_benchmark:
    input:
        unpack(benchmark_inputs),
    output:
        [
            BENCHMARK_SCORES.format(name="{name}", model=m, protocol="leakage_free")
            for m in BENCHMARK_MODELS
        ],
    log:
        "results/logs/score_benchmark/{name}.log",
    wildcard_constraints:
        name=_alternation(BENCHMARKS),
    conda:
        "../../envs/train.yaml"
    threads: config["train"]["threads"]
    resources:
        mem_mb=8000,
        runtime=60,
    params:
        models=benchmark_models,
        windows=element_windows(),
        augment=flank_params(),
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
        thresholds=benchmark_thresholds(),
        n_boot=config["evaluation"]["bootstrap"],
        seed=config["evaluation"]["seed"],
    script:
        "../scripts/benchmark_metrics.py"
