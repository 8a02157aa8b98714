"""Write the embedded demo's genome, pairs and tracks (epipair.prep.demo.generate)."""

from pathlib import Path

from epipair.prep import demo
from epipair.smk import script

with script(snakemake):
    demo.generate(Path(snakemake.output.genome).parent, **snakemake.params.settings)
