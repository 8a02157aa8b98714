"""Train x test AUPR heatmap of one model and protocol (epipair.report.aupr_matrix)."""

from epipair.report import aupr_matrix
from epipair.smk import script
from epipair.tables import METRICS

with script(snakemake):
    metrics = METRICS.read(snakemake.input[0])
    model, protocol = snakemake.wildcards.model, snakemake.wildcards.protocol
    aupr_matrix(metrics, model, protocol, snakemake.output[0])
