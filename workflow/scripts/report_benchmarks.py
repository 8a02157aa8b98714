"""Benchmark AUPR per model beside distance_prior, and every model's PR curve
(epipair.report.benchmark_figure)."""

from epipair.report import benchmark_figure
from epipair.smk import script
from epipair.tables import BENCHMARK_METRICS

with script(snakemake):
    files = dict(zip(map(tuple, snakemake.params.table_keys), snakemake.input.scores))
    benchmark_figure(BENCHMARK_METRICS.read(snakemake.input.metrics), snakemake.output[0], files)
