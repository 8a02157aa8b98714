"""Your own pairs -> a checked pairs table with windows (epipair.pipeline.prepare_pairs_to_score)."""

from epipair.pipeline import prepare_pairs_to_score
from epipair.smk import script

with script(snakemake):
    prepare_pairs_to_score(
        snakemake.input.pairs,
        snakemake.params.format,
        snakemake.params.labelled,
        snakemake.input.chrom_sizes,
        snakemake.wildcards.name,
        snakemake.params.windows,
        snakemake.params.augment,
        snakemake.output[0],
    )
