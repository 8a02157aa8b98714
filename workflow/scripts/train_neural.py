"""Train one neural model on the configured Keras backend (epipair.train.train_neural): one
cell line, or (train.jobs: per_model) every selected cell line in turn, then its predictions
(epipair.predict.predict_all)."""

from epipair.smk import log_file, predict_kwargs, script, train_kwargs
from epipair.splits import SINGLE, fold_from_path

with script(snakemake, append=True):
    from epipair.train import train_neural

    p = snakemake.params
    common = dict(
        windows=p.windows,
        augment=p.augment,
        train_cfg=p.train,
        model_params=p.model_params,
        marks=p.marks,
        threads=snakemake.threads,
        workers=snakemake.config["train"]["workers"],
    )
    model, protocol = snakemake.wildcards.model, snakemake.wildcards.protocol
    if "cell" in snakemake.wildcards.keys():  # train.jobs: per_cell
        train_neural(
            model,
            protocol,
            fold=fold_from_path(snakemake.wildcards.fold),
            out_model=snakemake.output.model,
            out_history=snakemake.output.history,
            **train_kwargs(snakemake.input, p.pretrain_cells),
            **common,
        )
    else:  # train.jobs: per_model
        from epipair.predict import predict_all
        from epipair.train import ModelCache

        cache = ModelCache()
        for cell, out_model, out_history, log in zip(
            p.cells, snakemake.output.models, snakemake.output.histories, snakemake.log
        ):
            run = p.runs[cell]
            with log_file(log):
                train_neural(
                    model,
                    protocol,
                    out_model=out_model,
                    out_history=out_history,
                    **train_kwargs(run["inputs"], run["pretrain_cells"]),
                    cache=cache,
                    **common,
                )
        with log_file(snakemake.log[-1]):
            predict_all(
                model,
                protocol,
                windows=p.windows,
                augment=p.augment,
                marks=p.marks,
                out_paths=list(snakemake.output.predictions),
                **predict_kwargs(p.predict, p.tests, [SINGLE]),
            )
