"""Paper protocol versus leakage-free AUPR per model
(epipair.evaluate.report.protocol_comparison)."""

from epipair.evaluate.report import protocol_comparison
from epipair.io.tables import METRICS
from epipair.smk import script

with script(snakemake):
    protocol_comparison(METRICS.read(snakemake.input[0]), snakemake.output[0])
