"""Fit one scikit-learn model on a train group's pooled pairs (epipair.baselines.train_group)."""

from epipair.baselines import train_group
from epipair.smk import script

with script(snakemake):
    p = snakemake.params
    train_group(
        snakemake.wildcards.model,
        members=p.members,
        test_chroms=p.test_chroms,
        valid_chroms=p.valid_chroms,
        windows=p.windows,
        augment=p.augment,
        seed=p.seed,
        params=p.model_params,
        marks=p.marks,
        out_model=snakemake.output.model,
        out_history=snakemake.output.history,
    )
