"""Bytes on disk per training positive: uint8 tokens with flanks vs 20 float32 one-hots.

python benchmarks/bench_disk.py [--quick]
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from common import main, row


def bench_disk(quick=False):
    """Bytes on disk per training positive: uint8 tokens with flanks vs 20 float32 one-hots."""
    from epipair.io.atomic import write_npy

    flank, we, wp, n = 300, 3000, 2000, 1000
    d = Path(tempfile.mkdtemp())
    rng = np.random.default_rng(0)
    write_npy(rng.integers(0, 5, (n, we + 2 * flank), dtype=np.uint8), d / "e.npy")
    write_npy(rng.integers(0, 5, (n, wp + 2 * flank), dtype=np.uint8), d / "p.npy")
    ours = ((d / "e.npy").stat().st_size + (d / "p.npy").stat().st_size) / n
    k = 20
    write_npy(np.zeros((k, we + wp, 4), dtype=np.float32), d / "copies.npy")
    base = (d / "copies.npy").stat().st_size
    return [
        row(
            "feature_disk",
            ours,
            "bytes/positive",
            base,
            base / ours,
            "3 kb + 2 kb windows, +-300 bp flanks stored once "
            "vs 20 materialised float32 one-hot copies",
        )
    ]


if __name__ == "__main__":
    main(bench_disk)
