"""Binned epigenomic signal per pair (epipair.pipeline.signal_features)."""

from epipair.pipeline import signal_features
from epipair.smk import script

with script(snakemake):
    signal_features(
        snakemake.input.pairs,
        snakemake.params.tracks,
        snakemake.params.windows,
        snakemake.output.enhancer,
        snakemake.output.promoter,
        snakemake.output.marks,
    )
