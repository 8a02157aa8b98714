"""uint8 sequence tokens per pair (epipair.prep.pipeline.sequence_features)."""

from epipair.prep.pipeline import sequence_features
from epipair.smk import script

with script(snakemake):
    sequence_features(
        snakemake.input.pairs,
        fasta_path=snakemake.input.fasta,
        windows=snakemake.params.windows,
        flank=snakemake.params.flank,
        out_enh=snakemake.output.enhancer,
        out_prom=snakemake.output.promoter,
    )
