"""Model loading and inference: scores of trained models on test splits and on your pairs.

The test set of cell line B is B's *test split*: under ``leakage_free`` its held-out
chromosomes (the cell lines share one genome, so B's pairs on A's training chromosomes would
leak sequence into a cross-cell-line test); under ``random_holdout`` its randomly held-out
pairs (``splits_paper.tsv``, scheme ``random_holdout``), unshifted; under ``paper`` the test
instances of the model's own paper scheme (``splits_paper.tsv``: shifted copies, or pairs it
trained on, as published).
Metrics of the scores are ``epipair.model.metrics``' business.

Keras is imported only to load and run a neural model; scoring with a baseline loads none.
"""

from __future__ import annotations

import logging
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import EpipairError
from ..io.atomic import write_tsv
from ..io.pairs import COORD_FIELDS
from ..io.tables import BENCHMARK_SCORES, PREDICTIONS, read_folds
from ..prep.splits import SINGLE
from . import registry
from .data import CellData, Features, FixedInstances

log = logging.getLogger(__name__)


# The types that epipair's own baselines hold beyond those skops trusts by default
# (scikit-learn's estimators, numpy arrays, Python containers): loading a model file that
# holds any other type stops before anything is built. A fixed list, never the file's own.
BASELINE = "epipair.model.baselines.Baseline"
TRUSTED_TYPES = (
    BASELINE,
    "epipair.model.abc.AbcModel",
    "epipair.model.e2g.E2gModel",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
)
RETRAIN = "retrain it (delete the file) and never copy model files from elsewhere"


def load_model(path):
    """A trained model: a baseline (``.skops``, :func:`load_baseline`) or a Keras model
    (``.keras``, :func:`load_keras`). Neither reader runs code of the file; any other file (a
    pickled ``model.pkl`` of an earlier version) stops, naming it."""
    path = Path(path)
    if path.suffix == ".skops":
        return load_baseline(path)
    if path.suffix == ".keras":
        return load_keras(path)
    raise EpipairError(
        f"{path}: not a model file epipair reads (.skops or .keras; a pickle is never read, as "
        "reading one runs its code); retrain the model"
    )


def load_baseline(path):
    """A baseline written by ``epipair.model.baselines.write_model``. Anything else stops, naming
    the file: a pickle or another non-skops file, a skops file holding a type outside
    :data:`TRUSTED_TYPES` (skops checks before it builds any object, so no code of the file
    runs), or one holding something other than a baseline."""
    import skops.io
    from skops.io.exceptions import UntrustedTypesFoundException

    path = Path(path)
    try:
        model = skops.io.load(path, trusted=list(TRUSTED_TYPES))
    except UntrustedTypesFoundException:
        # the audit again, for the names alone (it builds nothing)
        found = set(skops.io.get_untrusted_types(file=path)) - set(TRUSTED_TYPES)
        found = ", ".join(sorted(found))
        raise EpipairError(
            f"{path}: not an epipair baseline model (untrusted types: {found}); {RETRAIN}"
        ) from None
    except zipfile.BadZipFile:
        raise EpipairError(
            f"{path}: not an epipair baseline model (not a skops file; a pickle is never "
            f"read, as reading one runs its code); {RETRAIN}"
        ) from None
    except (OSError, ImportError, KeyError, ValueError, TypeError, AttributeError) as exc:
        cause = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise EpipairError(f"{path}: unreadable baseline model ({cause}); {RETRAIN}") from None
    if f"{type(model).__module__}.{type(model).__qualname__}" != BASELINE:
        raise EpipairError(
            f"{path}: not an epipair baseline model (it holds a {type(model).__name__}); {RETRAIN}"
        )
    return model


def load_keras(path):
    """A Keras model, in Keras' safe mode: a file that would run code of its own when loaded
    (a ``Lambda`` layer's Python function) stops with one line naming it."""
    import keras

    from . import architectures  # noqa: F401  (registers the custom layers)

    try:
        return keras.models.load_model(path, safe_mode=True)
    except (ValueError, TypeError) as exc:  # TypeError: Keras' wrapper of a nested one
        if "safe_mode" not in str(exc):
            raise
        why = re.search(r"Requested the deserialization of [^.\n]*", str(exc))
        first = why.group(0) if why else str(exc).strip().splitlines()[0]
        raise EpipairError(
            f"{path}: refused by Keras' safe mode, as loading it would run code of the file "
            f"({first}); {RETRAIN}"
        ) from None


def predict_outputs(model, features: Features, names, rows, shifts, batch_size: int):
    """Outputs ``[len(rows), ...]`` of a Keras ``model`` for ``rows`` shifted by ``shifts``, in
    batches (``None`` when there are no rows). A short batch is padded to ``batch_size`` (its
    last row repeated, the extra outputs dropped): one input shape per model, so that the
    backend compiles its predict step once (TensorFlow retraces it for every new shape)."""
    from .batches import PairBatches

    ds = PairBatches(
        features, None, FixedInstances(rows, shifts), names, batch_size, shuffle=False, seed=0
    )
    out = []
    for i in range(len(ds)):
        x = ds[i][0]
        n = len(next(iter(x.values())))
        if n < batch_size:
            x = {
                k: np.concatenate([v, np.repeat(v[-1:], batch_size - n, axis=0)])
                for k, v in x.items()
            }
        out.append(np.asarray(model.predict_on_batch(x))[:n])
    return np.concatenate(out) if out else None


def predict_scores(model, features: Features, names, rows, shifts, batch_size: int) -> np.ndarray:
    """Scores of a Keras ``model`` for ``rows`` shifted by ``shifts``, in batches."""
    out = predict_outputs(model, features, names, rows, shifts, batch_size)
    return np.zeros(0, dtype=np.float32) if out is None else out.reshape(-1)


def open_sample(
    sample_dir, protocol: str, *, windows, augment, marks, model: str | None = None, **more
) -> CellData:
    """A cell line's (or a scored pair set's) folder: tables, all fold splits and features;
    ``model`` (and ``model_params``, in ``more``): whose paper protocol ``paper`` means
    (``CellData.open``)."""
    d = Path(sample_dir)
    folds = d / "splits_folds.tsv"
    return CellData.open(
        d / "pairs.tsv",
        d / "splits_paper.tsv",
        d / "features",
        protocol=protocol,
        windows=windows,
        augment=augment,
        marks=marks,
        folds_path=folds if folds.exists() else None,
        model=model,
        **more,
    )


def score_rows(model_name: str, model, data: CellData, rows, shifts, batch_size: int = 256):
    """Scores of a loaded model (neural or baseline) for ``rows`` of ``data``."""
    spec = registry.spec(model_name)
    if spec.neural:
        data.require(spec.inputs, model_name, "features")
        return predict_scores(model, data.features, spec.inputs, rows, shifts, batch_size)
    return model.predict(data.pairs, data.features, rows)


def held_out_by_chromosome(pairs: pd.DataFrame, folds: dict[str, str]) -> dict[str, np.ndarray]:
    """``{fold: rows}``: pairs whose enhancer and promoter both lie on chromosomes that one
    fold of the training cell line held out (``folds.tsv``); other pairs are left out."""
    e = pairs["enhancer_chrom"].map(folds)
    p = pairs["promoter_chrom"].map(folds)
    ok = e.notna() & (e == p)
    folds = sorted(set(e[ok]), key=_fold_key)
    return {f: np.flatnonzero((ok & (e == f)).to_numpy()) for f in folds}


def held_out_instances(data: CellData, protocol: str, train_folds: dict[str, str] | None):
    """``[(fold, rows, shifts)]``: what each model of the training cell line scores.

    ``paper`` and ``random_holdout``: the test instances of their scheme in
    ``splits_paper.tsv`` (one model, fold ``all``).
    ``leakage_free`` on the training cell line itself (``train_folds`` None): each fold's
    test split. On another cell line or a benchmark: the pairs on chromosomes that a fold
    held out (:func:`held_out_by_chromosome`), since the cell lines share one genome.
    """
    if protocol in ("paper", "random_holdout"):
        return [(SINGLE, *data.instances("test"))]
    if train_folds is None:
        table = data.fold_splits
        folds = [SINGLE] if table is None else sorted(table["fold"].unique(), key=_fold_key)
        return [(fold, *replace(data, fold=fold).instances("test")) for fold in folds]
    return [
        (fold, rows, np.zeros(rows.size, dtype=np.int64))
        for fold, rows in held_out_by_chromosome(data.pairs, train_folds).items()
    ]


def _fold_key(fold: str):
    return (0, int(fold)) if fold.isdigit() else (1, 0)


def score_held_out(
    model_name: str, models: dict, data: CellData, instances, batch_size: int = 256
) -> pd.DataFrame:
    """Score ``instances`` (from :func:`held_out_instances`), each fold with its own model."""
    parts = []
    for fold, rows, shifts in instances:
        scores = score_rows(model_name, models[fold], data, rows, shifts, batch_size)
        parts.append(
            pd.DataFrame(
                {
                    "pair_id": data.pairs["pair_id"].to_numpy()[rows],
                    "shift": shifts,
                    "label": data.labels[rows],
                    "score": np.round(np.asarray(scores, dtype=np.float64), 7),
                    "fold": fold,
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=list(PREDICTIONS.columns))
    return pd.concat(parts, ignore_index=True)


def load_models(paths: dict) -> dict:
    """``{fold: model}`` from ``{fold: path}``."""
    return {fold: load_model(path) for fold, path in paths.items()}


def predict_all(
    model_name: str,
    protocol: str,
    *,
    model_paths: dict,
    folds_paths: dict,
    cell_dirs: dict,
    tests: list,
    windows: dict,
    augment: dict,
    marks,
    out_paths: list,
    model_params: dict | None = None,
    batch_size: int = 256,
) -> None:
    """Score each ``(train, test)`` in ``tests`` into ``out_paths``.

    ``model_paths``: ``{train cell: {fold: model file}}``; ``folds_paths``: ``{train cell:
    folds.tsv}``; ``model_params``: the configured ones (a preset may have its own paper
    scheme, ``registry.ModelSpec.paper_scheme``). Each model is loaded once.
    """
    loaded = {}
    for (train, test), out in zip(tests, out_paths):
        if train not in loaded:
            loaded[train] = load_models(model_paths[train])
        data = open_sample(
            cell_dirs[test],
            protocol,
            windows=windows,
            augment=augment,
            marks=marks,
            model=model_name,
            model_params=model_params,
        )
        train_folds = None if train == test else read_folds(folds_paths[train])
        instances = held_out_instances(data, protocol, train_folds)
        if sum(rows.size for _, rows, _ in instances) == 0:
            raise EpipairError(f"{cell_dirs[test]}: no {protocol} test pair for models of {train}")
        table = score_held_out(model_name, loaded[train], data, instances, batch_size)
        PREDICTIONS.write(table, out)
        log.info(
            "%s -> %s: %d test instances, %d positives, fold(s) %s",
            train,
            test,
            len(table),
            int(table["label"].sum()),
            ",".join(table["fold"].unique()),
        )


def score_benchmark(
    model_name: str,
    *,
    model_paths: dict,
    folds_path,
    sample_dir,
    windows: dict,
    augment: dict,
    marks,
    out_path,
    batch_size: int = 256,
) -> pd.DataFrame:
    """Score a labelled benchmark with a cell line's ``leakage_free`` models, each pair by the
    model whose fold held out its chromosomes (pairs on training chromosomes are left out).
    ``folds_path``: the cell line's ``folds.tsv``, or a ``{chrom: fold}`` mapping (a train
    group's held-out chromosomes)."""
    data = open_sample(
        sample_dir, "leakage_free", windows=windows, augment=augment, marks=marks, model=model_name
    )
    folds = folds_path if isinstance(folds_path, dict) else read_folds(folds_path)
    instances = held_out_instances(data, "leakage_free", folds)
    kept = sum(rows.size for _, rows, _ in instances)
    log.info(
        "%s: %d of %d pairs lie on chromosomes held out from training (%s)",
        sample_dir,
        kept,
        len(data.pairs),
        ", ".join(f"fold {f}: {rows.size}" for f, rows, _ in instances) or "none",
    )
    if kept == 0:
        raise EpipairError(f"{sample_dir}: no benchmark pair lies on a held-out chromosome")
    table = score_held_out(model_name, load_models(model_paths), data, instances, batch_size)
    table["distance"] = data.pairs.set_index("pair_id").loc[table["pair_id"], "distance"].to_numpy()
    table = table[list(BENCHMARK_SCORES.columns)]
    BENCHMARK_SCORES.write(table, out_path)
    return table


def score_pairs(
    model_name: str,
    model_paths: dict,
    sample_dir,
    *,
    windows: dict,
    augment: dict,
    marks,
    labelled: bool,
    out_path,
    batch_size: int = 256,
) -> pd.DataFrame:
    """Score the pairs prepared by ``pipeline.prepare_pairs_to_score`` with a trained model.

    ``model_paths``: ``{fold: model file}``; under cross-validation the score is the mean of
    the fold models (every pair here is new to all of them).
    """
    data = open_sample(
        sample_dir, "leakage_free", windows=windows, augment=augment, marks=marks, model=model_name
    )
    rows, shifts = data.instances("test")
    scores = np.mean(
        [
            score_rows(model_name, model, data, rows, shifts, batch_size)
            for model in load_models(model_paths).values()
        ],
        axis=0,
    )
    coords = ["pair_id", *COORD_FIELDS, "distance"]
    out = data.pairs.iloc[rows][coords].reset_index(drop=True)
    if labelled:
        out["label"] = data.labels[rows]
    out["score"] = np.round(scores.astype(np.float64), 7)
    write_tsv(out, out_path)
    log.info("%s: scored %d pairs with %d model(s)", out_path, len(out), len(model_paths))
    return out
