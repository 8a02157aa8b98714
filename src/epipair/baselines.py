"""Baselines every honest EPI report needs (scikit-learn).

- ``distance``: logistic regression on ``log10(1 + distance)``. TargetFinder's negatives are
  distance-matched, so this should sit at the base rate; if it does not, the negatives leak
  distance.
- ``abc``: the Activity-by-Contact model (``epipair.abc``): it trains nothing; "fitting" reads
  the cell line's candidate elements and gene TSSs, which the saved model carries.
- ``gbm``: gradient boosting on per-element aggregated signal (TargetFinder's E/P feature
  idea): the maximum and the mean of every mark over the enhancer window and over the promoter
  window.

Their registry entries (``epipair.registry``) name the estimator builders below and their
defaults. Both are trained on the same split instances as the neural models (the ``paper``
protocol's duplicated positives included) and saved with pickle as ``model.pkl``.
"""

from __future__ import annotations

import logging
import pickle
import time

import numpy as np
import pandas as pd

from . import registry
from .abc import element_files
from .atomic import atomic_path
from .data import CellData
from .errors import EpipairError
from .metrics import aupr, auroc, f1_at_half
from .pairs import COORD_FIELDS
from .splits import SINGLE
from .tables import HISTORY

log = logging.getLogger(__name__)


def distance_estimator(params: dict, seed: int):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(**params)


def gbm_estimator(params: dict, seed: int):
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(**{"random_state": seed, **params})


def log_distance(distance) -> np.ndarray:
    """``[n, 1]``: ``log10(1 + distance)``; a trans pair (-1) is farther than any cis pair."""
    d = np.asarray(distance, dtype=np.float64)
    return np.log10(1.0 + np.where(d < 0, 1e9, d))[:, None]


def distance_features(pairs: pd.DataFrame, rows) -> np.ndarray:
    return log_distance(pairs["distance"].to_numpy(dtype=np.float64)[rows])


def element_summary(sig: np.ndarray) -> np.ndarray:
    """``[n, 2 * marks]``: the max and the mean of each mark over each window of ``sig``
    (``[n, marks, bins]``)."""
    return np.concatenate([sig.max(axis=2), sig.mean(axis=2)], axis=1)


def summary_features(enh_summary: np.ndarray, prom_summary: np.ndarray) -> np.ndarray:
    """``[n, 4 * marks]``: the pairs' enhancer and promoter summaries, ``log1p`` of the
    non-negative part."""
    return np.log1p(np.maximum(np.concatenate([enh_summary, prom_summary], axis=1), 0))


def signal_summary(features, rows) -> np.ndarray:
    """``[n, 4 * marks]``: max and mean per mark over the enhancer and the promoter window."""
    parts = []
    for name in registry.SIGNAL_INPUTS:
        if features is None or name not in features.arrays:
            raise EpipairError(f"gbm needs signal features ({name}); configure tracks")
        sig = np.asarray(features.arrays[name][np.sort(rows)])[np.argsort(np.argsort(rows))]
        parts.append(element_summary(sig))
    return summary_features(*parts)


class Baseline:
    """A fitted baseline that scores pairs from the same tables the neural models read."""

    def __init__(self, name: str, seed: int = 0, params: dict | None = None):
        spec = registry.spec(name)
        if spec.neural:
            raise EpipairError(f"{name} is a neural model, not a baseline")
        self.name = name
        self.reads_signal = spec.reads_signal
        self.reads_elements = spec.reads_elements
        self.estimator = spec.builder_function()(spec.params(params), seed)

    def features(self, pairs, features, rows):
        if self.reads_elements:  # the pairs' coordinates
            return pairs.iloc[np.asarray(rows, dtype=np.int64)][COORD_FIELDS]
        if self.reads_signal:
            return signal_summary(features, rows)
        return distance_features(pairs, rows)

    def fit(self, pairs, features, rows):
        if self.reads_elements:
            if features is None:
                raise EpipairError(f"{self.name}: no features folder with the element tables")
            self.estimator.load(*element_files(features.folder))
            return self
        labels = pairs["label"].to_numpy()[rows]
        if np.unique(labels).size < 2:
            raise EpipairError(
                f"{self.name}: the training split has {labels.size} pairs, all labelled "
                f"{labels[0] if labels.size else '-'}; fitting needs both classes"
            )
        try:
            self.estimator.fit(self.features(pairs, features, rows), labels)
        except (ValueError, TypeError) as exc:  # scikit-learn's check of its parameters
            if "parameter" not in str(exc):
                raise
            raise EpipairError(f"config model_params.{self.name}: {exc}") from None
        return self

    def predict(self, pairs, features, rows) -> np.ndarray:
        return self.predict_matrix(self.features(pairs, features, rows))

    def predict_matrix(self, x: np.ndarray) -> np.ndarray:
        """Scores of feature rows ``x`` (:func:`log_distance` or :func:`summary_features`; for
        ``abc`` a table of pair coordinates)."""
        if self.reads_elements:
            return self.estimator.score_pairs(x)
        return self.estimator.predict_proba(x)[:, 1]


def train_baseline(
    name: str,
    protocol: str,
    *,
    pairs_path,
    paper_path,
    folds_path=None,
    fold: str = SINGLE,
    features_dir,
    windows: dict,
    augment: dict,
    seed: int,
    params: dict | None,
    marks: list[str] | None,
    out_model,
    out_history,
) -> pd.DataFrame:
    """Fit baseline ``name`` on the training split; validation AUPR and AUROC in the history."""
    data = CellData.open(
        pairs_path,
        paper_path,
        features_dir,
        protocol=protocol,
        windows=windows,
        augment=augment,
        marks=marks,
        folds_path=folds_path,
        fold=fold,
        model=name,
    )
    tr_rows, _ = data.instances("train")
    va_rows, _ = data.instances("valid")
    t0 = time.perf_counter()
    model = Baseline(name, int(seed), params).fit(data.pairs, data.features, tr_rows)
    seconds = time.perf_counter() - t0
    labels, scores = data.labels[va_rows], model.predict(data.pairs, data.features, va_rows)
    val_aupr, val_auroc = aupr(labels, scores), auroc(labels, scores)
    log.info(
        "%s (%s): %d training instances, val AUPR %.4f, AUROC %.4f, %.1f s",
        name,
        protocol,
        tr_rows.size,
        val_aupr,
        val_auroc,
        seconds,
    )
    with atomic_path(out_model, suffix=".pkl") as tmp:
        tmp.write_bytes(pickle.dumps(model))
    history = pd.DataFrame(
        [
            {
                "epoch": 1,
                "stage": "fit",
                "loss": float("nan"),
                "val_aupr": val_aupr,
                "val_auroc": val_auroc,
                "val_f1": f1_at_half(labels, scores),
                "seconds": round(seconds, 3),
                "samples_per_s": round(tr_rows.size / max(seconds, 1e-9), 1),
            }
        ]
    )
    HISTORY.write(history, out_history)
    return history
