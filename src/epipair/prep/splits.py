"""Train/valid/test splits under the three protocols, and the leakage audit.

``leakage_free`` (the default): whole chromosomes are held out. A group of pairs (see
``epipair.prep.regions``) goes to *test* if any of its elements lies on a test chromosome, else to
*valid* if any lies on a validation chromosome, else to *train*. So no group crosses sides and
no training pair touches a test chromosome. Augmentation happens later, on training positives
only.

``paper`` (the published protocol, kept to measure its inflation) is each model's own
(:data:`PAPER_SCHEMES`, named by ``epipair.model.registry.ModelSpec.paper``). Xiao et al.'s scheme
holds out chromosomes without augmenting (:func:`xiao_chromosome_split`); the others start
from the augmented set: every positive expanded into ``n_aug`` shifted instances (shift 0 plus
``n_aug - 1`` random shifts within ``+-max_shift``), negatives single. ``augment_then_split``
(models without a released protocol) splits those instances at random: shifted copies of one
positive land on both sides, and so do pairs that share an element. SPEID's and Zhuang et
al.'s schemes evaluate on data their models trained on, as the released scripts did.

``random_holdout`` (isolates the second leak): pairs, not instances, are held out at random
before any augmentation, stratified by label (EPIANN's ``Data_Augmentation.R``, lines 156-159
in wgmao/EPIANN at 68ea10b: 10% of the positives and 10% of the negatives; EPIVAN reuses that
tool), and scored once, unshifted, at the labels' positive share. Training positives are
augmented on the fly as under ``leakage_free``. No test positive has a copy in training, but
test pairs share enhancers and promoters with training pairs, as in those papers.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from ..errors import EpipairError

log = logging.getLogger(__name__)

SPLITS = ("train", "valid", "test")
PROTOCOLS = ("leakage_free", "paper", "random_holdout")
# protocols whose training positives are augmented on the fly, after the split
AUGMENTED_AFTER_SPLIT = ("leakage_free", "random_holdout")
# The fold label of the single held-out split (config split.test_chroms); cross-validation
# folds are "1".."K". metrics.tsv's pooled rows use the same label.
SINGLE = "all"


def leakage_free_split(
    pairs: pd.DataFrame, test_chroms, valid_chroms, source: str = "pairs"
) -> np.ndarray:
    """Split labels per pair (``train``/``valid``/``test``) by held-out chromosomes."""
    test_chroms, valid_chroms = set(test_chroms), set(valid_chroms)
    both = test_chroms & valid_chroms
    if both:
        raise EpipairError(f"split: chromosome(s) {sorted(both)} are both test and valid")
    e, p, g = (pairs[c].to_numpy() for c in ("enhancer_chrom", "promoter_chrom", "group"))
    touches_test = np.isin(e, list(test_chroms)) | np.isin(p, list(test_chroms))
    touches_valid = np.isin(e, list(valid_chroms)) | np.isin(p, list(valid_chroms))
    group_test = pd.Series(touches_test).groupby(g).transform("any").to_numpy()
    group_valid = pd.Series(touches_valid).groupby(g).transform("any").to_numpy()
    split = np.where(group_test, "test", np.where(group_valid, "valid", "train")).astype(object)
    present = set(e) | set(p)
    for name, chroms in (("test", test_chroms), ("valid", valid_chroms)):
        empty = sorted(chroms - present)
        if empty:
            log.warning("%s: %s chromosome(s) %s hold no pairs", source, name, ", ".join(empty))
    labels = pairs["label"].to_numpy()
    for name in SPLITS:
        in_split = split == name
        if not (in_split & (labels == 1)).any():
            raise EpipairError(
                f"{source}: the {name} split has no positive pair "
                f"(test_chroms={sorted(test_chroms)}, valid_chroms={sorted(valid_chroms)}); "
                "choose other chromosomes in config 'split'"
            )
    return split


def grid_shifts(n_aug: int, step: int) -> np.ndarray:
    """EPIANN's fixed grid (wgmao/EPIANN ``Data_Augmentation.R`` L123: window i of ``n_aug``
    starts ``(i - n_aug/2) * step`` from the centred one): the ``n_aug - 1`` shifts other than
    the original's 0, e.g. -450..500 by 50 for 20 windows of 50 bp."""
    grid = (np.arange(1, n_aug + 1) - n_aug // 2) * int(step)
    return grid[grid != 0].astype(np.int64)


def _augmented(
    pairs: pd.DataFrame, n_aug: int, max_shift: int, rng, grid_step: int | None = None
) -> pd.DataFrame:
    """Every pair once (shift 0) and every positive ``n_aug - 1`` more times, shifted at random
    within ``+-max_shift`` or, with ``grid_step``, on EPIANN's grid (:func:`grid_shifts`):
    ``(pair_id, shift)`` in pair order."""
    labels = pairs["label"].to_numpy()
    ids = pairs["pair_id"].to_numpy()
    pos = np.flatnonzero(labels == 1)
    reps = np.where(labels == 1, max(n_aug, 1), 1)
    inst_ids = np.repeat(ids, reps)
    shifts = np.zeros(inst_ids.size, dtype=np.int64)
    # positions of each positive's extra copies: after the first instance of that pair
    offsets = np.concatenate([[0], np.cumsum(reps)[:-1]])
    if n_aug > 1 and (max_shift > 0 or grid_step) and pos.size:
        extra = (offsets[pos][:, None] + np.arange(1, n_aug)[None, :]).ravel()
        if grid_step:
            shifts[extra] = np.tile(grid_shifts(n_aug, grid_step), pos.size)
        else:
            shifts[extra] = rng.integers(-max_shift, max_shift + 1, size=extra.size)
    return pd.DataFrame({"pair_id": inst_ids, "shift": shifts})


def paper_split(
    pairs: pd.DataFrame,
    n_aug: int,
    max_shift: int,
    seed: int,
    test_fraction: float,
    valid_fraction: float,
    grid_step: int | None = None,
    split_chroms=None,
) -> pd.DataFrame:
    """Instances ``(pair_id, shift, split)`` of ``augment_then_split``: the augmented set split
    at random (see the module docstring)."""
    rng = np.random.default_rng(seed)
    inst = _augmented(pairs, n_aug, max_shift, rng, grid_step)
    u = rng.random(len(inst))
    inst["split"] = np.where(
        u < test_fraction, "test", np.where(u < test_fraction + valid_fraction, "valid", "train")
    )
    return inst


def speid_basic_training(
    pairs, n_aug, max_shift, seed, test_fraction, valid_fraction, grid_step=None, split_chroms=None
):
    """SPEID as its README says to run it (ma-compbio/SPEID@edb9d9b): ``basic_training.py``
    fits the whole augmented set of a cell line (L35-37, L81-88; ``training_frac`` is unused,
    validation commented out at L83) and ``predict.py`` scores every unaugmented pair of the
    cell line (L17, L32), training pairs included, at the labels' positive share. Validation
    (for the history only) is that same set, as the script's callback scores the data it
    trains on (L65)."""
    inst = _augmented(pairs, n_aug, max_shift, np.random.default_rng(seed), grid_step)
    once = pd.DataFrame({"pair_id": pairs["pair_id"].to_numpy(), "shift": 0})
    return pd.concat(
        [inst.assign(split="train"), once.assign(split="valid"), once.assign(split="test")],
        ignore_index=True,
    )


# the split of the pairs a second training stage fits (SPEID's retraining_model3), beside
# train, valid and test
RETRAIN = "retrain"
SPEID_TRAINING_FRAC = 0.9  # SPEID pairwise/frozen_model/retraining_model3.py L32


def speid_retraining_model3(
    pairs, n_aug, max_shift, seed, test_fraction, valid_fraction, grid_step=None, split_chroms=None
):
    """SPEID's ``frozen_model/retraining_model3.py`` (ma-compbio/SPEID@edb9d9b): stage 1 fits
    the first 90% of the shuffled augmented set and validates on the rest (L32, L42-43;
    ``util.py`` L27-40 keeps the order; the set was shuffled when written,
    ``data_processing/txt_to_hdf5_ep_split.py`` L51-57); stage 2 (split ``retrain``) fits the
    first 90% of the shuffled original pairs and validates on their last 10% (L131-132),
    which the script never tests beyond: epipair's ``test``. The two shuffles are independent,
    so shifted copies of test positives are in stage 1's training."""
    rng = np.random.default_rng(seed)
    inst = _augmented(pairs, n_aug, max_shift, rng, grid_step)
    inst = inst.iloc[rng.permutation(len(inst))].reset_index(drop=True)
    cut = int(SPEID_TRAINING_FRAC * len(inst))
    inst["split"] = np.where(np.arange(len(inst)) < cut, "train", "valid")
    order = rng.permutation(len(pairs))
    cut = int(SPEID_TRAINING_FRAC * len(pairs))
    once = pd.DataFrame({"pair_id": pairs["pair_id"].to_numpy()[order], "shift": 0})
    once["split"] = np.where(np.arange(len(once)) < cut, RETRAIN, "test")
    return pd.concat([inst, once], ignore_index=True)


def zhuang_basic_training(
    pairs, n_aug, max_shift, seed, test_fraction, valid_fraction, grid_step=None, split_chroms=None
):
    """Zhuang, Shen & Pan's section 2.3.1 (zzUMN/Combine-CNN-Enhancer-and-Promoters@012871d
    Keras-Test/basic_training.py): training rows drawn with replacement, half the set's size
    (L45), validation rows drawn likewise, 9% (L46), and every row of the set scored (L104-111),
    training rows included. The set is the augmented one (the paper reuses SPEID's data; the
    repository does not show it)."""
    return _zhuang_draws(pairs, n_aug, max_shift, seed, grid_step, 0.5)


def zhuang_general_training(
    pairs, n_aug, max_shift, seed, test_fraction, valid_fraction, grid_step=None, split_chroms=None
):
    """Zhuang, Shen & Pan's transfer learning (section 2.3.2, Keras-Test/
    basic_general_training.py): as :func:`zhuang_basic_training` with an 81% training draw,
    for pre-training on each other cell line (L56-57) and for fine-tuning (L123-124)."""
    return _zhuang_draws(pairs, n_aug, max_shift, seed, grid_step, 0.81)


def _zhuang_draws(pairs, n_aug, max_shift, seed, grid_step, train_fraction: float):
    """Rows of the augmented set drawn with replacement: ``train_fraction`` of its size to
    train, 9% to validate; every row scored."""
    rng = np.random.default_rng(seed)
    inst = _augmented(pairs, n_aug, max_shift, rng, grid_step)
    n = len(inst)
    train = inst.iloc[rng.integers(0, n, size=int(train_fraction * n))]
    valid = inst.iloc[rng.integers(0, n, size=int(0.09 * n))]
    return pd.concat(
        [train.assign(split="train"), valid.assign(split="valid"), inst.assign(split="test")],
        ignore_index=True,
    )


# menglix/EPI (Xiao et al.): test chr1 (BasicCNN_EPI.py L197-198, ResNetCNN_EPI.py L300),
# validation chr8 and chr9 (L210-211: a_cum[19]..a_cum[21] of the chromosomes in string order)
XIAO_TEST, XIAO_VALID = ("chr1",), ("chr8", "chr9")


def xiao_chromosome_split(
    pairs, n_aug, max_shift, seed, test_fraction, valid_fraction, grid_step=None, split_chroms=None
):
    """Xiao, Zhuang & Pan's split (menglix/EPI@a63d3fa): by the enhancer's chromosome, test
    chr1 and validation chr8 and chr9, the rest training; no augmentation (every pair once,
    unshifted), pairs not grouped. Where those chromosomes hold no validation or test
    positive (the demo genome), the configured ``split_chroms`` = ``(test, valid)`` instead.

    The released split is the one the sequence scripts compute (BasicCNN_seq.py L200); the
    epigenomic scripts take chr1's negatives as ``range(a_cum[-1], b_cum[0])``
    (BasicCNN_EPI.py L201-202, ResNetCNN_EPI.py L303-304) where they lie at
    ``range(a_cum[-1], a_cum[-1] + b_cum[0])``: only ``b_cum[0] - a_cum[-1]`` of chr1's
    negatives are tested and the others are trained on (docs/protocols.md)."""
    chrom = pairs["enhancer_chrom"].to_numpy()
    labels = pairs["label"].to_numpy()
    test, valid = XIAO_TEST, XIAO_VALID
    has = {c for c in set(chrom) if labels[chrom == c].any()}
    if not (set(test) & has and set(valid) & has) and split_chroms is not None:
        test, valid = split_chroms
        log.info(
            "xiao_chromosome_split: no positive pair on %s or on %s; test %s, validation %s "
            "(config split) instead",
            "/".join(XIAO_TEST),
            "/".join(XIAO_VALID),
            ",".join(test),
            ",".join(valid),
        )
    split = np.where(
        np.isin(chrom, list(test)), "test", np.where(np.isin(chrom, list(valid)), "valid", "train")
    )
    return pd.DataFrame({"pair_id": pairs["pair_id"].to_numpy(), "shift": 0, "split": split})


# ``protocol: paper`` per model (``epipair.model.registry.ModelSpec.paper``): scheme -> its
# instances function (how each released script trained, stopped and kept its weights is the
# model's released schedule, ``epipair.model.registry.ModelSpec.released``)
PAPER_SCHEMES = {
    "augment_then_split": paper_split,
    "speid_basic_training": speid_basic_training,
    "speid_retraining_model3": speid_retraining_model3,
    "zhuang_basic_training": zhuang_basic_training,
    "zhuang_general_training": zhuang_general_training,
    "xiao_chromosome_split": xiao_chromosome_split,
}


def paper_splits(
    pairs, n_aug, max_shift, seed, test_fraction, valid_fraction, grid_step=None, split_chroms=None
) -> pd.DataFrame:
    """Every scheme's instances ``(scheme, pair_id, shift, split)`` (``splits_paper.tsv``).
    ``split_chroms``: the configured ``(test_chroms, valid_chroms)``, for a scheme whose own
    chromosomes hold no pairs."""
    args = (pairs, n_aug, max_shift, seed, test_fraction, valid_fraction, grid_step, split_chroms)
    parts = [fn(*args).assign(scheme=name) for name, fn in PAPER_SCHEMES.items()]
    return pd.concat(parts, ignore_index=True)[["scheme", "pair_id", "shift", "split"]]


def random_holdout_instances(
    pairs: pd.DataFrame, seed: int, test_fraction: float, valid_fraction: float
) -> pd.DataFrame:
    """``random_holdout``'s rows of ``splits_paper.tsv``: every pair once, unshifted, split by
    :func:`random_holdout_split` (scheme ``random_holdout``)."""
    split = random_holdout_split(pairs, seed, test_fraction, valid_fraction)
    ids = pairs["pair_id"].to_numpy()
    return pd.DataFrame({"scheme": "random_holdout", "pair_id": ids, "shift": 0, "split": split})


def random_holdout_split(
    pairs: pd.DataFrame, seed: int, test_fraction: float, valid_fraction: float
) -> np.ndarray:
    """Split labels per pair for ``random_holdout``: within each label, a random
    ``test_fraction`` of the pairs is test and ``valid_fraction`` valid (rounded down, at least
    one pair of each label in each), the rest train."""
    rng = np.random.default_rng([seed, 2])
    labels = pairs["label"].to_numpy()
    split = np.full(labels.size, "train", dtype=object)
    for cls in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == cls))
        n_test = max(int(test_fraction * idx.size), 1)
        n_valid = max(int(valid_fraction * idx.size), 1)
        if n_test + n_valid >= idx.size:
            raise EpipairError(
                f"random_holdout: {idx.size} pairs labelled {cls} are too few to hold out "
                f"{n_test} test and {n_valid} validation pairs"
            )
        split[idx[:n_test]] = "test"
        split[idx[n_test : n_test + n_valid]] = "valid"
    return split


def shares_element(enh_cluster: np.ndarray, prom_cluster: np.ndarray) -> np.ndarray:
    """Per pair: its enhancer or its promoter (element clusters) is in another pair too."""
    counts = np.bincount(np.concatenate([enh_cluster, prom_cluster]))
    return (counts[enh_cluster] > 1) | (counts[prom_cluster] > 1)


def leakage_audit(
    pairs: pd.DataFrame,
    enh_cluster: np.ndarray,
    prom_cluster: np.ndarray,
    train_ids,
    test_ids,
) -> dict[str, float]:
    """Shares of test pairs that leak into training.

    - ``test_share_element_in_train``: test pairs whose enhancer or promoter overlaps (same
      element cluster) an element of a training pair.
    - ``test_pos_copy_in_train``: test positives that also occur in training (as a shifted copy).
    - ``pos_share_element``: positives that share an element with any other pair.
    """
    ids = pairs["pair_id"].to_numpy()
    index = pd.Series(np.arange(len(ids)), index=ids)
    tr = index.reindex(np.unique(np.asarray(train_ids))).dropna().to_numpy(dtype=np.int64)
    te = index.reindex(np.unique(np.asarray(test_ids))).dropna().to_numpy(dtype=np.int64)
    train_clusters = np.union1d(enh_cluster[tr], prom_cluster[tr])
    leak = np.isin(enh_cluster[te], train_clusters) | np.isin(prom_cluster[te], train_clusters)
    labels = pairs["label"].to_numpy()
    te_pos = te[labels[te] == 1]
    copy = np.isin(te_pos, tr)
    pos = labels == 1
    shared = shares_element(enh_cluster, prom_cluster)
    return {
        "n_train_pairs": int(tr.size),
        "n_test_pairs": int(te.size),
        "test_share_element_in_train": float(leak.mean()) if te.size else float("nan"),
        "test_pos_copy_in_train": float(copy.mean()) if te_pos.size else float("nan"),
        "pos_share_element": float(shared[pos].mean()) if pos.any() else float("nan"),
    }


def split_instances(
    pairs: pd.DataFrame,
    paper: pd.DataFrame | None,
    protocol: str,
    split: str,
    fold_table: pd.DataFrame | None = None,
    fold: str = SINGLE,
):
    """``(rows, shifts)`` of one split: row indices into ``pairs`` and sequence shifts.

    ``leakage_free``: the pairs whose ``split`` column says so (or, for a cross-validation
    ``fold``, whose row of ``splits_folds.tsv`` does), unshifted (training positives are
    augmented later, on the fly). ``paper`` and ``random_holdout``: the instances of
    ``splits_paper.tsv`` (of one scheme, scheme ``random_holdout`` for the latter: the caller
    filters); random_holdout's are unshifted, and augmented on the fly like leakage_free's.
    """
    if protocol == "leakage_free" and fold != SINGLE:
        if fold_table is None:
            raise EpipairError(f"fold {fold}: no splits_folds.tsv given")
        sub = fold_table[(fold_table["fold"] == fold) & (fold_table["split"] == split)]
        index = pd.Series(np.arange(len(pairs)), index=pairs["pair_id"].to_numpy())
        rows = index.reindex(sub["pair_id"].to_numpy())
        if rows.isna().any() or (sub.empty and split == "test"):
            raise EpipairError(f"splits_folds.tsv does not match pairs.tsv (fold {fold}); rerun")
        return rows.to_numpy(dtype=np.int64), np.zeros(len(sub), dtype=np.int64)
    if protocol == "leakage_free":
        rows = np.flatnonzero(pairs["split"].to_numpy() == split)
        return rows, np.zeros(rows.size, dtype=np.int64)
    if protocol in ("paper", "random_holdout"):
        if paper is None:
            raise EpipairError(f"protocol {protocol}: no splits_paper.tsv given")
        index = pd.Series(np.arange(len(pairs)), index=pairs["pair_id"].to_numpy())
        sub = paper[paper["split"] == split]
        rows = index.reindex(sub["pair_id"].to_numpy())
        if rows.isna().any():
            raise EpipairError("splits_paper.tsv names pairs that pairs.tsv lacks; rerun")
        return rows.to_numpy(dtype=np.int64), sub["shift"].to_numpy(dtype=np.int64)
    raise EpipairError(f"unknown protocol {protocol!r}")


def chromosome_folds(pairs: pd.DataFrame, k: int, source: str = "pairs") -> dict[str, str]:
    """``{chromosome: fold}``: whole chromosomes in ``k`` folds balanced by pair count.

    Chromosomes joined by a group of pairs (an element shared across chromosomes) go to one
    fold, so no group is split. Components are placed largest first, each into the fold with
    the fewest pairs so far (ties: the lower fold); the result depends only on the pairs.
    """
    chroms = sorted(set(pairs["enhancer_chrom"]) | set(pairs["promoter_chrom"]))
    parent = {c: c for c in chroms}

    def root(c):
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    per_group = pd.concat(
        [
            pairs[["group", "enhancer_chrom"]].set_axis(["group", "chrom"], axis=1),
            pairs[["group", "promoter_chrom"]].set_axis(["group", "chrom"], axis=1),
        ]
    ).drop_duplicates()
    for _, members in per_group.groupby("group")["chrom"]:
        first = root(members.iloc[0])
        for c in members.iloc[1:]:
            parent[root(c)] = first
    comp = pairs["enhancer_chrom"].map(root)
    sizes = comp.value_counts()
    components = sorted({root(c) for c in chroms}, key=lambda r: (-sizes.get(r, 0), r))
    if len(components) < k:
        raise EpipairError(
            f"{source}: split.folds is {k} but the pairs lie on {len(components)} "
            "separable chromosome set(s); use fewer folds"
        )
    load, fold_of = [0] * k, {}
    for r in components:
        f = min(range(k), key=lambda i: (load[i], i))
        load[f] += int(sizes.get(r, 0))
        fold_of[r] = str(f + 1)
    return {c: fold_of[root(c)] for c in chroms}


def fold_splits(
    pairs: pd.DataFrame, folds: dict[str, str], valid_chroms, source: str = "pairs"
) -> pd.DataFrame:
    """``(pair_id, fold, split)`` for every fold: the fold's chromosomes are its test set.

    Validation: the configured ``valid_chroms`` outside the fold; when they lie in it, the
    largest chromosome (by pairs) of the next fold. Each pair is tested in exactly one fold.
    """
    labels = sorted(set(folds.values()), key=int)
    by_fold = {f: sorted(c for c, g in folds.items() if g == f) for f in labels}
    counts = pairs["enhancer_chrom"].value_counts()
    out = []
    for i, f in enumerate(labels):
        test = by_fold[f]
        valid = [c for c in valid_chroms if c not in test]
        if not valid:
            nxt = by_fold[labels[(i + 1) % len(labels)]]
            valid = [max(nxt, key=lambda c: (counts.get(c, 0), c))]
        split = leakage_free_split(pairs, test, valid, source=f"{source} fold {f}")
        out.append(pd.DataFrame({"pair_id": pairs["pair_id"], "fold": f, "split": split}))
    return pd.concat(out, ignore_index=True)


def fold_path_part(fold: str) -> str:
    """A model path's ``{fold}`` part: empty for the single split, ``/fold<k>`` for fold k."""
    return "" if fold == SINGLE else f"/fold{fold}"


def fold_from_path(part: str) -> str:
    """The fold of a model path's ``{fold}`` part: ``/fold3`` -> ``3``, empty -> ``all``."""
    return part.removeprefix("/fold") or SINGLE


def single_split_table(pairs: pd.DataFrame, test_chroms) -> tuple[dict[str, str], pd.DataFrame]:
    """The single held-out split in the fold tables' form: ``({chrom: "all"}, splits)``."""
    folds = {c: SINGLE for c in test_chroms}
    table = pd.DataFrame({"pair_id": pairs["pair_id"], "fold": SINGLE, "split": pairs["split"]})
    return folds, table
