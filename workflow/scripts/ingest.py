"""Labels file -> canonical checked pairs table (epipair.prep.pipeline.ingest)."""

from epipair.prep.pipeline import ingest
from epipair.smk import script

with script(snakemake):
    ingest(
        snakemake.input.pairs,
        fmt=snakemake.params.format,
        chrom_sizes_path=snakemake.input.chrom_sizes,
        out_path=snakemake.output.table,
        genes_path=snakemake.input.genes or None,
    )
