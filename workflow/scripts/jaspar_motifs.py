"""Export a JASPAR release shipped by pyjaspar as a MEME motif file (epipair.io.motifs)."""

from epipair.io import motifs
from epipair.smk import script

with script(snakemake):
    j = snakemake.params.jaspar
    found = motifs.jaspar(j["release"], j["collection"], j["tax_group"])
    motifs.write_meme(snakemake.output[0], found)
    print(f"{len(found)} {j['collection']} {j['tax_group']} profiles of {j['release']}")
