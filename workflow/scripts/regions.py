"""Windows, groups and the leakage-free split (epipair.prep.pipeline.build_regions)."""

from epipair.prep.pipeline import build_regions
from epipair.smk import script

with script(snakemake):
    build_regions(
        snakemake.input.table,
        chrom_sizes_path=snakemake.input.chrom_sizes,
        cell=snakemake.wildcards.cell,
        windows=snakemake.params.windows,
        augment=snakemake.params.augment,
        split=snakemake.params.split,
        out_pairs=snakemake.output.pairs,
        out_folds=snakemake.output.folds,
        out_fold_splits=snakemake.output.fold_splits,
    )
