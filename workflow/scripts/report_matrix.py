"""Train x test AUPR heatmaps, one per model and protocol (epipair.evaluate.report.aupr_matrix)."""

from epipair.evaluate.report import aupr_matrix
from epipair.io.tables import METRICS
from epipair.smk import script

with script(snakemake):
    metrics = METRICS.read(snakemake.input[0])
    for (model, protocol), out in zip(snakemake.params.runs, snakemake.output):
        aupr_matrix(metrics, model, protocol, out)
