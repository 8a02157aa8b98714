"""AUPR and AUROC of every model on every benchmark, beside distance_prior
(epipair.metrics.benchmark_metrics)."""

from epipair.metrics import benchmark_metrics
from epipair.smk import script
from epipair.tables import BENCHMARK_METRICS

with script(snakemake):
    files = dict(zip(map(tuple, snakemake.params.table_keys), snakemake.input.scores))
    table = benchmark_metrics(
        files,
        n_boot=snakemake.params.n_boot,
        seed=snakemake.params.seed,
        thresholds=snakemake.params.thresholds,
    )
    BENCHMARK_METRICS.write(table, snakemake.output[0])
