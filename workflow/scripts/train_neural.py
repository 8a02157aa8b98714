"""Train one neural model on the configured Keras backend (epipair.train.train_neural)."""

from pathlib import Path

from epipair.smk import script
from epipair.splits import fold_from_path

with script(snakemake, append=True):
    from epipair.train import train_neural

    features = snakemake.input.features
    pretrain = {
        cell: {
            "pairs": snakemake.input[f"pretrain_{i}_pairs"],
            "paper": snakemake.input[f"pretrain_{i}_paper"],
            "features_dir": Path(snakemake.input[f"pretrain_{i}_features"][0]).parent,
        }
        for i, cell in enumerate(snakemake.params.pretrain_cells)
    }
    train_neural(
        snakemake.wildcards.model,
        snakemake.wildcards.protocol,
        pairs_path=snakemake.input.pairs,
        paper_path=snakemake.input.paper,
        folds_path=snakemake.input.folds,
        fold=fold_from_path(snakemake.wildcards.fold),
        features_dir=Path(features[0]).parent,
        windows=snakemake.params.windows,
        augment=snakemake.params.augment,
        train_cfg=snakemake.params.train,
        model_params=snakemake.params.model_params,
        marks=snakemake.params.marks,
        out_model=snakemake.output.model,
        out_history=snakemake.output.history,
        threads=snakemake.threads,
        workers=snakemake.config["train"]["workers"],
        pretrain=pretrain,
        parts={
            key.removeprefix("part_"): path
            for key, path in snakemake.input.items()
            if key.startswith("part_")
        },
    )
