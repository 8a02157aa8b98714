"""Bin means of one bigWig: ours (exact), the per-window baseline, and what was evaluated

python benchmarks/bench_signal.py [--quick]
"""

from __future__ import annotations

import os

import numpy as np
from common import CACHE, N_WINDOWS, hg19_sizes, main, real_or_synthetic_windows, row, timed


def synthetic_bigwig(sizes, zooms: bool = False):
    """Gamma-distributed values at 50-bp resolution over ``sizes``, written by pyBigWig
    (cached); ``zooms``: with pyBigWig's default zoom levels (800 bp, 3,200 bp, ...)."""
    import pyBigWig

    path = CACHE / f"signal_{len(sizes)}chroms{'_zooms' if zooms else ''}.bw"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    tmp = path.with_suffix(".tmp.bw")
    bw = pyBigWig.open(str(tmp), "w")
    bw.addHeader(list(sizes.items()), **({} if zooms else {"maxZooms": 0}))
    for chrom, size in sizes.items():
        vals = rng.gamma(1.0, 1.0, size=size // 50).astype(np.float64)
        bw.addEntries(chrom, 0, values=vals.tolist(), span=50, step=50)
    bw.close()
    os.replace(tmp, path)
    return path


def ucsc_layout_bigwig(sizes):
    """50-bp gamma values as bedGraph items in bigtools' (UCSC's) block layout (cached)."""
    import pybigtools

    path = CACHE / f"signal_{len(sizes)}chroms_ucsc.bw"
    if path.exists():
        return path
    rng = np.random.default_rng(1)

    def items():
        for chrom, size in sizes.items():
            vals = rng.gamma(1.0, 1.0, size=size // 50).astype(np.float32).tolist()
            for i, v in enumerate(vals):
                yield chrom, 50 * i, 50 * i + 50, v

    tmp = path.with_suffix(".tmp.bw")
    bw = pybigtools.open(str(tmp), "w")
    bw.write(chroms=dict(sizes), vals=items())
    os.replace(tmp, path)
    return path


def per_window_baseline(bwp, windows, bin_size):
    """The baseline: one pyBigWig ``values`` call per window, NaN as 0, a reshape-mean."""
    import pyBigWig

    def run():
        bw = pyBigWig.open(str(bwp))
        for c, s, w in windows:
            for chrom, start in zip(c, s):
                v = np.nan_to_num(
                    np.asarray(bw.values(chrom, int(start), int(start) + w, numpy=True))
                )
                v.reshape(-1, bin_size).mean(axis=1)
        bw.close()

    return run


def pybigtools_reader(bwp, windows, bin_size, exact: bool):
    """One pybigtools call per window: bin means (``exact``) or its zoom-level summaries;
    ``bin_size`` None: one bin per window."""
    import pybigtools

    def run():
        bw = pybigtools.open(str(bwp))
        out = []
        for c, s, w in windows:
            nb = 1 if bin_size is None else w // bin_size
            res = np.zeros((len(s), nb), dtype=np.float32)
            for i, (chrom, start) in enumerate(zip(c, s)):
                res[i] = bw.values(
                    chrom, int(start), int(start) + w, bins=nb, summary="mean",
                    exact=exact, uncovered=0.0, fillna=0.0,
                )  # fmt: skip
            out.append(res)
        return out

    return run


def bench_signal(quick=False):
    """Bin means of one bigWig: ours (exact), the per-window baseline, and what was evaluated
    beside them: pybigtools per window (exact), and zoom-level reads (bins at least a zoom
    level wide), which the workflow does not use because they change the values."""
    from epipair.io.tracks import binned_signal

    chroms = ["chr1", "chr2", "chr3"] if not quick else ["chr21", "chr22"]
    sizes = hg19_sizes(chroms)
    bwp = synthetic_bigwig(sizes)
    n = N_WINDOWS if not quick else 2000
    windows, coords = real_or_synthetic_windows(sizes, n)

    def ours(path, bin_size, keep=False):
        def run():
            out = [
                binned_signal([("m", str(path), "bigwig")], c, s, w, bin_size)
                for c, s, w in windows
            ]
            return [o[:, 0] for o in out] if keep else None

        return run

    t_ours, t_base = timed(ours(bwp, 100)), timed(per_window_baseline(bwp, windows, 100), repeats=1)
    what = f"{n} windows (3 kb + 2 kb), {coords}, synthetic 50-bp bigWig written by pyBigWig"
    rows = [
        row(
            "signal_extraction",
            n / t_ours,
            "windows/s",
            n / t_base,
            t_base / t_ours,
            f"{what}, 100-bp bins; ours: merged spans read once, strided bin means; baseline: "
            "per-window bw.values + numpy mean",
        )
    ]
    try:
        import pybigtools  # noqa: F401
    except ImportError:
        return rows
    exact = ours(bwp, 100, keep=True)()
    t_pbt = timed(pybigtools_reader(bwp, windows, 100, True), repeats=1)
    dev = max(
        float(np.abs(a - b).max())
        for a, b in zip(pybigtools_reader(bwp, windows, 100, True)(), exact)
    )
    rows.append(
        row(
            "signal_extraction_pybigtools",
            n / t_pbt,
            "windows/s",
            n / t_base,
            t_base / t_pbt,
            f"{what}, 100-bp bins; pybigtools values(bins, exact=True, uncovered=0) per window "
            f"(a fresh reader each run: no warm block cache); max |difference| from ours {dev:.2g}",
        )
    )
    # the same values in the block layout of UCSC's bedGraphToBigWig (1,024 items a block),
    # written by pybigtools: a per-window read decompresses far less there
    ucsc = ucsc_layout_bigwig(sizes)
    t_ours_u = timed(ours(ucsc, 100))
    t_base_u = timed(per_window_baseline(ucsc, windows, 100), repeats=1)
    t_pbt_u = timed(pybigtools_reader(ucsc, windows, 100, True), repeats=1)
    rows.append(
        row(
            "signal_extraction_ucsc_layout",
            n / t_ours_u,
            "windows/s",
            n / t_base_u,
            t_base_u / t_ours_u,
            f"{n} windows, {coords}, the same kind of 50-bp signal written by pybigtools "
            "(bedGraph items, 1,024 a block, as UCSC's bedGraphToBigWig writes them); pybigtools "
            f"per window there: {n / t_pbt_u:,.0f} windows/s ({t_base_u / t_pbt_u:.1f}x); "
            "baseline: per-window bw.values + numpy mean",
        )
    )
    # zoom levels serve only bins at least a zoom level wide: one bin per window here
    zbw = synthetic_bigwig(sizes, zooms=True)

    def ours_whole():
        return [binned_signal([("m", str(zbw), "bigwig")], c, s, w, w)[:, 0] for c, s, w in windows]

    def baseline_whole():
        for c, s, w in windows:
            per_window_baseline(zbw, [(c, s, w)], w)()

    zoomed, exact_w = pybigtools_reader(zbw, windows, None, False)(), ours_whole()
    t_zoom = timed(pybigtools_reader(zbw, windows, None, False), repeats=1)
    t_exact_w, t_base_w = timed(ours_whole), timed(baseline_whole, repeats=1)
    rel = np.concatenate(
        [
            np.abs(a - b).ravel() / np.maximum(np.abs(b).ravel(), 1e-9)
            for a, b in zip(zoomed, exact_w)
        ]
    )
    rows.append(
        row(
            "signal_extraction_zoom",
            n / t_zoom,
            "windows/s",
            n / t_base_w,
            t_base_w / t_zoom,
            f"{what} with zoom levels (800, 3,200 bp, ...); one bin per window (3 kb, 2 kb): "
            "pybigtools values(exact=False) reads the zoom level; it changes "
            f"{100 * float((rel > 1e-5).mean()):.0f}% of the windows' values (median relative "
            f"change {np.median(rel):.3f}), as zoom records straddle the windows' edges, so the "
            f"workflow keeps the exact path (ours at this bin: {n / t_exact_w:,.0f} windows/s, "
            f"{t_base_w / t_exact_w:.1f}x); baseline: per-window bw.values + numpy mean",
        )
    )
    return rows


if __name__ == "__main__":
    main(bench_signal)
