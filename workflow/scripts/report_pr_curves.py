"""Within-cell-line precision-recall curves (epipair.report.pr_curves)."""

from epipair.report import pr_curves
from epipair.smk import script

with script(snakemake):
    files = dict(zip(map(tuple, snakemake.params.prediction_keys), snakemake.input.predictions))
    pr_curves(files, snakemake.output[0])
