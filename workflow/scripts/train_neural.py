"""Train one neural model on the configured Keras backend (epipair.model.train.train_neural): one
cell line, or (train.jobs: per_model) every selected cell line in turn, then its predictions
(epipair.model.predict.predict_all)."""

from epipair.prep.splits import SINGLE, fold_from_path
from epipair.smk import log_file, predict_kwargs, script, train_inputs

with script(snakemake, append=True):
    from epipair.model.train import FeatureSettings, ModelCache, Resources, train_neural

    p = snakemake.params
    model, protocol = snakemake.wildcards.model, snakemake.wildcards.protocol
    features = FeatureSettings(p.windows, p.augment, p.marks)
    workers = snakemake.config["train"]["workers"]
    common = dict(train_cfg=p.train, model_params=p.model_params)
    if "cell" in snakemake.wildcards.keys():  # train.jobs: per_cell
        fold = fold_from_path(snakemake.wildcards.fold)
        train_neural(
            model,
            protocol,
            train_inputs(snakemake.input, p.pretrain_cells, fold),
            features,
            out_model=snakemake.output.model,
            out_history=snakemake.output.history,
            resources=Resources(snakemake.threads, workers),
            **common,
        )
    else:  # train.jobs: per_model
        from epipair.model.predict import predict_all

        resources = Resources(snakemake.threads, workers, ModelCache())
        for cell, out_model, out_history, log in zip(
            p.cells, snakemake.output.models, snakemake.output.histories, snakemake.log
        ):
            run = p.runs[cell]
            with log_file(log):
                train_neural(
                    model,
                    protocol,
                    train_inputs(run["inputs"], run["pretrain_cells"], SINGLE),
                    features,
                    out_model=out_model,
                    out_history=out_history,
                    resources=resources,
                    **common,
                )
        with log_file(snakemake.log[-1]):
            predict_all(
                model,
                protocol,
                windows=p.windows,
                augment=p.augment,
                marks=p.marks,
                model_params=p.model_params,
                out_paths=list(snakemake.output.predictions),
                **predict_kwargs(p.predict, p.tests, [SINGLE]),
            )
