"""Fetch one configured file and verify it (epipair.io.download.fetch)."""

from epipair.io.download import fetch
from epipair.smk import script

with script(snakemake):
    src = snakemake.params.source
    fetch(
        src["url"],
        snakemake.output[0],
        src.get("sha256"),
        mirror=snakemake.params.mirror,
        lock=snakemake.params.lock,
        root="resources",
        git_blob=src.get("git_blob"),
    )
