"""Decompress the genome FASTA once (epipair.download.gunzip)."""

from epipair.download import gunzip
from epipair.smk import script

with script(snakemake):
    gunzip(snakemake.input[0], snakemake.output[0])
