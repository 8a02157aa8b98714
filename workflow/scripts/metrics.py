"""The metrics table with bootstrap intervals (epipair.metrics.metrics_table)."""

from epipair.io import write_tsv
from epipair.metrics import metrics_table
from epipair.smk import script

with script(snakemake):
    files = dict(zip(map(tuple, snakemake.params.prediction_keys), snakemake.input.predictions))
    write_tsv(metrics_table(files, snakemake.params.n_boot, snakemake.params.seed), snakemake.output[0])
