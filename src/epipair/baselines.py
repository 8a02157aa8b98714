"""Baselines every honest EPI report needs (scikit-learn).

- ``distance``: logistic regression on ``log10(1 + distance)``. TargetFinder's negatives are
  distance-matched, so this should sit at the base rate; if it does not, the negatives leak
  distance.
- ``gbm``: gradient boosting on per-element aggregated signal (TargetFinder's E/P feature
  idea): the maximum and the mean of every mark over the enhancer window and over the promoter
  window.

Both are trained on the same split instances as the neural models (the ``paper`` protocol's
duplicated positives included) and saved with pickle as ``model.pkl``.
"""

from __future__ import annotations

import logging
import pickle
import time

import numpy as np
import pandas as pd

from .errors import EpipairError
from .io import atomic_path, write_tsv

log = logging.getLogger(__name__)
BASELINES = ("distance", "gbm")


def distance_features(pairs: pd.DataFrame, rows) -> np.ndarray:
    d = pairs["distance"].to_numpy(dtype=np.float64)[rows]
    d = np.where(d < 0, 1e9, d)  # trans pairs: farther than any cis pair
    return np.log10(1.0 + d)[:, None]


def signal_summary(features, rows) -> np.ndarray:
    """``[n, 4 * marks]``: max and mean per mark over the enhancer and the promoter window."""
    parts = []
    for name in ("enhancer_sig", "promoter_sig"):
        if features is None or name not in features.arrays:
            raise EpipairError(f"gbm needs signal features ({name}); configure tracks")
        sig = np.asarray(features.arrays[name][np.sort(rows)])[np.argsort(np.argsort(rows))]
        parts += [sig.max(axis=2), sig.mean(axis=2)]
    return np.log1p(np.maximum(np.concatenate(parts, axis=1), 0))


class Baseline:
    """A fitted baseline that scores pairs from the same tables the neural models read."""

    def __init__(self, name: str, seed: int = 0, params: dict | None = None):
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.linear_model import LogisticRegression

        if name not in BASELINES:
            raise EpipairError(f"unknown baseline {name!r}; known: {', '.join(BASELINES)}")
        self.name = name
        params = dict(params or {})
        if name == "distance":
            self.estimator = LogisticRegression(**params)
        else:
            self.estimator = HistGradientBoostingClassifier(
                **{"max_iter": 200, "learning_rate": 0.05, "random_state": seed, **params}
            )

    def features(self, pairs, features, rows):
        if self.name == "distance":
            return distance_features(pairs, rows)
        return signal_summary(features, rows)

    def fit(self, pairs, features, rows):
        self.estimator.fit(self.features(pairs, features, rows), pairs["label"].to_numpy()[rows])
        return self

    def predict(self, pairs, features, rows) -> np.ndarray:
        return self.estimator.predict_proba(self.features(pairs, features, rows))[:, 1]


def train_baseline(name, protocol, pairs_path, paper_path, features_dir, windows, augment,
                   train_cfg, params, marks, out_model, out_history) -> pd.DataFrame:
    from .data import Features
    from .pipeline import read_pairs_table
    from .train import HISTORY_COLUMNS, _aupr_auroc, split_instances

    pairs = read_pairs_table(pairs_path)
    paper = pd.read_csv(paper_path, sep="\t", dtype={"pair_id": str}) if protocol == "paper" else None
    features = None if features_dir is None else Features(features_dir, augment["max_shift"], windows, marks)
    tr_rows, _ = split_instances(pairs, paper, protocol, "train")
    va_rows, _ = split_instances(pairs, paper, protocol, "valid")
    t0 = time.perf_counter()
    model = Baseline(name, int(train_cfg["seed"]), params).fit(pairs, features, tr_rows)
    seconds = time.perf_counter() - t0
    aupr, auroc = _aupr_auroc(pairs["label"].to_numpy()[va_rows], model.predict(pairs, features, va_rows))
    log.info("%s (%s): %d training instances, val AUPR %.4f, AUROC %.4f, %.1f s",
             name, protocol, tr_rows.size, aupr, auroc, seconds)
    with atomic_path(out_model, suffix=".pkl") as tmp:
        tmp.write_bytes(pickle.dumps(model))
    history = pd.DataFrame([{"epoch": 1, "stage": "fit", "loss": float("nan"), "val_aupr": aupr,
                             "val_auroc": auroc, "seconds": round(seconds, 3),
                             "samples_per_s": round(tr_rows.size / max(seconds, 1e-9), 1)}],
                           columns=HISTORY_COLUMNS)
    write_tsv(history, out_history)
    return history
