"""AUPR and AUROC with stratified bootstrap intervals.

AUPR is ``sklearn.metrics.average_precision_score`` (step-wise area, no interpolation) and
AUROC is ``roc_auc_score``. Intervals resample positives and negatives separately (so every
resample keeps the base rate), ``n_boot`` times from ``seed``, and report the 2.5 and 97.5
percentiles.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..io.tables import BENCHMARK_METRICS, BENCHMARK_SCORES, METRICS, PREDICTIONS
from ..prep.splits import SINGLE


def aupr(labels, scores) -> float:
    from sklearn.metrics import average_precision_score

    labels = np.asarray(labels)
    if labels.size == 0 or labels.min() == labels.max():
        return float("nan")
    return float(average_precision_score(labels, scores))


def auroc(labels, scores) -> float:
    from sklearn.metrics import roc_auc_score

    labels = np.asarray(labels)
    if labels.size == 0 or labels.min() == labels.max():
        return float("nan")
    return float(roc_auc_score(labels, scores))


def f1_at_half(labels, scores) -> float:
    """F1 of the calls ``score >= 0.5`` (what Keras 2's ``f1`` metric rounded to; computed on
    the whole set, not averaged over batches)."""
    labels = np.asarray(labels) == 1
    calls = np.asarray(scores) >= 0.5
    tp = float((labels & calls).sum())
    denom = float(labels.sum() + calls.sum())
    return 2 * tp / denom if denom else 0.0


def _weighted_curves(labels_sorted, starts, weights):
    """AP and AUROC for rows of sample ``weights`` over scores sorted descending.

    ``starts`` are the first positions of the groups of tied scores: a tie group enters the
    curves at once, as in scikit-learn. Returns ``(ap, auc)`` arrays, one value per row.
    """
    pos_w = np.add.reduceat(weights * labels_sorted, starts, axis=1).cumsum(axis=1)
    neg_w = np.add.reduceat(weights * (1 - labels_sorted), starts, axis=1).cumsum(axis=1)
    p_tot, n_tot = pos_w[:, -1:], neg_w[:, -1:]
    precision = pos_w / np.maximum(pos_w + neg_w, 1e-12)
    recall = pos_w / p_tot
    ap = (np.diff(recall, axis=1, prepend=0.0) * precision).sum(axis=1)
    tpr = np.concatenate([np.zeros_like(p_tot), recall], axis=1)
    fpr = np.concatenate([np.zeros_like(n_tot), neg_w / n_tot], axis=1)
    auc = (np.diff(fpr, axis=1) * (tpr[:, 1:] + tpr[:, :-1]) / 2).sum(axis=1)
    return ap, auc


def bootstrap(labels, scores, n_boot: int = 1000, seed: int = 0, level: float = 0.95) -> dict:
    """Point estimates and stratified bootstrap intervals of AUPR and AUROC.

    Vectorised: scores are sorted once and each resample is a row of multiplicities, so
    1,000 resamples of 40,000 pairs take about a second.
    """
    labels = np.asarray(labels).astype(np.int64)
    scores = np.asarray(scores, dtype=np.float64)
    out = {"n": int(labels.size), "n_pos": int(labels.sum())}
    out["base_rate"] = float(labels.mean()) if labels.size else float("nan")
    out["aupr"], out["auroc"] = aupr(labels, scores), auroc(labels, scores)
    pos, neg = np.flatnonzero(labels == 1), np.flatnonzero(labels == 0)
    if pos.size == 0 or neg.size == 0 or n_boot <= 0:
        for k in ("aupr", "auroc"):
            out[f"{k}_low"] = out[f"{k}_high"] = float("nan")
        return out
    order = np.argsort(-scores, kind="stable")
    s_sorted, l_sorted = scores[order], labels[order].astype(np.float64)
    starts = np.flatnonzero(np.r_[True, s_sorted[1:] != s_sorted[:-1]])
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    rng = np.random.default_rng(seed)
    stats = []
    for lo_b in range(0, n_boot, 100):
        b = min(100, n_boot - lo_b)
        w = np.zeros((b, labels.size))
        w[:, rank[pos]] = rng.multinomial(pos.size, np.full(pos.size, 1 / pos.size), size=b)
        w[:, rank[neg]] = rng.multinomial(neg.size, np.full(neg.size, 1 / neg.size), size=b)
        stats.append(np.stack(_weighted_curves(l_sorted, starts, w), axis=1))
    stats = np.concatenate(stats)
    lo, hi = 100 * (1 - level) / 2, 100 * (1 + level) / 2
    out["aupr_low"], out["aupr_high"] = (float(x) for x in np.percentile(stats[:, 0], [lo, hi]))
    out["auroc_low"], out["auroc_high"] = (float(x) for x in np.percentile(stats[:, 1], [lo, hi]))
    return out


def metrics_table(prediction_files: dict, n_boot: int, seed: int) -> pd.DataFrame:
    """``{(model, protocol, train, test): path}`` -> the metrics table (``tables.METRICS``).

    One row per cross-validation fold when the predictions come from several folds, and the
    pooled row (fold ``all``: every pair once) always.
    """
    rows = []
    for (model, protocol, train, test), path in sorted(prediction_files.items()):
        pred = PREDICTIONS.read(path)
        key = {"model": model, "protocol": protocol, "train_cell": train, "test_cell": test}
        folds = sorted(set(pred["fold"]) - {SINGLE}, key=int)
        for fold in folds:
            sub = pred[pred["fold"] == fold]
            rows.append(
                {**key, **bootstrap(sub["label"], sub["score"], n_boot, seed), "fold": fold}
            )
        rows.append(
            {**key, **bootstrap(pred["label"], pred["score"], n_boot, seed), "fold": SINGLE}
        )
    return pd.DataFrame(rows, columns=list(METRICS.columns))


def precision_at_recall(labels, scores, recall: float = 0.7) -> float:
    """The precision of the highest threshold whose recall reaches ``recall`` (ties in the
    scores kept together; a missing score ranks last): ABC's operating point (70%,
    docs/tables/perf_summary.csv). A step of the PR curve, not interpolated: ABC's comparison
    code interpolates precision at exactly 70% recall (comparison/src/comparison.R:296-303 at
    2da763c6), so its figures can differ slightly."""
    if not 0 < recall <= 1:
        raise ValueError(f"recall must lie in (0, 1], got {recall}")
    labels = np.asarray(labels).astype(np.int64)
    scores = np.nan_to_num(np.asarray(scores, dtype=np.float64), nan=-np.inf)
    if labels.sum() == 0:
        return float("nan")
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], labels[order]
    last = np.r_[s[1:] != s[:-1], True]  # the last pair of each tied score
    tp, n = np.cumsum(y)[last], (np.arange(y.size) + 1)[last]
    reached = np.flatnonzero(tp / labels.sum() >= recall - 1e-12)
    return float(tp[reached[0]] / n[reached[0]])


def threshold_point(labels, scores, threshold: float) -> tuple[float, float]:
    """``(precision, recall)`` of ``score > threshold`` (ABC calls a link above 0.02)."""
    labels = np.asarray(labels).astype(bool)
    called = np.asarray(scores, dtype=np.float64) > threshold
    precision = float(labels[called].mean()) if called.any() else float("nan")
    recall = float(called[labels].mean()) if labels.any() else float("nan")
    return precision, recall


def benchmark_metrics(
    score_files: dict, n_boot: int, seed: int, thresholds: dict | None = None
) -> pd.DataFrame:
    """``{(benchmark, cell_line, trained_on, model, protocol): path}`` ->
    ``tables.BENCHMARK_METRICS``; ``trained_on``: the cell line whose models scored the
    benchmark, or a train group.

    Beside AUPR and AUROC: precision at 70% recall (ABC's operating point) and, for the
    models in ``thresholds`` (``{model: score}``, abc's 0.02), the precision and recall of
    ``score > threshold``. Each benchmark also gets the unsupervised reference
    ``distance_prior`` (closer scores
    higher, no training) on the same pairs as its models (one per ``trained_on``, whose
    held-out chromosomes may differ): on data at the natural ratio of positives, distance
    alone is a strong predictor, and a model should be read beside it.
    """
    rows, prior_done = [], set()
    for (name, cell, trained_on, model, protocol), path in sorted(score_files.items()):
        scores = BENCHMARK_SCORES.read(path)
        key = {"benchmark": name, "cell_line": cell, "trained_on": trained_on}
        stats = _benchmark_stats(scores["label"], scores["score"], n_boot, seed)
        if model in (thresholds or {}):
            t = thresholds[model]
            p, r = threshold_point(scores["label"], scores["score"], t)
            stats |= {"threshold": t, "threshold_precision": p, "threshold_recall": r}
        rows.append({**key, "model": model, "protocol": protocol, **stats})
        if (name, trained_on) not in prior_done:
            prior_done.add((name, trained_on))
            prior = _benchmark_stats(scores["label"], distance_score(scores), n_boot, seed)
            rows.append({**key, "model": "distance_prior", "protocol": "none", **prior})
    return pd.DataFrame(rows, columns=list(BENCHMARK_METRICS.columns))


def distance_score(scores: pd.DataFrame) -> np.ndarray:
    """``distance_prior``'s score: closer is higher; a pair between chromosomes (distance -1
    in a table of pairs to score) lowest of all, never closest."""
    d = scores["distance"].to_numpy(float)
    return -np.where(d < 0, 1e12, d)


def _benchmark_stats(labels, scores, n_boot, seed) -> dict:
    return {
        **bootstrap(labels, scores, n_boot, seed),
        "precision_at_70_recall": precision_at_recall(labels, scores, 0.7),
    }
