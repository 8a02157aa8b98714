"""Epigenome versus sequence versus both per cell line
(epipair.evaluate.report.modality_comparison)."""

from epipair.evaluate.report import modality_comparison
from epipair.io.tables import METRICS
from epipair.smk import script

with script(snakemake):
    modality_comparison(METRICS.read(snakemake.input[0]), snakemake.output[0])
