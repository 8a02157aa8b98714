"""Train x test AUPR heatmaps, one per model and protocol (epipair.report.aupr_matrix)."""

from epipair.report import aupr_matrix
from epipair.smk import script
from epipair.tables import METRICS

with script(snakemake):
    metrics = METRICS.read(snakemake.input[0])
    for (model, protocol), out in zip(snakemake.params.runs, snakemake.output):
        aupr_matrix(metrics, model, protocol, out)
