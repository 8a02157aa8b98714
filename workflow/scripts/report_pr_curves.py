"""Within-cell-line precision-recall curves (epipair.evaluate.report.pr_curves)."""

from epipair.evaluate.report import pr_curves
from epipair.smk import script

with script(snakemake):
    files = dict(zip(map(tuple, snakemake.params.prediction_keys), snakemake.input.predictions))
    pr_curves(files, snakemake.output[0])
