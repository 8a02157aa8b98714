"""Build the .fai index of a FASTA and check its lengths against the chromosome sizes
(epipair.io.sequence.index_fasta)."""

from epipair.io.sequence import index_fasta
from epipair.smk import script

with script(snakemake):
    index_fasta(snakemake.input.fasta, snakemake.output[0], snakemake.input.chrom_sizes)
