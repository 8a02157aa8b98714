"""Epigenome versus sequence versus both per cell line (epipair.report.modality_comparison)."""

from epipair.report import modality_comparison
from epipair.smk import script
from epipair.tables import METRICS

with script(snakemake):
    modality_comparison(METRICS.read(snakemake.input[0]), snakemake.output[0])
