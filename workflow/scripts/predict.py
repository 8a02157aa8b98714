"""Scores of the trained models of one model and protocol on each test cell line's test split
(epipair.model.predict.predict_all)."""

from epipair.model import backend
from epipair.smk import predict_kwargs, script

with script(snakemake):
    backend.setup(snakemake.wildcards.model, snakemake.params.backend, snakemake.threads)
    from epipair.model.predict import predict_all

    predict_all(
        snakemake.wildcards.model,
        snakemake.wildcards.protocol,
        windows=snakemake.params.windows,
        augment=snakemake.params.augment,
        marks=snakemake.params.marks,
        model_params=snakemake.params.model_params,
        out_paths=list(snakemake.output),
        **predict_kwargs(snakemake.input, snakemake.params.tests, snakemake.params.folds),
    )
