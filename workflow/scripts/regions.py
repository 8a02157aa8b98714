"""Windows, groups, splits and leakage audit (epipair.pipeline.build_regions)."""

from epipair.pipeline import build_regions
from epipair.smk import script

with script(snakemake):
    build_regions(
        snakemake.input.table,
        snakemake.input.chrom_sizes,
        snakemake.wildcards.cell,
        snakemake.params.windows,
        snakemake.params.augment,
        snakemake.params.split,
        snakemake.output.pairs,
        snakemake.output.paper,
        snakemake.output.audit,
    )
