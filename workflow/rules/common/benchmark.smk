# Input functions and helpers of the benchmark rules (workflow/rules/benchmark.smk).


def benchmark_models(wildcards):
    """``{model: {fold: model file}}``: the benchmark cell line's leakage_free models, in the
    order of the score_benchmark rule's outputs."""
    cell = BENCHMARKS[wildcards.name]["cell_line"]
    return {m: model_paths(m, "leakage_free", cell) for m in BENCHMARK_MODELS}


def benchmark_inputs(wildcards):
    """The cell line's models (each fold's), its held-out chromosomes and the benchmark's
    pairs and features."""
    cell, sample = BENCHMARKS[wildcards.name]["cell_line"], f"benchmark/{wildcards.name}"
    models = [p for paths in benchmark_models(wildcards).values() for p in paths.values()]
    return {
        "models": models,
        "folds": one(rules.regions.output.folds, cell=cell),
        "pairs": one(rules.pairs_to_score.output, sample=sample),
        "features": feature_files(sample),
    }


def benchmark_thresholds():
    """``{model: threshold}`` of the models that call links above a score (abc: 0.02)."""
    return epiconfig.score_thresholds(config, BENCHMARK_MODELS)
