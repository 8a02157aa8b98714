"""Fit one scikit-learn baseline (epipair.model.baselines.train_baseline)."""

from pathlib import Path

from epipair.model.baselines import train_baseline
from epipair.prep.splits import fold_from_path
from epipair.smk import optional_input, script

with script(snakemake):
    features = snakemake.input.features
    train_baseline(
        snakemake.wildcards.model,
        snakemake.wildcards.protocol,
        pairs_path=snakemake.input.pairs,
        paper_path=optional_input(snakemake.input, "paper"),
        folds_path=snakemake.input.folds,
        fold=fold_from_path(snakemake.wildcards.fold),
        features_dir=Path(features[0]).parent if features else None,
        windows=snakemake.params.windows,
        augment=snakemake.params.augment,
        seed=snakemake.params.seed,
        params=snakemake.params.model_params,
        marks=snakemake.params.marks,
        out_model=snakemake.output.model,
        out_history=snakemake.output.history,
    )
