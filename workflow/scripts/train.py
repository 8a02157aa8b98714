"""Train one neural model (epipair.train.train_neural) on the configured Keras backend."""

from pathlib import Path

from epipair import backend
from epipair.smk import script

with script(snakemake, append=True):
    backend.select(snakemake.params.train["backend"])
    backend.set_threads(snakemake.threads)
    from epipair.train import train_neural

    train_neural(
        snakemake.wildcards.model,
        snakemake.wildcards.protocol,
        snakemake.input.pairs,
        snakemake.input.paper,
        Path(snakemake.input.features[0]).parent,
        snakemake.params.windows,
        snakemake.params.augment,
        snakemake.params.train,
        snakemake.params.model_params,
        snakemake.params.marks,
        snakemake.output.model,
        snakemake.output.history,
    )
