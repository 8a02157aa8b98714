"""Peak memory of extracting one real-size cell line's sequence and signal features.

python benchmarks/bench_rss.py [--quick]
"""

from __future__ import annotations

import gzip
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from common import PRINT_HWM, ROOT, SHARED, main, row, synthetic_genome


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
        "from epipair.prep import pipeline; "
        f"pipeline.sequence_features({str(d / 'pairs.tsv')!r}, fasta_path={str(fa)!r}, "
        f"windows={windows!r}, flank=300, out_enh={str(d / 'e.npy')!r}, "
        f"out_prom={str(d / 'p.npy')!r})"
    )
    out_mb = ((d / "e.npy").stat().st_size + (d / "p.npy").stat().st_size) / 2**20
    # baseline: the whole array in memory, then one write (epipair before this change)
    base, _ = child_peak(
        f"sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); from bench_rss import rss_baseline; "
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


if __name__ == "__main__":
    main(bench_rss)
