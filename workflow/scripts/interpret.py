"""Motifs and attributions of one trained model (epipair.interpret.attributions.interpret_model)."""

import os
from pathlib import Path

# numba (TF-MoDISco's kernels and its forked Leiden runs, Tomtom) reads this when first
# imported: the job's threads, not every core of the node. The result does not depend on
# their number (epipair.interpret.attributions's docstring, Reproducibility; a test runs it
# on 1 and 2).
os.environ["NUMBA_NUM_THREADS"] = str(max(1, snakemake.threads))

from epipair.model import backend  # noqa: E402
from epipair.smk import keyed, model_files, script  # noqa: E402

with script(snakemake, append=True):
    model = snakemake.wildcards.model
    # the backend on one thread: TensorFlow's gradients (the attributions TF-MoDISco reads)
    # differ in the last bits between one thread and two (measured on the demo's SPEID)
    backend.setup(model, snakemake.params.backend, 1)
    # nothing in interpret draws a random number; seeded, and deterministic ops, all the same
    backend.seed_everything(0)
    from epipair.interpret.attributions import interpret_model

    inp = snakemake.input
    interpret_model(
        model,
        snakemake.wildcards.protocol,
        model_paths=model_files(inp),
        sample_dir=Path(inp.pairs).parent,
        windows=snakemake.params.windows,
        augment=snakemake.params.augment,
        marks=snakemake.params.marks,
        model_params=snakemake.params.model_params,
        settings=snakemake.params.settings,
        databases=keyed(inp, "db"),
        out_motifs=snakemake.output.motifs,
        out_logos=snakemake.output.logos,
        out_attributions=snakemake.output.attributions,
    )
