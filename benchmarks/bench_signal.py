"""Bin means of one bigWig: ours (pyBigWig spans or pybigtools, exact, by block layout), the
other reader, the per-window baseline, and zoom-level reads (evaluated, not used)

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


def pybigtools_reader(bwp, windows, exact=True):
    """One pybigtools call per window: exact 100-bp bin means (as the workflow reads a file in
    UCSC's layout), or (``exact`` False) its zoom-level summary, one bin a window."""
    import pybigtools

    def run():
        bw = pybigtools.open(str(bwp))
        out = []
        for c, s, w in windows:
            nb = w // 100 if exact else 1
            res = np.zeros((len(s), nb), dtype=np.float32)
            for i, (chrom, start) in enumerate(zip(c, s)):
                res[i] = bw.values(
                    chrom, int(start), int(start) + w, bins=nb, summary="mean", exact=exact,
                    uncovered=0.0, fillna=0.0,
                )  # fmt: skip
            out.append(res)
        return out

    return run


def ours(windows, path, bin_size=100, reader="auto", keep=False):
    """The workflow's extraction of one bigWig (``reader``: epipair.io.tracks.READERS);
    ``bin_size`` None: one bin per window."""
    from epipair.io.tracks import binned_signal

    def run():
        out = [
            binned_signal([("m", str(path), "bigwig")], c, s, w, bin_size or w, reader=reader)
            for c, s, w in windows
        ]
        return [o[:, 0] for o in out] if keep else None

    return run


def layout_row(name, path, windows, what):
    """Ours as the workflow reads ``path`` (the reader it picks), beside the per-window
    baseline; the note gives the other reader's speed there, and whether both agree."""
    from epipair.io.tracks import BigWigTrack

    n = sum(len(s) for _, s, _ in windows)
    chosen = BigWigTrack(path).reader
    t_base = timed(per_window_baseline(path, windows, 100), repeats=1)
    t_ours = timed(ours(windows, path))
    spans = ours(windows, path, reader="pybigwig", keep=True)
    if chosen == "pybigtools":
        other, other_run = "pyBigWig spans", ours(windows, path, reader="pybigwig")
        result = ours(windows, path, keep=True)()
    else:
        other, other_run = "pybigtools per window", pybigtools_reader(path, windows)
        result = other_run()
    t_other = timed(other_run)
    same = all(a.tobytes() == b.tobytes() for a, b in zip(result, spans()))
    return row(
        name, n / t_ours, "windows/s", n / t_base, t_base / t_ours,
        f"{what}, 100-bp bins; ours: {chosen} (the reader the workflow picks for this file); "
        f"{other} here: {n / t_other:,.0f} windows/s ({t_ours / t_other:.2f}x ours), "
        f"{'the same bytes' if same else 'OTHER VALUES'}; baseline: per-window pyBigWig "
        "bw.values + numpy mean",
    )  # fmt: skip


def dense_windows(sizes, n):
    """``n`` 3-kb windows every 500 bp from 10 Mb into the first chromosome (genome-wide
    candidates: elements side by side)."""
    chrom = next(iter(sizes))
    starts = 10_000_000 + 500 * np.arange(n)
    return [(np.array([chrom] * n), starts, 3000)]


def zoom_row(sizes, windows, coords):
    """Zoom levels serve only bins at least a zoom level wide: one bin per window here."""
    zbw = synthetic_bigwig(sizes, zooms=True)
    n = sum(len(s) for _, s, _ in windows)

    def baseline_whole():
        for c, s, w in windows:
            per_window_baseline(zbw, [(c, s, w)], w)()

    zoomed = pybigtools_reader(zbw, windows, exact=False)()
    exact_w = ours(windows, zbw, None, keep=True)()
    t_zoom = timed(pybigtools_reader(zbw, windows, exact=False), repeats=1)
    t_exact_w, t_base_w = timed(ours(windows, zbw, None)), timed(baseline_whole, repeats=1)
    rel = np.concatenate(
        [
            np.abs(a - b).ravel() / np.maximum(np.abs(b).ravel(), 1e-9)
            for a, b in zip(zoomed, exact_w)
        ]
    )
    return row(
        "signal_extraction_zoom",
        n / t_zoom,
        "windows/s",
        n / t_base_w,
        t_base_w / t_zoom,
        f"{n} windows, {coords}, synthetic 50-bp bigWig with zoom levels (800, 3,200 bp, ...); "
        "one bin per window (3 kb, 2 kb): pybigtools values(exact=False) reads the zoom level; "
        f"it changes {100 * float((rel > 1e-5).mean()):.0f}% of the windows' values (median "
        f"relative change {np.median(rel):.3f}), as zoom records straddle the windows' edges, "
        f"so the workflow keeps the exact path (ours at this bin: {n / t_exact_w:,.0f} "
        f"windows/s, {t_base_w / t_exact_w:.1f}x); baseline: per-window bw.values + numpy mean",
    )


def bench_signal(quick=False):
    """Bin means of one bigWig in two block layouts, on TargetFinder-like and on dense
    windows: ours (the reader the workflow picks: pyBigWig's merged spans on pyBigWig's own
    layout, pybigtools per window on UCSC's), the other reader beside it, the per-window
    baseline; and zoom-level reads, which the workflow does not use as they change values."""
    chroms = ["chr1", "chr2", "chr3"] if not quick else ["chr21", "chr22"]
    sizes = hg19_sizes(chroms)
    n = N_WINDOWS if not quick else 2000
    windows, coords = real_or_synthetic_windows(sizes, n)
    dense = dense_windows(sizes, n)
    what = "synthetic 50-bp bigWig"
    layouts = {
        "": (synthetic_bigwig(sizes), f"{what} written by pyBigWig (blocks of about 400 kb)"),
        # the same kind of values in UCSC's block layout (bedGraphToBigWig: 1,024 items a
        # block; ENCODE's and Roadmap's files), written by pybigtools
        "_ucsc_layout": (ucsc_layout_bigwig(sizes), f"{what} in UCSC's block layout (bedGraph "
                         "items, 1,024 a block, written by pybigtools)"),
    }  # fmt: skip
    rows = []
    for suffix, (path, layout) in layouts.items():
        rows.append(
            layout_row(
                f"signal_extraction{suffix}",
                path,
                windows,
                f"{n} windows (3 kb + 2 kb), {coords}, {layout}",
            )
        )
        rows.append(layout_row(f"signal_extraction{suffix}_dense", path, dense,
                               f"{n} 3-kb windows every 500 bp, {layout}"))  # fmt: skip
    return rows + [zoom_row(sizes, windows, coords)]


if __name__ == "__main__":
    main(bench_signal)
