"""The numpy side of the data pipeline: feature arrays, split instances, batch assembly.

Features stay compact on disk and in memory (uint8 tokens, memory-mapped); each batch is
one-hot encoded on the fly with a lookup table (:meth:`Features.batch`). ``epipair.model.batches``
wraps this in a ``keras.utils.PyDataset``; this module imports no Keras, so numpy-only jobs
(baselines, metrics) stay light. Two ways to choose a split's instances:

- :class:`FixedInstances`: given ``(row, shift)`` pairs, the same every epoch (validation,
  test, and the ``paper`` protocol, whose shifted copies were drawn *before* its split);
- :class:`AugmentedInstances`: every row once, and every positive ``n_aug - 1`` more times
  with a fresh random shift in ``[-max_shift, max_shift]`` each epoch (the SPEID
  augmentation, drawn on the fly, for ``leakage_free`` training).

Training order is stratified: positives and negatives are spread evenly over the batches, so
each batch has about the epoch's class balance. Everything is drawn from ``(seed, epoch)``:
a rerun, or a run resumed at epoch k, sees the same batches.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import EpipairError
from ..io.sequence import ONE_HOT
from ..io.tables import read_split_tables
from ..prep.splits import SINGLE, grid_shifts, split_instances
from . import registry


class FixedInstances:
    def __init__(self, rows, shifts=None):
        self.rows = np.asarray(rows, dtype=np.int64)
        self.shifts = np.zeros_like(self.rows) if shifts is None else np.asarray(shifts, np.int64)

    def draw(self, epoch: int):
        return self.rows, self.shifts


class AugmentedInstances:
    """``grid_step``: EPIANN's fixed grid of shifts (``epipair.prep.splits.grid_shifts``), the
    same every epoch, instead of random ones."""

    def __init__(self, rows, labels, n_aug: int, max_shift: int, seed: int, grid_step=None):
        self.rows = np.asarray(rows, dtype=np.int64)
        self.pos = self.rows[np.asarray(labels)[self.rows] == 1]
        self.n_aug, self.max_shift, self.seed = int(n_aug), int(max_shift), int(seed)
        self.grid_step = grid_step

    @classmethod
    def configured(cls, rows, labels, augment: dict, seed: int):
        """From the config's ``augment`` section."""
        return cls(
            rows, labels, augment["positives"], augment["max_shift"], seed, augment.get("grid_step")
        )

    def draw(self, epoch: int):
        rng = np.random.default_rng([self.seed, epoch, 1])
        extra = np.repeat(self.pos, max(self.n_aug - 1, 0))
        rows = np.concatenate([self.rows, extra])
        shifts = np.zeros(rows.size, dtype=np.int64)
        if self.grid_step and extra.size:
            shifts[self.rows.size :] = np.tile(
                grid_shifts(self.n_aug, self.grid_step), self.pos.size
            )
        elif self.max_shift and extra.size:
            shifts[self.rows.size :] = rng.integers(-self.max_shift, self.max_shift + 1, extra.size)
        return rows, shifts


class UndersampledInstances:
    """Balanced epochs: every training positive and as many negatives, drawn afresh each epoch
    (menglix/EPI ResNetCNN_EPI.py ``BalancedSequence``, L110-147). ``per_epoch``: samples an
    epoch, made of successive balanced passes, each drawn afresh, the last one cut short (the
    script's ``fit_generator(steps_per_epoch=200)`` cycles its sequence, L150-153); ``None``:
    one pass."""

    def __init__(self, rows, labels, seed: int, per_epoch: int | None = None):
        self.rows = np.asarray(rows, dtype=np.int64)
        lab = np.asarray(labels)[self.rows]
        self.pos, self.neg = self.rows[lab == 1], self.rows[lab != 1]
        if not (self.pos.size and self.neg.size):
            raise EpipairError("balanced epochs need training pairs of both labels")
        self.seed = int(seed)
        self.per_epoch = per_epoch

    def draw(self, epoch: int):
        rng = np.random.default_rng([self.seed, epoch, 3])
        n = min(self.pos.size, self.neg.size)
        passes = []
        while not passes or sum(p.size for p in passes) < (self.per_epoch or 0):
            one = np.concatenate(
                [rng.choice(self.pos, n, replace=False), rng.choice(self.neg, n, replace=False)]
            )
            passes.append(rng.permutation(one) if self.per_epoch else one)
        rows = np.concatenate(passes)[: self.per_epoch]
        return rows, np.zeros(rows.size, dtype=np.int64)


def stratified_order(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A permutation that spreads each class evenly along the sequence."""
    key = np.empty(labels.size)
    for cls in np.unique(labels):
        idx = np.flatnonzero(labels == cls)
        perm = rng.permutation(idx.size)
        key[idx[perm]] = (np.arange(idx.size) + rng.random(idx.size)) / idx.size
    return np.argsort(key, kind="stable")


class Features:
    """The feature arrays of one cell line (memory-mapped), as the models read them."""

    def __init__(
        self, folder, flank: int, windows: dict, marks: list[str] | None = None, names=None
    ):
        """``names``: the inputs to load (a model's ``registry.ModelSpec.inputs``); default
        every feature array in ``folder``."""
        folder = Path(folder)
        self.folder = folder
        self.flank = int(flank)
        self.windows = {k: int(windows[k]) for k in ("enhancer", "promoter")}
        self.arrays = {}
        for kind in ("enhancer", "promoter"):
            for suffix, stem in registry.FEATURE_STEMS.items():
                path = folder / f"{kind}_{stem}.npy"
                wanted = names is None or f"{kind}_{suffix}" in names
                if not (wanted and path.exists()):
                    continue
                arr = np.load(path, mmap_mode="r")
                if suffix != "seq" and marks is not None:
                    arr = _select_marks(arr, folder / f"{stem}_marks.txt", marks)
                self.arrays[f"{kind}_{suffix}"] = arr

    def shapes(self) -> dict:
        out = {}
        for name, arr in self.arrays.items():
            kind = name.split("_")[0]
            if name.endswith("_seq"):
                out[name] = self.windows[kind]
            else:
                out[name] = (arr.shape[2], arr.shape[1])  # (bins or positions, marks)
        return out

    def batch(self, names, rows: np.ndarray, shifts: np.ndarray) -> dict:
        """Model inputs for ``rows`` shifted by ``shifts`` (sequence only)."""
        out = {}
        order = np.argsort(rows, kind="stable")  # sorted reads from the memory map
        inv = np.empty_like(order)
        inv[order] = np.arange(order.size)
        srt = rows[order]
        for name in names:
            arr = self.arrays[name]
            if name.endswith("_seq"):
                width = self.windows[name.split("_")[0]]
                tok = np.asarray(arr[srt])[inv]
                cols = (self.flank + shifts)[:, None] + np.arange(width)[None, :]
                out[name] = ONE_HOT[np.take_along_axis(tok, cols, axis=1)]
            else:
                out[name] = np.ascontiguousarray(np.asarray(arr[srt])[inv].transpose(0, 2, 1))
        return out

    def l2_over_pairs(self, name: str, rows, chunk: int = 4096) -> np.ndarray:
        """``[positions, datasets]``: the L2 norm of each (position, dataset) of signal input
        ``name`` over ``rows``, a zero norm set to 1 (Keras 2's ``np_utils.normalize(x,
        axis=0)``); read in chunks of ``chunk`` rows."""
        rows = np.asarray(rows, dtype=np.int64)
        squared = 0.0
        for i in range(0, rows.size, chunk):
            part = rows[i : i + chunk]
            x = self.batch([name], part, np.zeros_like(part))[name].astype(np.float64)
            squared = squared + np.square(x).sum(axis=0)
        norm = np.sqrt(squared)
        return np.where(norm > 0, norm, 1.0)


def _select_marks(arr, marks_file: Path, marks: list[str]):
    """The ``marks`` of a signal array ``[n, marks, bins]`` whose marks ``marks_file`` lists."""
    have = marks_file.read_text().split()
    missing = [m for m in marks if m not in have]
    if missing:
        raise EpipairError(
            f"{marks_file.parent}: signal lacks mark(s) {', '.join(missing)} "
            f"(has {', '.join(have)})"
        )
    return arr[:, [have.index(m) for m in marks]]


@dataclass
class CellData:
    """One cell line's (or pair set's) tables and features under one protocol (and, under
    cross-validation, one fold of ``leakage_free``)."""

    pairs: pd.DataFrame
    paper: pd.DataFrame | None
    protocol: str
    features: Features | None
    fold_splits: pd.DataFrame | None = None
    fold: str = SINGLE

    @classmethod
    def open(
        cls,
        pairs_path,
        paper_path,
        features_dir,
        *,
        protocol: str,
        windows: dict,
        augment: dict,
        marks: list[str] | None,
        folds_path=None,
        fold: str = SINGLE,
        model: str | None = None,
        model_params: dict | None = None,
    ) -> CellData:
        """Read ``pairs.tsv`` (``splits_paper.tsv`` under ``paper``, ``splits_folds.tsv`` for
        a cross-validation ``fold``) and memory-map the features in ``features_dir``
        (``None``: a model that reads no features). ``model``: whose own paper protocol
        ``paper`` means, under its configured ``model_params``
        (``epipair.model.registry.ModelSpec.paper_scheme``; without one, ``augment_then_split``)."""
        scheme = registry.spec(model).paper_scheme(model_params) if model else "augment_then_split"
        pairs, paper, fold_splits = read_split_tables(
            pairs_path, paper_path, protocol, folds_path, scheme
        )
        features = None
        if features_dir is not None and Path(features_dir).is_dir():
            names = registry.spec(model).inputs if model else None
            features = Features(features_dir, augment["max_shift"], windows, marks, names)
        return cls(pairs, paper, protocol, features, fold_splits, fold)

    @property
    def labels(self) -> np.ndarray:
        return self.pairs["label"].to_numpy()

    def instances(self, split: str):
        """``(rows, shifts)`` of ``split`` (see ``epipair.prep.splits.split_instances``)."""
        return split_instances(
            self.pairs, self.paper, self.protocol, split, self.fold_splits, self.fold
        )

    def require(self, names, model: str, where) -> None:
        """Fail with one line if the features lack an input that ``model`` reads."""
        have = self.features.arrays if self.features is not None else {}
        missing = [n for n in names if n not in have]
        if missing:
            raise EpipairError(f"{where}: model {model} needs features {', '.join(missing)}")
