"""Model loading and inference: scores of trained models on test splits and on your pairs.

The test set of cell line B is B's *test split*: under ``leakage_free`` its held-out
chromosomes (the cell lines share one genome, so B's pairs on A's training chromosomes would
leak sequence into a cross-cell-line test); under ``paper`` the paper protocol's random test
instances (``splits_paper.tsv``, shifted copies included). Metrics of the scores are
``epipair.metrics``' business.

Keras is imported only to load and run a neural model; scoring with a baseline loads none.
"""

from __future__ import annotations

import logging
import pickle
from pathlib import Path

import numpy as np
import pandas as pd

from . import registry
from .data import CellData, Features, FixedInstances
from .errors import EpipairError
from .atomic import write_tsv
from .tables import PAIRS, PREDICTIONS

log = logging.getLogger(__name__)


def load_model(path):
    """A trained model: a pickled baseline (``.pkl``) or a Keras model (``.keras``)."""
    path = Path(path)
    if path.suffix == ".pkl":
        return pickle.loads(path.read_bytes())
    import keras

    from . import models  # noqa: F401  (registers the custom layers)

    return keras.models.load_model(path)


def predict_scores(model, features: Features, names, rows, shifts, batch_size: int) -> np.ndarray:
    """Scores of a Keras ``model`` for ``rows`` shifted by ``shifts``, in batches."""
    from .batches import PairBatches

    ds = PairBatches(
        features, None, FixedInstances(rows, shifts), names, batch_size, shuffle=False, seed=0
    )
    out = [np.asarray(model.predict_on_batch(ds[i][0])).reshape(-1) for i in range(len(ds))]
    return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)


def predict_test_split(
    model_name: str,
    model,
    protocol: str,
    cell_dir,
    *,
    windows: dict,
    augment: dict,
    marks,
    batch_size: int = 256,
) -> pd.DataFrame:
    """Scores of ``model`` on the test split of the cell line in ``cell_dir``."""
    cell_dir = Path(cell_dir)
    data = CellData.open(
        cell_dir / "pairs.tsv",
        cell_dir / "splits_paper.tsv",
        cell_dir / "features",
        protocol=protocol,
        windows=windows,
        augment=augment,
        marks=marks,
    )
    rows, shifts = data.instances("test")
    if rows.size == 0:
        raise EpipairError(f"{cell_dir}: the {protocol} test split is empty")
    spec = registry.spec(model_name)
    if spec.neural:
        data.require(spec.inputs, model_name, cell_dir / "features")
        scores = predict_scores(model, data.features, spec.inputs, rows, shifts, batch_size)
    else:
        scores = model.predict(data.pairs, data.features, rows)
    return pd.DataFrame(
        {
            "pair_id": data.pairs["pair_id"].to_numpy()[rows],
            "shift": shifts,
            "label": data.labels[rows],
            "score": np.round(scores.astype(np.float64), 7),
        }
    )


def predict_all(
    model_name: str,
    protocol: str,
    *,
    model_paths: dict,
    cell_dirs: dict,
    tests: list,
    windows: dict,
    augment: dict,
    marks,
    out_paths: list,
    batch_size: int = 256,
) -> None:
    """Score each ``(train, test)`` in ``tests`` (loading each model once) into ``out_paths``."""
    loaded = {}
    for (train, test), out in zip(tests, out_paths):
        if train not in loaded:
            loaded[train] = load_model(model_paths[train])
        table = predict_test_split(
            model_name,
            loaded[train],
            protocol,
            cell_dirs[test],
            windows=windows,
            augment=augment,
            marks=marks,
            batch_size=batch_size,
        )
        PREDICTIONS.write(table, out)
        log.info(
            "%s -> %s: %d test instances, %d positives",
            train,
            test,
            len(table),
            int(table["label"].sum()),
        )


def score_pairs(
    model_name: str,
    model_path,
    sample_dir,
    *,
    windows: dict,
    augment: dict,
    marks,
    labelled: bool,
    out_path,
    batch_size: int = 256,
) -> pd.DataFrame:
    """Score the pairs prepared by ``pipeline.prepare_pairs_to_score`` with a trained model."""
    model = load_model(model_path)
    pred = predict_test_split(
        model_name,
        model,
        "leakage_free",
        sample_dir,
        windows=windows,
        augment=augment,
        marks=marks,
        batch_size=batch_size,
    )
    pairs = PAIRS.read(Path(sample_dir) / "pairs.tsv").set_index("pair_id")
    coords = [
        "enhancer_chrom",
        "enhancer_start",
        "enhancer_end",
        "promoter_chrom",
        "promoter_start",
        "promoter_end",
        "distance",
    ]
    out = pairs.loc[pred["pair_id"], coords].reset_index()
    if labelled:
        out["label"] = pred["label"].to_numpy()
    out["score"] = pred["score"].to_numpy()
    write_tsv(out, out_path)
    log.info("%s: scored %d pairs with %s", out_path, len(out), model_path)
    return out
