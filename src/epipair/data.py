"""Backend-neutral data pipeline: numpy batches through ``keras.utils.PyDataset``.

Features stay compact on disk and in memory (uint8 tokens, memory-mapped); each batch is
one-hot encoded on the fly with a lookup table. Two ways to choose a split's instances:

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

from pathlib import Path

import numpy as np

from .sequence import ONE_HOT


class FixedInstances:
    def __init__(self, rows, shifts=None):
        self.rows = np.asarray(rows, dtype=np.int64)
        self.shifts = np.zeros_like(self.rows) if shifts is None else np.asarray(shifts, np.int64)

    def draw(self, epoch: int):
        return self.rows, self.shifts


class AugmentedInstances:
    def __init__(self, rows, labels, n_aug: int, max_shift: int, seed: int):
        self.rows = np.asarray(rows, dtype=np.int64)
        self.pos = self.rows[np.asarray(labels)[self.rows] == 1]
        self.n_aug, self.max_shift, self.seed = int(n_aug), int(max_shift), int(seed)

    def draw(self, epoch: int):
        rng = np.random.default_rng([self.seed, epoch, 1])
        extra = np.repeat(self.pos, max(self.n_aug - 1, 0))
        rows = np.concatenate([self.rows, extra])
        shifts = np.zeros(rows.size, dtype=np.int64)
        if self.max_shift and extra.size:
            shifts[self.rows.size :] = rng.integers(-self.max_shift, self.max_shift + 1, extra.size)
        return rows, shifts


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

    def __init__(self, folder, flank: int, windows: dict, marks: list[str] | None = None):
        folder = Path(folder)
        self.flank = int(flank)
        self.windows = {k: int(windows[k]) for k in ("enhancer", "promoter")}
        self.arrays = {}
        for kind in ("enhancer", "promoter"):
            seq = folder / f"{kind}_sequence.npy"
            if seq.exists():
                self.arrays[f"{kind}_seq"] = np.load(seq, mmap_mode="r")
            sig = folder / f"{kind}_signal.npy"
            if sig.exists():
                arr = np.load(sig, mmap_mode="r")
                if marks is not None:
                    have = (folder / "signal_marks.txt").read_text().split()
                    missing = [m for m in marks if m not in have]
                    if missing:
                        from .errors import EpipairError

                        raise EpipairError(
                            f"{folder}: signal lacks mark(s) {', '.join(missing)} (has {', '.join(have)})"
                        )
                    arr = arr[:, [have.index(m) for m in marks]]
                self.arrays[f"{kind}_sig"] = arr

    def shapes(self) -> dict:
        out = {}
        for name, arr in self.arrays.items():
            kind = name.split("_")[0]
            if name.endswith("_seq"):
                out[name] = self.windows[kind]
            else:
                out[name] = (arr.shape[2], arr.shape[1])  # (bins, marks)
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


def _pydataset_base():
    import keras

    return keras.utils.PyDataset


class PairBatches(_pydataset_base()):
    """Batches ``(inputs, labels)`` of one split; ``shuffle`` for training."""

    def __init__(
        self,
        features: Features,
        labels: np.ndarray,
        instances,
        names,
        batch_size: int,
        shuffle: bool,
        seed: int,
        epoch: int = 0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.features = features
        self.labels = None if labels is None else np.asarray(labels, dtype=np.float32)
        self.instances, self.names = instances, tuple(names)
        self.batch_size, self.shuffle, self.seed = int(batch_size), shuffle, int(seed)
        self.set_epoch(epoch)

    def set_epoch(self, epoch: int) -> None:
        """Draw the instances and order of ``epoch`` (once: asking again is free)."""
        if getattr(self, "epoch", None) == epoch:
            return
        self.epoch = epoch
        rows, shifts = self.instances.draw(epoch)
        if self.shuffle:
            order = stratified_order(self.labels[rows], np.random.default_rng([self.seed, epoch, 2]))
            rows, shifts = rows[order], shifts[order]
        self.rows, self.shifts = rows, shifts

    def __len__(self):
        return int(np.ceil(self.rows.size / self.batch_size))

    def __getitem__(self, i):
        sl = slice(i * self.batch_size, (i + 1) * self.batch_size)
        rows, shifts = self.rows[sl], self.shifts[sl]
        y = np.zeros(rows.size, np.float32) if self.labels is None else self.labels[rows]
        return self.features.batch(self.names, rows, shifts), y

    def on_epoch_end(self):
        if self.shuffle:
            self.set_epoch(self.epoch + 1)

    @property
    def n_samples(self) -> int:
        return int(self.rows.size)
