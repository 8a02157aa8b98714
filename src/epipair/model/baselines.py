"""Baselines every honest EPI report needs (scikit-learn).

- ``distance``: logistic regression on ``log10(1 + distance)``. TargetFinder's negatives are
  distance-matched, so this should sit at the base rate; if it does not, the negatives leak
  distance.
- ``abc``: the Activity-by-Contact model (``epipair.model.abc``): it trains nothing; "fitting" reads
  the cell line's candidate elements and gene TSSs, which the saved model carries.
- ``gbm``: gradient boosting on per-element aggregated signal (TargetFinder's E/P feature
  idea): the maximum and the mean of every mark over the enhancer window and over the promoter
  window.
- ``e2g``, ``e2g_gbm``: a logistic regression and gradient boosting over the pair features of
  ``epipair.model.e2g`` (distance, the gene's rank, activity, contact, ABC), read from each pair
  set's ``pair_features.tsv``.

Their registry entries (``epipair.model.registry``) name the estimator builders below and their
defaults. Both are trained on the same split instances as the neural models (the ``paper``
protocol's duplicated positives included) and saved as ``model.skops``: skops' format, which
holds the fitted parameters; reading it (``epipair.model.predict.load_baseline``) builds no
object of a type outside a fixed list (a pickle runs whatever code its author chose when it is read;
epipair reads none).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import EpipairError
from ..io.atomic import atomic_path, write_tsv
from ..io.pairs import COORD_FIELDS
from ..io.tables import HISTORY
from ..prep.splits import SINGLE
from . import registry
from .abc import element_files
from .data import CellData
from .metrics import aupr, auroc, f1_at_half

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


def read_pair_features(pairs: pd.DataFrame, features, rows) -> pd.DataFrame:
    """Rows ``rows`` of a pair set's ``pair_features.tsv`` (``epipair.model.e2g``), in that order;
    its pair ids must be those of ``pairs`` (a stale file stops here)."""
    path = None if features is None else features.folder / registry.PAIR_FEATURE_FILE
    if path is None or not path.exists():
        raise EpipairError(f"{path or 'features'}: no pair features (rule pair_features)")
    table = pd.read_csv(path, sep="\t", dtype={"pair_id": str})
    if not table["pair_id"].equals(pairs["pair_id"].astype(str).reset_index(drop=True)):
        raise EpipairError(
            f"{path}: its pair ids are not those of the pairs table ({len(table)} rows for "
            f"{len(pairs)} pairs); rerun the rule pair_features"
        )
    return table.iloc[np.asarray(rows, dtype=np.int64)].reset_index(drop=True)


class Baseline:
    """A fitted baseline that scores pairs from the same tables the neural models read."""

    def __init__(self, name: str, seed: int = 0, params: dict | None = None):
        spec = registry.spec(name)
        if spec.neural:
            raise EpipairError(f"{name} is a neural model, not a baseline")
        self.name = name
        self.reads_signal = spec.reads_signal
        self.reads_elements = spec.reads_elements
        self.reads_pair_features = spec.reads_pair_features
        self.estimator = spec.builder_function()(spec.params(params), seed)

    def features(self, pairs, features, rows):
        if self.reads_pair_features:
            return read_pair_features(pairs, features, rows)
        if self.reads_elements:  # the pairs' coordinates
            return pairs.iloc[np.asarray(rows, dtype=np.int64)][COORD_FIELDS]
        if self.reads_signal:
            return signal_summary(features, rows)
        return distance_features(pairs, rows)

    def fit_matrix(self, x, labels) -> Baseline:
        """Fit to feature rows ``x`` (what :meth:`features` returns) and their labels."""
        labels = np.asarray(labels)
        if np.unique(labels).size < 2:
            raise EpipairError(
                f"{self.name}: the training split has {labels.size} pairs, all labelled "
                f"{labels[0] if labels.size else '-'}; fitting needs both classes"
            )
        try:
            self.estimator.fit(x, labels)
        except (ValueError, TypeError) as exc:  # scikit-learn's check of its parameters
            if "parameter" not in str(exc):
                raise
            raise EpipairError(f"config model_params.{self.name}: {exc}") from None
        return self

    def fit(self, pairs, features, rows):
        if self.reads_elements:
            if features is None:
                raise EpipairError(f"{self.name}: no features folder with the element tables")
            self.estimator.load(*element_files(features.folder))
            return self
        labels = pairs["label"].to_numpy()[rows]
        return self.fit_matrix(self.features(pairs, features, rows), labels)

    def predict(self, pairs, features, rows) -> np.ndarray:
        return self.predict_matrix(self.features(pairs, features, rows))

    def predict_matrix(self, x: np.ndarray) -> np.ndarray:
        """Scores of feature rows ``x`` (:func:`log_distance` or :func:`summary_features`; for
        ``abc`` a table of pair coordinates)."""
        if self.reads_elements:
            return self.estimator.score_pairs(x)
        if self.reads_pair_features:
            return self.estimator.predict(x)
        return self.estimator.predict_proba(x)[:, 1]

    def coefficients(self) -> pd.DataFrame | None:
        """A linear model's coefficients by feature (``e2g``), else None."""
        get = getattr(self.estimator, "coefficients", None)
        return get() if get is not None else None


def write_model(model: Baseline, path) -> None:
    """Write a fitted baseline to ``path`` in skops' format, atomically (read back by
    ``epipair.model.predict.load_baseline``, which builds no type outside its fixed list)."""
    import skops.io

    with atomic_path(path, suffix=".skops") as tmp:
        skops.io.dump(model, tmp)


def write_coefficients(model: Baseline, out_model) -> None:
    """A linear model's coefficients, logged and written beside it (``coefficients.tsv``; the
    header alone for a model without coefficients)."""
    table = model.coefficients()
    if table is None:
        table = pd.DataFrame(columns=["feature", "coefficient"])
    else:
        log.info("%s coefficients:\n%s", model.name, table.to_string(index=False))
    write_tsv(table, Path(out_model).with_name("coefficients.tsv"))


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
    return save_baseline(model, labels, scores, tr_rows.size, seconds, out_model, out_history)


def save_baseline(model, labels, scores, n_train, seconds, out_model, out_history) -> pd.DataFrame:
    """Write a fitted baseline, its coefficients (a linear model) and its one-line history
    (validation AUPR, AUROC and F1 of ``scores``)."""
    write_model(model, out_model)
    write_coefficients(model, out_model)
    history = pd.DataFrame(
        [
            {
                "epoch": 1,
                "stage": "fit",
                "loss": float("nan"),
                "val_aupr": aupr(labels, scores),
                "val_auroc": auroc(labels, scores),
                "val_f1": f1_at_half(labels, scores),
                "seconds": round(seconds, 3),
                "samples_per_s": round(n_train / max(seconds, 1e-9), 1),
            }
        ]
    )
    HISTORY.write(history, out_history)
    return history


def chromosome_rows(pairs: pd.DataFrame, chroms) -> np.ndarray:
    """Rows whose enhancer or promoter lies on one of ``chroms``."""
    chroms = set(chroms)
    on = pairs["enhancer_chrom"].isin(chroms) | pairs["promoter_chrom"].isin(chroms)
    return on.to_numpy()


def _pooled_parts(model, members: dict, test_chroms, valid_chroms, reading: dict) -> dict:
    """``{"train" | "valid": ([features per member], [labels per member])}`` of a train
    group's members (``reading``: how their features are read); pairs on ``test_chroms`` left
    out, those on ``valid_chroms`` validating."""
    from .predict import open_sample

    parts = {"train": ([], []), "valid": ([], [])}
    for member, folder in members.items():
        data = open_sample(folder, "leakage_free", model=model.name, **reading)
        test = chromosome_rows(data.pairs, test_chroms)
        valid = chromosome_rows(data.pairs, valid_chroms) & ~test
        for split, mask in (("train", ~test & ~valid), ("valid", valid)):
            rows = np.flatnonzero(mask)
            parts[split][0].append(model.features(data.pairs, data.features, rows))
            parts[split][1].append(data.labels[rows])
        log.info(
            "%s: %s (%s): %d training pairs (%d positive), %d validation, %d held out",
            model.name,
            member,
            folder,
            int((~test & ~valid).sum()),
            int(data.labels[~test & ~valid].sum()),
            int(valid.sum()),
            int(test.sum()),
        )
    return parts


def train_group(
    name: str,
    *,
    members: dict,
    test_chroms,
    valid_chroms,
    windows: dict,
    augment: dict,
    seed: int,
    params: dict | None,
    marks: list[str] | None,
    out_model,
    out_history,
) -> pd.DataFrame:
    """Fit baseline ``name`` on the pooled pairs of a train group (``config.train_groups``).

    ``members``: ``{member: pair set folder}`` (``pairs.tsv`` and ``features/``); each pair is
    read with its own folder's features (its cell line's). Pairs with an element on
    ``test_chroms`` are left out of every member, those on ``valid_chroms`` validate, the
    rest train: no member trains on a chromosome that the group's models are tested on.
    """
    model = Baseline(name, int(seed), params)
    reading = dict(windows=windows, augment=augment, marks=marks)
    parts = _pooled_parts(model, members, test_chroms, valid_chroms, reading)

    def stack(xs):
        return (
            pd.concat(xs, ignore_index=True)
            if isinstance(xs[0], pd.DataFrame)
            else np.concatenate(xs)
        )

    x_train, y_train = stack(parts["train"][0]), np.concatenate(parts["train"][1])
    t0 = time.perf_counter()
    model.fit_matrix(x_train, y_train)
    seconds = time.perf_counter() - t0
    y_valid = np.concatenate(parts["valid"][1])
    scores = model.predict_matrix(stack(parts["valid"][0])) if y_valid.size else np.zeros(0)
    log.info(
        "%s: %d pooled training pairs from %d member(s), %d validation pairs, %.1f s",
        name,
        y_train.size,
        len(members),
        y_valid.size,
        seconds,
    )
    return save_baseline(model, y_valid, scores, y_train.size, seconds, out_model, out_history)
