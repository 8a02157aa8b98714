"""Fit one scikit-learn baseline (epipair.baselines.train_baseline)."""

from pathlib import Path

from epipair.baselines import train_baseline
from epipair.smk import script

with script(snakemake):
    train_baseline(
        snakemake.wildcards.model,
        snakemake.wildcards.protocol,
        snakemake.input.pairs,
        snakemake.input.paper,
        Path(snakemake.input.features[0]).parent if snakemake.input.features else None,
        snakemake.params.windows,
        snakemake.params.augment,
        snakemake.params.train,
        snakemake.params.model_params,
        snakemake.params.marks,
        snakemake.output.model,
        snakemake.output.history,
    )
