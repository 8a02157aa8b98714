"""The e2g pair features of a pair set (epipair.model.e2g.build_pair_features)."""

from epipair.model.e2g import build_pair_features
from epipair.smk import script

with script(snakemake):
    build_pair_features(
        pairs_path=snakemake.input.pairs,
        elements_path=snakemake.input.elements,
        tss_path=snakemake.input.tss,
        contact_path=snakemake.input.contact,
        abc_params=snakemake.params.abc,
        out_path=snakemake.output[0],
    )
