"""The metrics table with bootstrap intervals (epipair.model.metrics.metrics_table)."""

from epipair.io.tables import METRICS
from epipair.model.metrics import metrics_table
from epipair.smk import script

with script(snakemake):
    files = dict(zip(map(tuple, snakemake.params.prediction_keys), snakemake.input.predictions))
    table = metrics_table(files, n_boot=snakemake.params.n_boot, seed=snakemake.params.seed)
    METRICS.write(table, snakemake.output[0])
