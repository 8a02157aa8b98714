"""Xiao et al.'s sliding-window epigenomic signal per pair (epipair.pipeline.signal_features)."""

from epipair.pipeline import signal_features
from epipair.smk import script

with script(snakemake):
    signal_features(
        snakemake.input.pairs,
        tracks=snakemake.params.tracks,
        windows=snakemake.params.windows,
        out_enh=snakemake.output.enhancer,
        out_prom=snakemake.output.promoter,
        out_marks=snakemake.output.marks,
        sliding=True,
    )
