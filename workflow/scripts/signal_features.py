"""Epigenomic signal per pair (epipair.prep.pipeline.signal_features): bin means for rule
signal_features, Xiao et al.'s sliding-window means for rule signal_window_features."""

from epipair.prep.pipeline import signal_features
from epipair.smk import script

with script(snakemake):
    signal_features(
        snakemake.input.pairs,
        tracks=snakemake.params.tracks,
        windows=snakemake.params.windows,
        out_enh=snakemake.output.enhancer,
        out_prom=snakemake.output.promoter,
        out_marks=snakemake.output.marks,
        sliding=snakemake.rule == "signal_window_features",
        chrom_sizes_path=snakemake.input.chrom_sizes,
    )
