"""Paper protocol versus leakage-free AUPR per model (epipair.report.protocol_comparison)."""

import pandas as pd

from epipair.report import protocol_comparison
from epipair.smk import script

with script(snakemake):
    protocol_comparison(pd.read_csv(snakemake.input[0], sep="\t"), snakemake.output[0])
