"""Score your own pairs with a trained model (epipair.evaluate.score_pairs)."""

from pathlib import Path

from epipair import backend
from epipair.smk import script

with script(snakemake):
    backend.select(snakemake.params.backend)
    backend.set_threads(snakemake.threads)
    from epipair.evaluate import score_pairs

    score_pairs(
        snakemake.params.model,
        snakemake.input.model,
        Path(snakemake.input.pairs).parent,
        snakemake.params.windows,
        snakemake.params.augment,
        snakemake.params.marks,
        snakemake.params.labelled,
        snakemake.output[0],
    )
