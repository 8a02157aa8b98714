"""The metrics table with bootstrap intervals (epipair.metrics.metrics_table)."""

from epipair.metrics import metrics_table
from epipair.smk import script
from epipair.tables import METRICS

with script(snakemake):
    files = dict(zip(map(tuple, snakemake.params.prediction_keys), snakemake.input.predictions))
    table = metrics_table(files, n_boot=snakemake.params.n_boot, seed=snakemake.params.seed)
    METRICS.write(table, snakemake.output[0])
