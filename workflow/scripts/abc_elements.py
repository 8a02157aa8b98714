"""A cell line's ABC candidate elements, their activity and Hi-C contact (epipair.model.abc)."""

from epipair.model.abc import build_elements
from epipair.smk import script

with script(snakemake):
    build_elements(
        peaks_path=snakemake.input.peaks,
        genes_path=snakemake.input.genes,
        chrom_sizes_path=snakemake.input.chrom_sizes,
        tracks=snakemake.params.tracks,
        params=snakemake.params.abc,
        out_elements=snakemake.output.elements,
        out_tss=snakemake.output.tss,
        hic_path=snakemake.input.hic or None,
        out_contact=snakemake.output.contact,
    )
