"""Score every candidate pair genome-wide (epipair.evaluate.candidates.score_candidates)."""

from epipair.model import backend
from epipair.smk import model_files, script

with script(snakemake, append=True):
    backend.setup(snakemake.params.model, snakemake.params.backend, snakemake.threads)
    from epipair.evaluate.candidates import score_candidates
    from epipair.model.predict import load_models

    inp = snakemake.input
    score_candidates(
        snakemake.params.model,
        list(load_models(model_files(inp)).values()),
        enhancers_path=inp.enhancers,
        promoters_path=inp.promoters,
        chrom_sizes_path=inp.chrom_sizes,
        max_distance=snakemake.params.max_distance,
        top_k=snakemake.params.top_k,
        windows=snakemake.params.windows,
        flank=snakemake.params.flank,
        fasta_path=inp.get("fasta"),
        tracks=snakemake.params.tracks,
        fingerprint_files=list(model_files(inp).values()),
        element_tables=inp.get("elements"),
        abc_params=snakemake.params.abc,
        out_scores=snakemake.output.scores,
        out_top=snakemake.output.top,
    )
