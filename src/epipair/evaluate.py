"""Predictions of a trained model on every test cell line.

The test set of cell line B is B's *test split*: under ``leakage_free`` its held-out
chromosomes (the cell lines share one genome, so B's pairs on A's training chromosomes would
leak sequence into a cross-cell-line test); under ``paper`` the published protocol's random
test instances (shifted copies included), which is what the published numbers measured.
"""

from __future__ import annotations

import logging
import pickle
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import EpipairError
from .io import write_tsv

log = logging.getLogger(__name__)
PREDICTION_COLUMNS = ["pair_id", "shift", "label", "score"]


def load_model(path):
    path = Path(path)
    if path.suffix == ".pkl":
        return pickle.loads(path.read_bytes())
    import keras

    from . import models  # noqa: F401  (registers the custom layers)

    return keras.models.load_model(path)


def predict_test_split(model_name, model, protocol, cell_dir, windows, augment, marks,
                       batch_size: int = 256) -> pd.DataFrame:
    """Scores of ``model`` on the test split of the cell line in ``cell_dir``."""
    from .baselines import BASELINES
    from .data import Features
    from .pipeline import read_pairs_table
    from .train import predict, split_instances

    cell_dir = Path(cell_dir)
    pairs = read_pairs_table(cell_dir / "pairs.tsv")
    paper = None
    if protocol == "paper":
        paper = pd.read_csv(cell_dir / "splits_paper.tsv", sep="\t", dtype={"pair_id": str})
    rows, shifts = split_instances(pairs, paper, protocol, "test")
    if rows.size == 0:
        raise EpipairError(f"{cell_dir}: the {protocol} test split is empty")
    feats_dir = cell_dir / "features"
    features = Features(feats_dir, augment["max_shift"], windows, marks) if feats_dir.exists() else None
    if model_name in BASELINES:
        scores = model.predict(pairs, features, rows)
    else:
        from .models import input_names

        scores = predict(model, features, input_names(model_name), rows, shifts, batch_size)
    return pd.DataFrame({
        "pair_id": pairs["pair_id"].to_numpy()[rows],
        "shift": shifts,
        "label": pairs["label"].to_numpy()[rows],
        "score": np.round(scores.astype(np.float64), 7),
    })


def predict_all(model_name, protocol, model_paths: dict, cell_dirs: dict, tests: list,
                windows, augment, marks, out_paths: list, batch_size: int = 256) -> None:
    """Score each ``(train, test)`` in ``tests`` (loading each model once) into ``out_paths``."""
    models = {}
    for (train, test), out in zip(tests, out_paths):
        if train not in models:
            models[train] = load_model(model_paths[train])
        table = predict_test_split(model_name, models[train], protocol, cell_dirs[test], windows,
                                   augment, marks, batch_size)
        write_tsv(table, out)
        log.info("%s -> %s: %d test instances, %d positives", train, test, len(table),
                 int(table["label"].sum()))


def score_pairs(model_name, model_path, sample_dir, windows, augment, marks, labelled: bool,
                out_path, batch_size: int = 256) -> pd.DataFrame:
    """Score the pairs prepared by ``pipeline.prepare_pairs_to_score`` with a trained model."""
    from .pipeline import read_pairs_table

    model = load_model(model_path)
    pred = predict_test_split(model_name, model, "leakage_free", sample_dir, windows, augment,
                              marks, batch_size)
    pairs = read_pairs_table(Path(sample_dir) / "pairs.tsv").set_index("pair_id")
    coords = ["enhancer_chrom", "enhancer_start", "enhancer_end", "promoter_chrom",
              "promoter_start", "promoter_end", "distance"]
    out = pairs.loc[pred["pair_id"], coords].reset_index()
    if labelled:
        out["label"] = pred["label"].to_numpy()
    out["score"] = pred["score"].to_numpy()
    write_tsv(out, out_path)
    log.info("%s: scored %d pairs with %s", out_path, len(out), model_path)
    return out
