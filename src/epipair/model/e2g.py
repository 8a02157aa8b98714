"""``e2g``: a learned, distance-aware enhancer-gene model in the spirit of ENCODE-rE2G.

ENCODE-rE2G (Gschwind et al. 2023, EngreitzLab/ENCODE_rE2G) is a logistic regression over
features derived from the Activity-by-Contact model, trained on CRISPRi screens. epipair's
``e2g`` fits the same kind of model (a logistic regression, ``e2g``, or gradient boosting on
the same features, ``e2g_gbm``) on any natural-ratio labels: BENGI-like pairs or a CRISPRi
table, within one cell line or pooled over several (``train_groups``).

Every feature of a pair comes from its own coordinates, the ``genes`` TSSs and the cell line's
candidate elements with their activity and contact (the tables of ``abc.build_elements``), never
from the pair set it belongs to: a benchmark's choice of candidate pairs is not known for a new
gene, so a feature built from it (say, the number of a benchmark's pairs per enhancer) would leak
the benchmark's design into the score. The features (:data:`FEATURES`), per pair, with ``m`` the
enhancer's midpoint, ``t`` the gene's TSS (``AbcModel.gene_tss``: the TSS inside the promoter
interval nearest its centre) and ``W`` = ``model_params.abc.window`` (5 Mb):

``distance``, ``log_distance``
    ``|m - t|`` and ``log10(1 + |m - t|)``.
``gene_rank``
    1 + the number of other genes (distinct ``genes`` names) with a TSS closer to ``m`` than
    ``t``: 1 for the enhancer's nearest gene (another TSS of the pair's own gene never counts).
``genes_between``, ``elements_between``
    Other genes with a TSS strictly between ``m`` and ``t``; candidate elements whose
    midpoint lies strictly between them.
``contact``, ``abc_numerator``, ``abc_score``
    ABC's contact of ``m`` with ``t`` (Hi-C as ABC processes it, or its power law), the
    enhancer's activity times that contact, and the ABC score (``epipair.model.abc``).
``enhancer_activity``, ``enhancer_accessibility``, ``enhancer_h3k27ac``
    Sums over the candidate elements that the enhancer interval overlaps.
``promoter_activity``, ``promoter_accessibility``, ``promoter_h3k27ac``
    Sums over the elements that overlap ``t`` +-500 bp (ABC's promoter class).
``activity_within_5kb``
    Activity of the elements overlapping ``m`` +-5 kb, less the enhancer's own (ENCODE-rE2G's
    local enhancer density; 0 at least).
``promoter_contact_share``
    The promoter's activity x contact with ``m``, over the sum of that product over every gene
    TSS within ``W`` of ``m`` (a gene with several TSSs counts once per TSS); 0 for a TSS
    ``W`` or farther away: ABC's normalisation turned around, over the enhancer's candidate
    genes (what ranks a gene's candidates where nearly every enhancer has a target gene).

Models see ``log1p`` of the non-negative heavy-tailed features (:data:`LOG_FEATURES`); the
logistic regression standardises them first, and its coefficients (per standard deviation of
the transformed feature) are written beside the model (``coefficients.tsv``).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from ..errors import EpipairError
from .abc import TSS_SLOP, AbcModel

log = logging.getLogger(__name__)

NEARBY = 5_000  # activity_within_5kb
FEATURES = (
    "distance",
    "log_distance",
    "gene_rank",
    "genes_between",
    "elements_between",
    "contact",
    "abc_numerator",
    "abc_score",
    "enhancer_activity",
    "enhancer_accessibility",
    "enhancer_h3k27ac",
    "promoter_activity",
    "promoter_accessibility",
    "promoter_h3k27ac",
    "activity_within_5kb",
    "promoter_contact_share",
)
# what the estimators read: every feature but ``distance`` (``log_distance`` carries it)
MODEL_FEATURES = FEATURES[1:]
# features that enter the model as they are; ``log1p`` of the others (counts and activities)
AS_THEY_ARE = ("log_distance", "contact", "abc_score", "promoter_contact_share")
LOG_FEATURES = tuple(f for f in MODEL_FEATURES if f not in AS_THEY_ARE)
ESTIMATORS = ("logistic", "gbm")


class Neighbourhood:
    """One cell line's element and TSS tables, read for pair features: ``AbcModel`` (contact,
    scores) plus per-chromosome cumulative sums of the elements' activity columns and the
    genes' TSSs with their names."""

    def __init__(self, abc: AbcModel, tss_path, elements_path):
        self.abc = abc
        elements = pd.read_csv(elements_path, sep="\t", dtype={"chrom": str})
        self.cum = {}
        for chrom, sub in elements.groupby("chrom", sort=False):
            sub = sub.sort_values("start", kind="stable")
            vals = sub[["activity", "accessibility", "h3k27ac"]].fillna(0.0).to_numpy(np.float64)
            self.cum[chrom] = np.vstack([np.zeros((1, 3)), np.cumsum(vals, axis=0)])
        tss = pd.read_csv(tss_path, sep="\t", dtype={"chrom": str, "name": str})
        codes = pd.factorize(tss["name"])[0]
        self.genes = {}
        for chrom, idx in tss.groupby("chrom", sort=False).indices.items():
            order = np.argsort(tss["tss"].to_numpy(np.int64)[idx], kind="stable")
            pos = tss["tss"].to_numpy(np.int64)[idx][order]
            self.genes[chrom] = (pos, codes[idx][order])

    def element_sums(self, chrom: str, start, end) -> np.ndarray:
        """``[n, 3]``: activity, accessibility and H3K27ac summed over the elements that each
        interval ``[start, end)`` overlaps."""
        start, end = np.asarray(start, np.int64), np.asarray(end, np.int64)
        if chrom not in self.abc.elements:
            return np.zeros((start.size, 3))
        s, e, _, _ = self.abc.elements[chrom]
        lo = np.searchsorted(e, start, side="right")  # first element ending after start
        hi = np.maximum(np.searchsorted(s, end, side="left"), lo)
        cum = self.cum[chrom]
        return cum[hi] - cum[lo]

    def promoter_sums(self, chrom: str, tss) -> np.ndarray:
        tss = np.asarray(tss, np.int64)
        return self.element_sums(chrom, tss - TSS_SLOP, tss + TSS_SLOP)

    def chrom_features(self, chrom: str, es, ee, tss) -> dict[str, np.ndarray]:
        """:data:`FEATURES` of pairs on one chromosome (enhancer intervals, gene TSSs)."""
        es, ee, tss = (np.asarray(a, np.int64) for a in (es, ee, tss))
        n = tss.size
        mid = (es + ee) / 2.0
        dist = np.abs(mid - tss)
        out = {"distance": dist, "log_distance": np.log10(1.0 + dist)}
        enh = self.element_sums(chrom, es, ee)
        prom = self.promoter_sums(chrom, tss)
        contact = self.abc.contact(chrom, mid, tss)
        out["contact"] = contact
        out["abc_numerator"] = enh[:, 0] * contact
        out["abc_score"] = self.abc.score_chrom(chrom, es, ee, tss)
        for j, name in enumerate(("activity", "accessibility", "h3k27ac")):
            out[f"enhancer_{name}"] = enh[:, j]
            out[f"promoter_{name}"] = prom[:, j]
        if chrom in self.abc.elements:
            s, e, _, _ = self.abc.elements[chrom]
            mids = (s + e) / 2.0
            lo = np.searchsorted(mids, np.minimum(mid, tss), side="right")
            hi = np.searchsorted(mids, np.maximum(mid, tss), side="left")
            out["elements_between"] = np.maximum(hi - lo, 0).astype(np.float64)
            near = self.element_sums(chrom, mid - NEARBY, mid + NEARBY)[:, 0]
            out["activity_within_5kb"] = np.maximum(near - enh[:, 0], 0.0)
        else:
            out["elements_between"] = np.zeros(n)
            out["activity_within_5kb"] = np.zeros(n)
        out.update(self._gene_side(chrom, mid, tss, dist))
        return out

    def _gene_side(self, chrom, mid, tss, dist) -> dict[str, np.ndarray]:
        """Gene rank, genes between and the promoter contact share: one pass per enhancer
        midpoint over the gene TSSs around it (within the window, or as far as its farthest
        pair). The pair's own gene (the gene of a ``genes`` TSS at ``t``) is never counted:
        with several TSSs per gene, another TSS of it may lie nearer or in between."""
        n = tss.size
        rank, between, share = np.ones(n), np.zeros(n), np.zeros(n)
        if chrom not in self.genes:
            return {"gene_rank": rank, "genes_between": between, "promoter_contact_share": share}
        pos, codes = self.genes[chrom]
        act = self.promoter_sums(chrom, pos)[:, 0]
        window = self.abc.params["window"]
        term = self.promoter_sums(chrom, tss)[:, 0] * self.abc.contact(chrom, mid, tss)
        i = np.clip(np.searchsorted(pos, tss), 0, pos.size - 1)
        own = np.where(pos[i] == tss, codes[i], -2)
        uniq, inv = np.unique(mid, return_inverse=True)
        order = np.argsort(inv, kind="stable")
        bounds = np.searchsorted(inv[order], np.arange(uniq.size + 1))
        for k, m in enumerate(uniq):
            rows = order[bounds[k] : bounds[k + 1]]
            reach = max(window, float(dist[rows].max()) + 1)
            lo = np.searchsorted(pos, m - reach, side="right")
            hi = np.searchsorted(pos, m + reach, side="left")
            p, c = pos[lo:hi], codes[lo:hi]
            rank[rows] = 1 + _genes_nearer(np.abs(p - m), c, dist[rows], own[rows])
            between[rows] = _genes_between(m, p, c, tss[rows], own[rows])
            near = np.abs(p - m) < window  # ABC's window, as for its own denominator
            den = float(np.sum(act[lo:hi][near] * self.abc.contact(chrom, m, p[near])))
            if den > 0:
                share[rows] = np.where(dist[rows] < window, term[rows] / den, 0.0)
        return {"gene_rank": rank, "genes_between": between, "promoter_contact_share": share}


def _per_gene_first(values, codes):
    """``(genes, value)``: each distinct code (sorted) and its first value in ``values``."""
    genes, first = np.unique(codes, return_index=True)
    return genes, values[first]


def _count_below(values, genes, limit, own) -> np.ndarray:
    """Per ``limit``: genes whose value is below it, the ``own`` gene left out."""
    n = np.searchsorted(np.sort(values), limit, side="left")
    j = np.clip(np.searchsorted(genes, own), 0, max(genes.size - 1, 0))
    counted = (genes[j] == own) & (values[j] < limit) if genes.size else np.zeros(n.size, bool)
    return n - counted


def _genes_nearer(d, codes, dist, own) -> np.ndarray:
    """Genes (not ``own``) with a TSS nearer the enhancer than ``dist`` (``d``: the TSSs')."""
    by = np.argsort(d, kind="stable")
    genes, nearest = _per_gene_first(d[by], codes[by])
    return _count_below(nearest, genes, dist, own)


def _genes_between(m: float, pos, codes, tss, own=None) -> np.ndarray:
    """Genes (not ``own``) with a TSS strictly between ``m`` and each of ``tss`` (``pos``:
    sorted TSSs with gene ``codes``): a gene lies between ``m`` and ``t > m`` when its nearest
    TSS right of ``m`` lies before ``t`` (left of ``m`` likewise, mirrored)."""
    own = np.full(np.shape(tss), -2) if own is None else own
    right = pos > m
    genes_r, nearest_r = _per_gene_first(pos[right], codes[right])
    left = np.flatnonzero(pos < m)[::-1]  # nearest first
    genes_l, nearest_l = _per_gene_first(-pos[left], codes[left])
    n_right = _count_below(nearest_r, genes_r, tss, own)
    n_left = _count_below(nearest_l, genes_l, -tss, own)
    return np.where(tss > m, n_right, np.where(tss < m, n_left, 0)).astype(np.float64)


def neighbourhood(elements_path, tss_path, contact_path, abc_params: dict | None):
    """A cell line's :class:`Neighbourhood` from the tables of ``abc.build_elements``."""
    abc = AbcModel(abc_params).load(elements_path, tss_path, contact_path)
    return Neighbourhood(abc, tss_path, elements_path)


def pair_features(hood: Neighbourhood, pairs: pd.DataFrame) -> pd.DataFrame:
    """:data:`FEATURES` of ``pairs`` (the canonical coordinate columns): one row per pair, in
    order. A pair between chromosomes gets ``distance`` -1 (as in ``pairs.tsv``) and zeros:
    e2g leaves it out of training and scores it 0, as abc does."""
    out = pd.DataFrame(0.0, index=np.arange(len(pairs)), columns=list(FEATURES))
    chrom = pairs["enhancer_chrom"].to_numpy()
    cis = chrom == pairs["promoter_chrom"].to_numpy()
    out.loc[~cis, "distance"] = -1.0
    for c in sorted(set(chrom[cis].tolist())):
        rows = np.flatnonzero(cis & (chrom == c))
        sub = pairs.iloc[rows]
        tss = hood.abc.gene_tss(
            c, sub["promoter_start"].to_numpy(np.int64), sub["promoter_end"].to_numpy(np.int64)
        )
        feats = hood.chrom_features(
            c, sub["enhancer_start"].to_numpy(), sub["enhancer_end"].to_numpy(), tss
        )
        for name in FEATURES:
            out.loc[rows, name] = feats[name]
    return out


def model_matrix(table: pd.DataFrame) -> np.ndarray:
    """What the estimators see: :data:`MODEL_FEATURES` of ``table``, ``log1p`` of
    :data:`LOG_FEATURES` (negative values clipped to 0)."""
    missing = [f for f in FEATURES if f not in table.columns]
    if missing:
        raise EpipairError(f"pair features lack column(s) {', '.join(missing)}")
    cols = []
    for name in MODEL_FEATURES:
        v = table[name].to_numpy(np.float64)
        cols.append(np.log1p(np.maximum(v, 0.0)) if name in LOG_FEATURES else v)
    return np.column_stack(cols)


class E2gModel:
    """The estimator over :func:`model_matrix`: a standardised logistic regression (``e2g``)
    or histogram gradient boosting (``e2g_gbm``)."""

    def __init__(self, estimator: str = "logistic", seed: int = 0, **params):
        if estimator not in ESTIMATORS:
            raise EpipairError(
                f"config model_params: e2g estimator must be one of {', '.join(ESTIMATORS)}"
            )
        self.kind = estimator
        self.seed = seed
        self.params = params
        self.model = None

    def _build(self):
        if self.kind == "logistic":
            from sklearn.linear_model import LogisticRegression
            from sklearn.pipeline import make_pipeline
            from sklearn.preprocessing import StandardScaler

            lr = LogisticRegression(**{"max_iter": 1000, **self.params})
            return make_pipeline(StandardScaler(), lr)
        from sklearn.ensemble import HistGradientBoostingClassifier

        return HistGradientBoostingClassifier(**{"random_state": self.seed, **self.params})

    def fit(self, table: pd.DataFrame, labels) -> E2gModel:
        """Fit to the pairs within a chromosome (those between chromosomes are left out)."""
        cis = table["distance"].to_numpy(np.float64) >= 0
        if not cis.all():
            log.info("e2g: %d pair(s) between chromosomes left out of training", (~cis).sum())
        labels = np.asarray(labels)[cis]
        self.model = self._build().fit(model_matrix(table[cis]), labels)
        return self

    def predict(self, table: pd.DataFrame) -> np.ndarray:
        """Probabilities; 0 for a pair between chromosomes."""
        if self.model is None:
            raise EpipairError("e2g: the model is not fitted")
        cis = table["distance"].to_numpy(np.float64) >= 0
        out = np.zeros(len(table))
        if cis.any():
            out[cis] = self.model.predict_proba(model_matrix(table[cis]))[:, 1]
        return out

    def coefficients(self) -> pd.DataFrame | None:
        """The logistic regression's intercept and coefficients (per standard deviation of
        each transformed feature); None for gradient boosting."""
        if self.kind != "logistic" or self.model is None:
            return None
        lr = self.model[-1]
        return pd.DataFrame(
            {
                "feature": ["intercept", *MODEL_FEATURES],
                "coefficient": np.round(np.r_[lr.intercept_, lr.coef_[0]], 6),
            }
        )


def e2g_estimator(params: dict, seed: int) -> E2gModel:
    """The registry's builder for ``e2g`` (logistic regression)."""
    return E2gModel("logistic", seed, **params)


def e2g_gbm_estimator(params: dict, seed: int) -> E2gModel:
    """The registry's builder for ``e2g_gbm`` (gradient boosting)."""
    return E2gModel("gbm", seed, **params)


def build_pair_features(
    *, pairs_path, elements_path, tss_path, contact_path, abc_params: dict | None, out_path
) -> pd.DataFrame:
    """``pair_features.tsv`` of a pair set (rule ``pair_features``): ``pair_id`` and
    :data:`FEATURES`, one row per row of its ``pairs.tsv``, from its cell line's element and
    TSS tables (``abc.build_elements``) and Hi-C rows, with ``model_params.abc``'s contact
    settings."""
    import time

    from ..io.atomic import write_tsv

    t0 = time.perf_counter()
    hood = neighbourhood(elements_path, tss_path, contact_path, abc_params)
    pairs = pd.read_csv(pairs_path, sep="\t", dtype={"enhancer_chrom": str, "promoter_chrom": str})
    table = pair_features(hood, pairs)
    table.insert(0, "pair_id", pairs["pair_id"].to_numpy())
    write_tsv(table, out_path, float_format="%.8g")  # contacts span many magnitudes
    log.info(
        "%s: features of %d pairs in %.1f s (contact: %s)",
        out_path,
        len(table),
        time.perf_counter() - t0,
        "Hi-C" if hood.abc.hic is not None else "power law",
    )
    return table
