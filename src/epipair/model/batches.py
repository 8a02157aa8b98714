"""Keras side of the data pipeline: numpy batches (``epipair.model.data``) as a ``PyDataset``.

``keras.utils.PyDataset`` works on every Keras backend, so one pipeline feeds TensorFlow, JAX
and PyTorch; this module is the only one of the data pipeline that imports Keras.
"""

from __future__ import annotations

import keras
import numpy as np

from .data import Features, stratified_order


class PairBatches(keras.utils.PyDataset):
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
            order = stratified_order(
                self.labels[rows], np.random.default_rng([self.seed, epoch, 2])
            )
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
