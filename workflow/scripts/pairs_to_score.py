"""Your own pairs -> a checked pairs table with windows.

(epipair.prep.pipeline.prepare_pairs_to_score)
"""

from epipair.prep.pipeline import prepare_pairs_to_score
from epipair.smk import script

with script(snakemake):
    prepare_pairs_to_score(
        snakemake.input.pairs,
        fmt=snakemake.params.format,
        labelled=snakemake.params.labelled,
        chrom_sizes_path=snakemake.input.chrom_sizes,
        name=snakemake.wildcards.sample.replace("/", "_"),
        windows=snakemake.params.windows,
        augment=snakemake.params.augment,
        out_pairs=snakemake.output[0],
        genes_path=snakemake.input.genes or None,
        cell_type=snakemake.params.cell_type,
    )
