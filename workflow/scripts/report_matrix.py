"""Train x test AUPR heatmap of one model and protocol (epipair.report.aupr_matrix)."""

import pandas as pd

from epipair.report import aupr_matrix
from epipair.smk import script

with script(snakemake):
    metrics = pd.read_csv(snakemake.input[0], sep="\t")
    aupr_matrix(metrics, snakemake.wildcards.model, snakemake.wildcards.protocol, snakemake.output[0])
