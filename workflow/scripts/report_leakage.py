"""The leakage audit of every cell line in one table (epipair.evaluate.report.write_leakage)."""

from epipair.evaluate.report import write_leakage
from epipair.smk import script

with script(snakemake):
    write_leakage(dict(enumerate(snakemake.input)), snakemake.output[0])
