"""Benchmark AUPR per model beside distance_prior (epipair.report.benchmark_figure)."""

from epipair.report import benchmark_figure
from epipair.smk import script
from epipair.tables import BENCHMARK_METRICS

with script(snakemake):
    benchmark_figure(BENCHMARK_METRICS.read(snakemake.input[0]), snakemake.output[0])
