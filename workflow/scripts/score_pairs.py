"""Score your own pairs with a trained model (epipair.predict.score_pairs)."""

from pathlib import Path

from epipair import backend
from epipair.smk import script

with script(snakemake):
    backend.select(snakemake.params.backend)
    backend.set_threads(snakemake.threads)
    from epipair.predict import score_pairs

    score_pairs(
        snakemake.params.model,
        snakemake.input.model,
        Path(snakemake.input.pairs).parent,
        windows=snakemake.params.windows,
        augment=snakemake.params.augment,
        marks=snakemake.params.marks,
        labelled=snakemake.params.labelled,
        out_path=snakemake.output[0],
    )
