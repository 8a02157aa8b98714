"""Benchmark AUPR per model beside distance_prior, and every model's PR curve
(epipair.evaluate.report.benchmark_figure)."""

from epipair.evaluate.report import benchmark_figure
from epipair.io.tables import BENCHMARK_METRICS
from epipair.smk import script

with script(snakemake):
    files = dict(zip(map(tuple, snakemake.params.table_keys), snakemake.input.scores))
    benchmark_figure(BENCHMARK_METRICS.read(snakemake.input.metrics), snakemake.output[0], files)
