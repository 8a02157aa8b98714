"""Score one benchmark with a train group's model on the held-out chromosomes
(epipair.predict.score_benchmark)."""

from pathlib import Path

from epipair.predict import score_benchmark
from epipair.smk import script
from epipair.splits import SINGLE

with script(snakemake):
    p = snakemake.params
    score_benchmark(
        snakemake.wildcards.model,
        model_paths={SINGLE: snakemake.input.model},
        folds_path={c: SINGLE for c in p.test_chroms},
        sample_dir=Path(snakemake.input.pairs).parent,
        windows=p.windows,
        augment=p.augment,
        marks=p.marks,
        out_path=snakemake.output[0],
    )
