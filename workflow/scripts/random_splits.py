"""The paper schemes' and random_holdout's instances, and the leakage audit of every protocol
(epipair.prep.pipeline.build_random_splits)."""

from epipair.prep.pipeline import build_random_splits
from epipair.smk import script

with script(snakemake):
    build_random_splits(
        snakemake.input.pairs,
        cell=snakemake.wildcards.cell,
        augment=snakemake.params.augment,
        split=snakemake.params.split,
        out_paper=snakemake.output.paper,
        out_audit=snakemake.output.audit,
    )
