"""Paper protocol versus leakage-free AUPR per model (epipair.report.protocol_comparison)."""

from epipair.report import protocol_comparison
from epipair.smk import script
from epipair.tables import METRICS

with script(snakemake):
    protocol_comparison(METRICS.read(snakemake.input[0]), snakemake.output[0])
