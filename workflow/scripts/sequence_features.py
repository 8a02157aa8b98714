"""uint8 sequence tokens per pair (epipair.pipeline.sequence_features)."""

from epipair.pipeline import sequence_features
from epipair.smk import script

with script(snakemake):
    sequence_features(
        snakemake.input.pairs,
        snakemake.input.fasta,
        snakemake.params.windows,
        snakemake.params.flank,
        snakemake.output.enhancer,
        snakemake.output.promoter,
    )
