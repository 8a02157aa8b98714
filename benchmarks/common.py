"""What every benchmark shares: paths, the synthetic genome and windows, timing, the row.

Each ``benchmarks/bench_<name>.py`` is one measurement, run in its own process by
``benchmarks/run.py`` (``python benchmarks/bench_<name>.py [--quick]`` prints JSON rows).
Each row: ``{name, value, unit, baseline, ratio, note}``; ``ratio`` is baseline time / our
time (or baseline bytes / our bytes), both measured in the same process on the same data.
Timings are the median of ``REPEATS`` runs after one warm-up.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
# the released input sizes: SPEID's and Zhuang's 3,000 / 2,000-bp windows; Xiao et al.'s 50-bp
# means every 10 bp over them (296 and 196 positions) of 22 datasets
PAPER_SHAPES = {
    "enhancer_seq": 3000,
    "promoter_seq": 2000,
    "enhancer_sigwin": (296, 22),
    "promoter_sigwin": (196, 22),
}
sys.path.insert(0, str(ROOT / "src"))
CACHE = ROOT / "results" / "bench"
N_WINDOWS = 20_000
REPEATS = 3
SHARED = ROOT.parent / "shared" / "data"


def hg19_sizes(chroms=None):
    from epipair.io.genome import read_chrom_sizes

    sizes = read_chrom_sizes(ROOT / "resources" / "hg19.chrom.sizes")
    return {c: s for c, s in sizes.items() if chroms is None or c in chroms}


def real_or_synthetic_windows(sizes, n, width_e=3000, width_p=2000, seed=0):
    """Enhancer and promoter window starts: K562 coordinates when ../shared/data has them."""
    rng = np.random.default_rng(seed)
    src = SHARED / "targetfinder" / "K562" / "ep_pairs.csv.gz"
    chroms = list(sizes)
    if src.exists():
        import pandas as pd

        from epipair.io.pairs import COORD_FIELDS

        df = pd.read_csv(src, usecols=COORD_FIELDS)
        df = df[df["enhancer_chrom"].isin(chroms)]
        df = df.iloc[rng.permutation(len(df))[: n // 2]]
        out = []
        for kind, w in (("enhancer", width_e), ("promoter", width_p)):
            c = df[f"{kind}_chrom"].to_numpy()
            centre = (df[f"{kind}_start"].to_numpy() + df[f"{kind}_end"].to_numpy()) // 2
            lim = np.array([sizes[x] for x in c]) - w
            out.append((c, np.clip(centre - w // 2, 0, lim), w))
        return out, "K562 coordinates"
    out = []
    for w in (width_e, width_p):
        c = rng.choice(chroms, size=n // 2)
        s = np.array([rng.integers(0, sizes[x] - w) for x in c])
        out.append((c, s, w))
    return out, "random coordinates"


def row(name, value, unit, baseline, ratio, note=""):
    def r(v):
        return None if v is None else float(f"{v:.4g}")

    return {
        "name": name,
        "value": r(value),
        "unit": unit,
        "baseline": r(baseline),
        "ratio": r(ratio),
        "note": note,
    }


def synthetic_genome(chroms):
    """A random FASTA with hg19 chromosome sizes (cached under results/bench/)."""
    from epipair.io.sequence import index_fasta

    sizes = hg19_sizes(chroms)
    path = CACHE / f"genome_{len(sizes)}chroms.fa"
    if path.exists() and Path(str(path) + ".fai").exists():
        return path, sizes
    CACHE.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    bases = np.frombuffer(b"ACGTacgtN", dtype=np.uint8)
    with open(path, "wb") as fh:
        for chrom, size in sizes.items():
            fh.write(f">{chrom}\n".encode())
            seq = bases[rng.integers(0, 9, size=size, dtype=np.uint8)]
            full = size // 60 * 60
            lines = np.empty((size // 60, 61), dtype=np.uint8)
            lines[:, :60] = seq[:full].reshape(-1, 60)
            lines[:, 60] = 10
            fh.write(lines.tobytes())
            if size > full:
                fh.write(seq[full:].tobytes() + b"\n")
    index_fasta(path, str(path) + ".fai")
    return path, sizes


def timed(fn, repeats=REPEATS):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


# a child's own peak RSS in MiB: VmHWM belongs to the process's memory map, new at exec
# (ru_maxrss is not: Linux carries the parent's high-water mark across fork and exec)
PRINT_HWM = (
    "print(next(int(x.split()[1]) for x in open('/proc/self/status') "
    "if x.startswith('VmHWM')) / 1024)"
)


def main(measure) -> None:
    """Print the rows of ``measure(quick)`` as JSON (``--quick``: small sizes)."""
    print(json.dumps(measure("--quick" in sys.argv)))
