"""Labels file -> canonical checked pairs table (epipair.pipeline.ingest)."""

from epipair.pipeline import ingest
from epipair.smk import script

with script(snakemake):
    ingest(
        snakemake.input.pairs,
        snakemake.params.format,
        snakemake.input.chrom_sizes,
        snakemake.output.table,
    )
