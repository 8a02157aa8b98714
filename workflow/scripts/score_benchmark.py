"""Score one benchmark with each model's leakage_free models in turn
(epipair.model.predict.score_benchmark)."""

from pathlib import Path

from epipair.model import backend
from epipair.smk import script

with script(snakemake):
    from epipair.model.predict import score_benchmark

    p = snakemake.params
    for (model, paths), out in zip(p.models.items(), snakemake.output):
        backend.setup(model, p.backend, snakemake.threads)
        score_benchmark(
            model,
            model_paths=paths,
            folds_path=snakemake.input.folds,
            sample_dir=Path(snakemake.input.pairs).parent,
            windows=p.windows,
            augment=p.augment,
            marks=p.marks,
            out_path=out,
        )
