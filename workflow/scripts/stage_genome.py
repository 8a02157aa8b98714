"""The genome FASTA under resources/genome/ (epipair.io.download.stage_fasta)."""

from epipair.io.download import stage_fasta
from epipair.smk import script

with script(snakemake):
    stage_fasta(snakemake.input[0], snakemake.output[0])
