# Input functions and helpers of the benchmark rules (workflow/rules/benchmark.smk).


def benchmark_inputs(wildcards):
    """The cell line's models (each fold's), its held-out chromosomes and the benchmark's
    pairs and features."""
    cell, sample = BENCHMARKS[wildcards.name]["cell_line"], f"benchmark/{wildcards.name}"
    return {
        **model_inputs(wildcards.model, wildcards.protocol, cell),
        "folds": one(rules.regions.output.folds, cell=cell),
        "pairs": one(rules.pairs_to_score.output, sample=sample),
        "features": feature_files(sample, wildcards.model),
    }
