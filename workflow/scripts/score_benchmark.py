"""Score one benchmark with one model's leakage_free models (epipair.predict.score_benchmark)."""

from pathlib import Path

from epipair import backend
from epipair.smk import model_files, script

with script(snakemake):
    backend.setup(snakemake.wildcards.model, snakemake.params.backend, snakemake.threads)
    from epipair.predict import score_benchmark

    score_benchmark(
        snakemake.wildcards.model,
        model_paths=model_files(snakemake.input),
        folds_path=snakemake.input.folds,
        sample_dir=Path(snakemake.input.pairs).parent,
        windows=snakemake.params.windows,
        augment=snakemake.params.augment,
        marks=snakemake.params.marks,
        out_path=snakemake.output[0],
    )
