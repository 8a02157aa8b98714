"""Motifs and attributions of one trained model (epipair.interpret.interpret_model)."""

from pathlib import Path

from epipair import backend
from epipair.smk import model_files, script

with script(snakemake, append=True):
    model = snakemake.wildcards.model
    backend.setup(model, snakemake.params.backend, snakemake.threads)
    from epipair.interpret import interpret_model

    inp = snakemake.input
    interpret_model(
        model,
        snakemake.wildcards.protocol,
        model_paths=model_files(inp),
        sample_dir=Path(inp.pairs).parent,
        windows=snakemake.params.windows,
        augment=snakemake.params.augment,
        marks=snakemake.params.marks,
        settings=snakemake.params.settings,
        databases={k.removeprefix("db_"): v for k, v in inp.items() if k.startswith("db_")},
        out_motifs=snakemake.output.motifs,
        out_logos=snakemake.output.logos,
        out_attributions=snakemake.output.attributions,
    )
