"""Scores of the trained models of one model and protocol on each test cell line's test split
(epipair.predict.predict_all)."""

from pathlib import Path

from epipair import backend
from epipair.smk import script

with script(snakemake):
    backend.setup(snakemake.wildcards.model, snakemake.params.backend, snakemake.threads)
    from epipair.predict import predict_all

    tests = [tuple(t) for t in snakemake.params.tests]
    cells = dict.fromkeys(a for a, _ in tests)
    predict_all(
        snakemake.wildcards.model,
        snakemake.wildcards.protocol,
        model_paths={
            a: {f: snakemake.input[f"model_{a}_{f}"] for f in snakemake.params.folds} for a in cells
        },
        folds_paths={a: snakemake.input[f"folds_{a}"] for a in cells},
        cell_dirs={b: Path(snakemake.input[f"pairs_{b}"]).parent for _, b in tests},
        tests=tests,
        windows=snakemake.params.windows,
        augment=snakemake.params.augment,
        marks=snakemake.params.marks,
        out_paths=list(snakemake.output),
    )
