"""Train one model: neural on the configured Keras backend, or a scikit-learn baseline
(epipair.train.train_model)."""

from pathlib import Path

from epipair.smk import script

with script(snakemake, append=True):
    from epipair.train import train_model

    features = snakemake.input.features
    train_model(
        snakemake.wildcards.model,
        snakemake.wildcards.protocol,
        snakemake.input.pairs,
        snakemake.input.paper,
        Path(features[0]).parent if features else None,
        snakemake.params.windows,
        snakemake.params.augment,
        snakemake.params.train,
        snakemake.params.model_params,
        snakemake.params.marks,
        snakemake.output.model,
        snakemake.output.history,
        threads=snakemake.threads,
    )
