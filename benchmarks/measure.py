"""One measurement per process: ``python benchmarks/measure.py NAME [--quick]`` prints JSON rows.

Each row: ``{name, value, unit, baseline, ratio, note}``; ``ratio`` is baseline time / our
time (or baseline bytes / our bytes), both measured here, in this process, on the same data.
Timings are the median of ``REPEATS`` runs after one warm-up. ``benchmarks/run.py`` calls every
measurement in its own process and writes results/benchmarks.tsv.
"""

from __future__ import annotations

import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
SHARED = ROOT.parent / "shared" / "data"
CACHE = ROOT / "results" / "bench"
REPEATS = 3
N_WINDOWS = 20_000
# a child's own peak RSS in MiB: VmHWM belongs to the process's memory map, new at exec
# (ru_maxrss is not: Linux carries the parent's high-water mark across fork and exec)
PRINT_HWM = (
    "print(next(int(x.split()[1]) for x in open('/proc/self/status') "
    "if x.startswith('VmHWM')) / 1024)"
)


def timed(fn, repeats=REPEATS):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def hg19_sizes(chroms=None):
    from epipair.io.genome import read_chrom_sizes

    sizes = read_chrom_sizes(ROOT / "resources" / "hg19.chrom.sizes")
    return {c: s for c, s in sizes.items() if chroms is None or c in chroms}


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


def naive_one_hot(seq: str) -> np.ndarray:
    table = {"A": 0, "C": 1, "G": 2, "T": 3}
    out = np.zeros((len(seq), 4), dtype=np.float32)
    for i, b in enumerate(seq.upper()):
        j = table.get(b)
        if j is not None:
            out[i, j] = 1.0
    return out


def bench_sequence(quick=False):
    import pyfaidx

    from epipair.io.sequence import FastaReader, extract_sequence, one_hot

    chroms = ["chr1", "chr2", "chr3"] if not quick else ["chr21", "chr22"]
    fa, sizes = synthetic_genome(chroms)
    n = N_WINDOWS if not quick else 2000
    windows, coords = real_or_synthetic_windows(sizes, n)

    def ours():
        reader = FastaReader(fa)
        for c, s, w in windows:
            extract_sequence(reader, c, s, w)
        reader.close()

    t_ours = timed(ours)
    # naive: pyfaidx slice per window plus a Python one-hot per window, on a subsample
    k = 400 if not quick else 100
    fasta = pyfaidx.Fasta(str(fa), as_raw=True)

    def naive():
        for c, s, w in windows:
            for chrom, start in zip(c[: k // 2], s[: k // 2]):
                naive_one_hot(fasta[chrom][int(start) : int(start) + w])

    t_naive = timed(naive, repeats=1) * (n / k)
    # library baseline: kipoiseq when importable, else bedtools getfasta + numpy one-hot
    try:
        from kipoiseq import Interval
        from kipoiseq.extractors import FastaStringExtractor
        from kipoiseq.transforms.functional import one_hot_dna

        ext = FastaStringExtractor(str(fa))

        def library():
            for c, s, w in windows:
                for chrom, start in zip(c, s):
                    one_hot_dna(ext.extract(Interval(chrom, int(start), int(start) + w)))

        lib_name = "kipoiseq FastaStringExtractor + one_hot_dna"
    except ImportError:
        bed = Path(tempfile.mkdtemp()) / "w.bed"
        with open(bed, "w") as fh:
            for c, s, w in windows:
                for chrom, start in zip(c, s):
                    fh.write(f"{chrom}\t{start}\t{start + w}\n")

        def library():
            out = subprocess.run(
                ["bedtools", "getfasta", "-fi", str(fa), "-bed", str(bed), "-tab"],
                capture_output=True,
                check=True,
            ).stdout
            for line in out.splitlines():
                seq = np.frombuffer(line.split(b"\t")[1], dtype=np.uint8)
                from epipair.io.sequence import LUT

                one_hot(LUT[seq])

        lib_name = "bedtools getfasta + numpy one-hot (kipoiseq not installed)"
    t_lib = timed(library, repeats=1)
    note = (
        f"{n} windows (3 kb + 2 kb), {coords}, synthetic genome with hg19 sizes of "
        f"{'+'.join(chroms)}; ours: uint8 tokens"
    )
    return [
        row(
            "sequence_extraction",
            n / t_ours,
            "windows/s",
            n / t_naive,
            t_naive / t_ours,
            note + "; baseline: pyfaidx slice + Python one-hot per window "
            "(timed on a subsample, scaled)",
        ),
        row(
            "sequence_extraction_vs_library",
            n / t_ours,
            "windows/s",
            n / t_lib,
            t_lib / t_ours,
            note + f"; baseline: {lib_name}",
        ),
    ]


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


def bench_rss(quick=False):
    """Peak memory of extracting one real-size cell line's sequence and signal features."""
    import pandas as pd

    from epipair.prep import pipeline

    src = SHARED / "targetfinder" / "K562" / "ep_pairs.csv.gz"
    chroms = None if not quick else ["chr21", "chr22"]
    fa, sizes = synthetic_genome(chroms)
    d = Path(tempfile.mkdtemp())
    sizes_path = d / "sizes"
    sizes_path.write_text("".join(f"{c}\t{s}\n" for c, s in sizes.items()))
    if src.exists():
        with gzip.open(src, "rt") as fh:
            df = pd.read_csv(fh)
        df = df[df["enhancer_chrom"].isin(sizes) & df["promoter_chrom"].isin(sizes)]
        df.to_csv(d / "pairs.csv", index=False)
        what = f"K562, {len(df)} pairs"
    else:
        rng = np.random.default_rng(0)
        n = 45_000 if not quick else 2000
        c = rng.choice(list(sizes), n)
        e = np.array([rng.integers(10_000, sizes[x] - 10_000) for x in c])
        pd.DataFrame(
            {
                "enhancer_chrom": c,
                "enhancer_start": e,
                "enhancer_end": e + 500,
                "promoter_chrom": c,
                "promoter_start": e + 5000,
                "promoter_end": e + 6000,
                "label": (rng.random(n) < 0.05).astype(int),
            }
        ).to_csv(d / "pairs.csv", index=False)
        what = f"{n} synthetic pairs"
    windows = {"enhancer": 3000, "promoter": 2000, "signal_bin": 100}
    pipeline.ingest(
        d / "pairs.csv", fmt="targetfinder", chrom_sizes_path=sizes_path, out_path=d / "i.tsv"
    )
    split = {
        "test_chroms": ["chr1", "chr21"],
        "valid_chroms": ["chr2", "chr22"],
        "seed": 0,
        "paper_test_fraction": 0.1,
        "paper_valid_fraction": 0.1,
    }
    pipeline.build_regions(
        d / "i.tsv",
        chrom_sizes_path=sizes_path,
        cell="K562",
        windows=windows,
        augment={"positives": 20, "max_shift": 300},
        split=split,
        out_pairs=d / "pairs.tsv",
        out_paper=d / "paper.tsv",
        out_audit=d / "audit.tsv",
        out_folds=d / "folds.tsv",
        out_fold_splits=d / "splits_folds.tsv",
    )

    # the extraction alone, in a fresh process as the workflow's rule runs it; its own peak
    # RSS (ru_maxrss of the child itself, so no other child of this process counts)
    def child_peak(code):
        code = f"import sys; sys.path.insert(0, {str(ROOT / 'src')!r}); {code}; {PRINT_HWM}"
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        return float(out.stdout.split()[-1]), time.perf_counter() - t0

    args = f"fasta={str(fa)!r}, windows={windows!r}, flank=300, d={str(d)!r}"
    peak, t_seq = child_peak(
        "from epipair import pipeline; "
        f"pipeline.sequence_features({str(d / 'pairs.tsv')!r}, fasta_path={str(fa)!r}, "
        f"windows={windows!r}, flank=300, out_enh={str(d / 'e.npy')!r}, "
        f"out_prom={str(d / 'p.npy')!r})"
    )
    out_mb = ((d / "e.npy").stat().st_size + (d / "p.npy").stat().st_size) / 2**20
    # baseline: the whole array in memory, then one write (epipair before this change)
    base, _ = child_peak(
        f"sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); from measure import rss_baseline; "
        f"rss_baseline({args})"
    )
    return [
        row(
            "peak_rss_features",
            peak,
            "MiB",
            base,
            base / peak,
            f"sequence features of {what} on a synthetic genome with hg19 sizes "
            f"({len(sizes)} chromosomes), own process, {t_seq:.1f} s; output {out_mb:.0f} MiB "
            "written chromosome by chromosome into a memory map; baseline: every window in "
            "memory, then one write; RSS counts the touched pages of the memory-mapped FASTA",
        )
    ]


def rss_baseline(fasta, windows, flank, d):
    """The extraction as it was: every window of a kind in one array, then one write."""
    from epipair.io.atomic import write_npy
    from epipair.io.sequence import FastaReader, extract_sequence
    from epipair.io.tables import read_pairs_table

    df = read_pairs_table(Path(d) / "pairs.tsv")
    reader = FastaReader(fasta)
    for kind in ("enhancer", "promoter"):
        tokens = extract_sequence(
            reader,
            df[f"{kind}_chrom"].to_numpy(),
            df[f"{kind}_window_start"].to_numpy() - flank,
            windows[kind] + 2 * flank,
        )
        write_npy(tokens, Path(d) / f"base_{kind}.npy")
        del tokens


def bench_train(quick=False):
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    from epipair.io.sequence import ONE_HOT
    from epipair.model.architectures import build
    from epipair.model.batches import PairBatches
    from epipair.model.data import FixedInstances

    rows = []
    rng = np.random.default_rng(0)
    sizes = {
        # config/demo.yaml: 500-bp windows, 46 sliding-window positions of 5 marks
        "demo": (
            {
                "enhancer_seq": 500,
                "promoter_seq": 500,
                "enhancer_sigwin": (46, 5),
                "promoter_sigwin": (46, 5),
            },
            64,
            5,
        ),
        "paper": (
            {
                "enhancer_seq": 3000,
                "promoter_seq": 2000,
                # Xiao et al.'s 296 and 196 positions of 22 datasets
                "enhancer_sigwin": (296, 22),
                "promoter_sigwin": (196, 22),
            },
            16,
            2 if quick else 3,
        ),
    }
    for size, (shapes, bs, steps) in sizes.items():
        for name in ("speid", "simple_cnn", "epi_cnn", "epi_resnet"):
            params = {"preset": "demo"} if size == "demo" else {}  # the registry's demo size
            keras.backend.clear_session()
            model = build(name, shapes, params)
            model.compile(optimizer=keras.optimizers.Adam(1e-4), loss="binary_crossentropy")
            x = {}
            for k in (i.name for i in model.inputs):
                if k.endswith("_seq"):
                    x[k] = ONE_HOT[rng.integers(0, 5, (bs, shapes[k]), dtype=np.uint8)]
                else:
                    x[k] = rng.random((bs, *shapes[k]), dtype=np.float32)
            y = (rng.random(bs) < 0.5).astype(np.float32)
            t = timed(lambda m=model, x=x, y=y: m.train_on_batch(x, y), repeats=steps)
            rows.append(
                row(
                    f"train_throughput_{name}_{size}",
                    bs / t,
                    "samples/s",
                    None,
                    None,
                    f"{model.count_params()} parameters, batch {bs}, CPU, TensorFlow",
                )
            )
    # the data pipeline alone at paper size: it must outrun the models
    d = Path(tempfile.mkdtemp())
    n = 4000
    np.save(d / "enhancer_sequence.npy", rng.integers(0, 5, (n, 3600), dtype=np.uint8))
    np.save(d / "promoter_sequence.npy", rng.integers(0, 5, (n, 2600), dtype=np.uint8))
    from epipair.model.data import Features

    feats = Features(d, 300, {"enhancer": 3000, "promoter": 2000})
    ds = PairBatches(
        feats,
        np.zeros(n),
        FixedInstances(np.arange(n), rng.integers(-300, 301, n)),
        ("enhancer_seq", "promoter_seq"),
        64,
        shuffle=True,
        seed=0,
    )
    t = timed(lambda: [ds[i] for i in range(20)])
    rows.append(
        row(
            "data_pipeline_batches",
            20 / t,
            "batches/s",
            None,
            None,
            "paper size, batch 64, shifted windows one-hot on the fly, 1 process",
        )
    )
    return rows


def bench_demo(quick=False):
    """Wall time of the demo from clean results (the work of `make demo` after set-up)."""
    d = Path(tempfile.mkdtemp())
    import shutil

    shutil.copytree(ROOT / "config", d / "config")
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    t0 = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).parent / "snakemake"),
            "-s",
            str(ROOT / "Snakefile"),
            "-d",
            str(d),
            "--cores",
            "2",
            "--configfile",
            "config/demo.yaml",
            "--replace-workflow-config",
            "--quiet",
        ],
        cwd=d,
        env=env,
        check=True,
        capture_output=True,
    )
    t = time.perf_counter() - t0
    shutil.rmtree(d, ignore_errors=True)
    return [
        row(
            "demo_end_to_end",
            t,
            "s",
            300,
            300 / t,
            "snakemake --cores 2 --configfile config/demo.yaml --replace-workflow-config "
            "from clean; baseline: the 5-minute goal",
        )
    ]


def candidate_data(quick=False):
    """The demo genome and CellA's tracks (cached under results/bench/demo), an untrained
    epi_cnn (demo preset) and a gbm fitted to random features: the scoring cost does not depend
    on the weights. Enhancer BEDs: the demo's 900, and 10x the pairs (the demo's plus random
    500-bp elements)."""
    import pandas as pd

    from epipair.prep import demo

    out = CACHE / "demo"
    files = demo.demo_files(out)
    if not files["tss"].exists():
        demo.generate(out)
    sizes = dict(line.split("\t") for line in files["chrom_sizes"].read_text().split("\n") if line)
    enh = pd.read_csv(files["enhancers"], sep="\t", header=None)
    rng = np.random.default_rng(0)
    n_extra = len(enh) * (3 if quick else 9)
    chroms = rng.choice(list(sizes), n_extra)
    starts = np.array([rng.integers(2_000, int(sizes[c]) - 2_000) for c in chroms])
    extra = pd.DataFrame(
        {0: chroms, 1: starts, 2: starts + 500, 3: [f"R{i}" for i in range(n_extra)]}
    )
    big = CACHE / f"candidates_enhancers_x{1 + n_extra // len(enh)}.bed"
    pd.concat([enh, extra]).to_csv(big, sep="\t", header=False, index=False)
    return files, {"1x": files["enhancers"], "10x": big}


def candidate_models():
    """Model files for the candidate benchmark (cached)."""
    gbm_path, epi_path = CACHE / "candidates_gbm.skops", CACHE / "candidates_epi_cnn.keras"
    if not gbm_path.exists():
        from epipair.model.baselines import Baseline, write_model

        rng = np.random.default_rng(0)
        model = Baseline("gbm", 0, {"max_iter": 100})
        model.estimator.fit(rng.random((2000, 20)), rng.random(2000) < 0.2)
        write_model(model, gbm_path)
    if not epi_path.exists():
        os.environ.setdefault("KERAS_BACKEND", "tensorflow")
        from epipair.model.architectures import build

        shapes = {"enhancer_sigwin": (96, 5), "promoter_sigwin": (96, 5)}
        build("epi_cnn", shapes, {"preset": "demo"}).save(epi_path)
    return {"gbm": gbm_path, "epi_cnn": epi_path}


def candidate_element_models(files):
    """CellA's ABC element tables (cached) and the abc and e2g model files: abc loads the
    tables, e2g is a logistic regression fitted to random pair features (its scoring cost does
    not depend on the weights)."""
    import pandas as pd

    from epipair.model import abc, e2g
    from epipair.model.baselines import Baseline, write_model

    folder = CACHE / "candidates_abc"
    tables = abc.element_files(folder)
    if not tables[0].exists():
        folder.mkdir(parents=True, exist_ok=True)
        tracks = [("accessibility", files["CellA/DNase"], "bigwig")]
        tracks.append(("h3k27ac", files["CellA/H3K27ac"], "bigwig"))
        abc.build_elements(peaks_path=files["CellA/elements"], genes_path=files["tss"],
                           chrom_sizes_path=files["chrom_sizes"], tracks=tracks, params={},
                           out_elements=tables[0], out_tss=tables[1],
                           out_contact=tables[2])  # fmt: skip
    out = {}
    for name in ("abc", "e2g"):
        path = CACHE / f"candidates_{name}.skops"
        if not path.exists():
            model = Baseline(name, 0, None)
            if name == "abc":
                model.estimator.load(*tables)
            else:
                rng = np.random.default_rng(0)
                x = pd.DataFrame(rng.random((2000, len(e2g.FEATURES))), columns=e2g.FEATURES)
                model.estimator.fit(x, rng.random(2000) < 0.2)
            write_model(model, path)
        out[name] = path
    return out, [str(t) for t in tables]


def paper_size_epi_cnn():
    """epi_cnn at the released size (8.8 M parameters) on 3 kb / 2 kb windows (cached)."""
    path = CACHE / "candidates_epi_cnn_paper.keras"
    if not path.exists():
        os.environ.setdefault("KERAS_BACKEND", "tensorflow")
        from epipair.model.architectures import build

        build("epi_cnn", {"enhancer_sigwin": (296, 5), "promoter_sigwin": (196, 5)}).save(path)
    return path


CANDIDATE_CHILD = """
import json, sys, tempfile
from pathlib import Path
sys.path.insert(0, {src!r})
args = json.loads(sys.argv[1])
from epipair.model import backend
backend.setup(args["model"], "tensorflow", 1)
from epipair.evaluate.candidates import score_candidates
from epipair.model.predict import load_model
model = load_model(args["model_path"])
out = Path(tempfile.mkdtemp())
stats = score_candidates(args["model"], [model], out_scores=out / "s.tsv.gz",
                         out_top=out / "t.tsv", **args["kw"])
stats["peak_mib"] = next(
    int(x.split()[1]) for x in open("/proc/self/status") if x.startswith("VmHWM")
) / 1024
print(json.dumps(stats))
"""


def bench_candidates(quick=False):
    """Genome-wide scoring on the demo genome at two sizes (10x the pairs), each run in its own
    process (its own peak RSS), chunks of 10,000 pairs so both sizes span many chunks."""
    files, beds = candidate_data(quick)
    models = candidate_models()
    element_models, tables = candidate_element_models(files)
    models |= element_models
    marks = ["H3K27ac", "H3K4me1", "H3K4me3", "DNase", "CTCF"]
    tracks = [(m, str(files[f"CellA/{m}"]), "peaks" if m == "CTCF" else "bigwig") for m in marks]
    windows = {"enhancer": 1000, "promoter": 1000, "signal_bin": 50, "signal_window": 50,
               "signal_step": 10}  # fmt: skip
    code = CANDIDATE_CHILD.format(src=str(ROOT / "src"))

    def score(model, path, bed, windows, max_distance):
        kw = {
            "enhancers_path": str(bed),
            "promoters_path": str(files["tss"]),
            "chrom_sizes_path": str(files["chrom_sizes"]),
            "max_distance": max_distance,
            "top_k": 10,
            "windows": windows,
            "tracks": tracks,
            "chunk_pairs": 10_000,
        }
        if model == "e2g":  # its pair features come from the cell line's tables
            kw |= {"element_tables": tables, "abc_params": {}}
        arg = json.dumps({"model": model, "model_path": str(path), "kw": kw})
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", OMP_NUM_THREADS="1")
        out = subprocess.run(
            [sys.executable, "-c", code, arg], check=True, capture_output=True, text=True, env=env
        )
        return json.loads(out.stdout.strip().splitlines()[-1])

    rows = []
    for model, path in models.items():
        res = {size: score(model, path, bed, windows, 1_000_000) for size, bed in beds.items()}
        small, big = res["1x"], res["10x"]
        rate = {k: v["pairs"] / v["seconds"] for k, v in res.items()}
        note = (
            f"demo genome (6 x 1 Mb), CellA tracks, every enhancer x TSS pair within 1 Mb; "
            f"{small['pairs']:,} pairs in {small['seconds']:.1f} s, peak RSS "
            f"{small['peak_mib']:.0f} MiB; {big['pairs']:,} pairs in {big['seconds']:.1f} s, "
            f"peak RSS {big['peak_mib']:.0f} MiB; chunks of 10,000 pairs, 1 CPU thread; "
            f"ten million pairs: about {1e7 / rate['10x'] / 60:.0f} min at this rate"
        )
        rows.append(
            row(
                f"candidate_scoring_{model}",
                rate["10x"],
                "pairs/s",
                rate["1x"],
                rate["10x"] / rate["1x"],
                note + "; value at 10x the pairs, baseline at 1x (ratio ~1: linear time)",
            )
        )
        rows.append(
            row(
                f"candidate_rss_{model}",
                big["peak_mib"],
                "MiB",
                small["peak_mib"],
                small["peak_mib"] / big["peak_mib"],
                f"peak RSS at {big['pairs']:,} pairs; baseline: at {small['pairs']:,} pairs "
                "(ratio ~1: memory does not grow with the number of pairs)",
            )
        )
    paper = {**windows, "enhancer": 3000, "promoter": 2000}
    res = score("epi_cnn", paper_size_epi_cnn(), beds["1x"], paper, 100_000)
    rows.append(
        row(
            "candidate_scoring_epi_cnn_paper_size",
            res["pairs"] / res["seconds"],
            "pairs/s",
            None,
            None,
            f"epi_cnn at the released size (8.8 M parameters; 296 / 196 positions x 5 marks), "
            f"{res['pairs']:,} demo pairs within 100 kb in {res['seconds']:.1f} s, peak RSS "
            f"{res['peak_mib']:.0f} MiB, CPU, 1 thread",
        )
    )
    return rows


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


BENCHES = {
    "sequence": bench_sequence,
    "signal": bench_signal,
    "disk": bench_disk,
    "rss": bench_rss,
    "train": bench_train,
    "demo": bench_demo,
    "candidates": bench_candidates,
}

if __name__ == "__main__":
    name = sys.argv[1]
    quick = "--quick" in sys.argv
    print(json.dumps(BENCHES[name](quick)))
