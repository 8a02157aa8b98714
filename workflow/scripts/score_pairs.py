"""Score your own pairs with a trained model (epipair.model.predict.score_pairs)."""

from pathlib import Path

from epipair.model import backend
from epipair.smk import model_files, script

with script(snakemake):
    backend.setup(snakemake.params.model, snakemake.params.backend, snakemake.threads)
    from epipair.model.predict import score_pairs

    score_pairs(
        snakemake.params.model,
        model_files(snakemake.input),
        Path(snakemake.input.pairs).parent,
        windows=snakemake.params.windows,
        augment=snakemake.params.augment,
        marks=snakemake.params.marks,
        labelled=snakemake.params.labelled,
        out_path=snakemake.output[0],
    )
