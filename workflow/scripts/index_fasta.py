"""Build the .fai index of a FASTA (epipair.sequence.index_fasta)."""

from epipair.sequence import index_fasta
from epipair.smk import script

with script(snakemake):
    index_fasta(snakemake.input[0], snakemake.output[0])
