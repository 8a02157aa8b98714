"""Within-cell-line precision-recall curves (epipair.report.pr_curves)."""

from epipair.report import pr_curves
from epipair.smk import script

with script(snakemake):
    pr_curves(dict(zip(map(tuple, snakemake.params.prediction_keys), snakemake.input.predictions)), snakemake.output[0])
