"""AUPR and AUROC of every model on every benchmark, beside distance_prior
(epipair.model.metrics.benchmark_metrics)."""

from epipair.io.tables import BENCHMARK_METRICS
from epipair.model.metrics import benchmark_metrics
from epipair.smk import script

with script(snakemake):
    files = dict(zip(map(tuple, snakemake.params.table_keys), snakemake.input.scores))
    table = benchmark_metrics(
        files,
        n_boot=snakemake.params.n_boot,
        seed=snakemake.params.seed,
        thresholds=snakemake.params.thresholds,
    )
    BENCHMARK_METRICS.write(table, snakemake.output[0])
