"""One train group: fit each of its scikit-learn models on the pooled pairs
(epipair.model.baselines.train_group), then score its benchmarks on the held-out chromosomes
(epipair.model.predict.score_benchmark)."""

from epipair.model.baselines import train_group
from epipair.model.predict import score_benchmark
from epipair.prep.splits import SINGLE
from epipair.smk import script

with script(snakemake):
    p, out = snakemake.params, snakemake.output
    for model, path, history in zip(p.models, out.models, out.histories):
        train_group(
            model,
            members=p.members,
            test_chroms=p.test_chroms,
            valid_chroms=p.valid_chroms,
            windows=p.windows,
            augment=p.augment,
            seed=p.seed,
            params=p.model_params[model],
            marks=p.marks,
            out_model=path,
            out_history=history,
        )
    scores = iter(out.scores)  # benchmark by benchmark, each model in turn
    for folder in p.benchmarks.values():
        for model, path in zip(p.models, out.models):
            score_benchmark(
                model,
                model_paths={SINGLE: path},
                folds_path={c: SINGLE for c in p.test_chroms},
                sample_dir=folder,
                windows=p.windows,
                augment=p.augment,
                marks=p.marks,
                out_path=next(scores),
            )
