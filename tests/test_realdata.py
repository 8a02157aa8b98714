"""Real TargetFinder labels and peaks from ../shared/data (skipped when absent)."""

import numpy as np
import pandas as pd
import pytest

from epipair import pipeline
from epipair.tracks import binned_signal

from .conftest import ROOT, SHARED_DATA

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not (SHARED_DATA / "targetfinder").is_dir(), reason="../shared/data is absent"),
]
CELLS = {"GM12878": 44_313, "HeLa-S3": 36_540, "HUVEC": 31_924, "IMR90": 26_254, "K562": 41_477, "NHEK": 26_891}
SIZES = ROOT / "resources" / "hg19.chrom.sizes"
WINDOWS = {"enhancer": 3000, "promoter": 2000, "signal_bin": 100}
AUGMENT = {"positives": 20, "max_shift": 300}
SPLIT = {
    "test_chroms": ["chr1", "chr2", "chr3"],
    "valid_chroms": ["chr4"],
    "seed": 0,
    "paper_test_fraction": 0.1,
    "paper_valid_fraction": 0.1,
}


def test_shipped_chrom_sizes_match_shared():
    assert SIZES.read_text() == (SHARED_DATA / "hg19.chrom.sizes").read_text()


@pytest.mark.parametrize("cell", list(CELLS))
def test_ingest_and_audit_real_cell_line(cell, tmp_path):
    src = SHARED_DATA / "targetfinder" / cell / "ep_pairs.csv.gz"
    df = pipeline.ingest(
        src, fmt="targetfinder", chrom_sizes_path=SIZES, out_path=tmp_path / "ingested.tsv"
    )
    assert len(df) == CELLS[cell]
    assert 0.04 < df["label"].mean() < 0.06
    pairs = pipeline.build_regions(
        tmp_path / "ingested.tsv", chrom_sizes_path=SIZES, cell=cell, windows=WINDOWS,
        augment=AUGMENT, split=SPLIT, out_pairs=tmp_path / "pairs.tsv",
        out_paper=tmp_path / "paper.tsv", out_audit=tmp_path / "audit.tsv",
        out_folds=tmp_path / "folds.tsv",
        out_fold_splits=tmp_path / "splits_folds.tsv",
    )
    audit = pd.read_csv(tmp_path / "audit.tsv", sep="\t").set_index("protocol")
    # nearly every positive shares an element with another pair (DESIGN section 5)
    assert audit.loc["leakage_free", "pos_share_element"] > 0.98
    assert audit.loc["leakage_free", "test_share_element_in_train"] == 0
    # the published protocol leaks: most test pairs touch a training element
    assert audit.loc["paper", "test_share_element_in_train"] > 0.5
    assert audit.loc["paper", "test_pos_copy_in_train"] > 0.5
    assert pairs.groupby("group")["split"].nunique().max() == 1


def test_real_peaks_to_signal(tmp_path):
    cell = "K562"
    src = SHARED_DATA / "targetfinder" / cell / "ep_pairs.csv.gz"
    df = pipeline.ingest(
        src, fmt="targetfinder", chrom_sizes_path=SIZES, out_path=tmp_path / "i.tsv"
    )
    peaks = sorted((SHARED_DATA / "targetfinder" / cell / "peaks").glob("*H3k27ac*"))
    sub = df.iloc[:3000]
    sig = binned_signal(
        [("H3K27ac", str(peaks[0]), "peaks")],
        sub["enhancer_chrom"].to_numpy(),
        ((sub["enhancer_start"] + sub["enhancer_end"]) // 2 - 1500).clip(lower=0).to_numpy(),
        3000,
        100,
    )
    assert sig.shape == (3000, 1, 30)
    # TargetFinder enhancers are called from marks: most windows carry some H3K27ac signal
    assert (sig.max(axis=(1, 2)) > 0).mean() > 0.3
    assert np.isfinite(sig).all() and sig.min() >= 0


COMMIT = "114e927a511f8396ca17292597d107494818e40f"


def build_mirror(root, cell):
    """../shared/data laid out as `wget -x` would have saved the config's URLs."""
    import gzip
    import shutil

    base = root / "raw.githubusercontent.com" / "shwhalen" / "targetfinder" / COMMIT / "paper" / "targetfinder" / cell
    (base / "output-ep").mkdir(parents=True)
    with gzip.open(SHARED_DATA / "targetfinder" / cell / "ep_pairs.csv.gz", "rb") as fin:
        (base / "output-ep" / "pairs.csv").write_bytes(fin.read())
    (base / "peaks").mkdir()
    for f in (SHARED_DATA / "targetfinder" / cell / "peaks").iterdir():
        shutil.copy(f, base / "peaks" / f.name)
    return root


@pytest.mark.slow
def test_epigenome_only_path_through_the_mirror(workdir, tmp_path):
    """config.yaml's real URLs, served from a mirror: labels and peaks in, features out."""
    import time

    from .conftest import run_snakemake

    mirror = build_mirror(tmp_path / "mirror", "K562")
    targets = [f"results/K562/features/{k}_signal.npy" for k in ("enhancer", "promoter")]
    args = ["--cores", "2", "--config", f"mirror={mirror}", "only=K562", "models=[epi_cnn]"]
    plan = run_snakemake(workdir, *targets, "-n", *args)
    assert "hg19.fa" not in plan.stdout + plan.stderr
    t0 = time.perf_counter()
    run_snakemake(workdir, *targets, *args)
    seconds = time.perf_counter() - t0
    pairs = pd.read_csv(workdir / "results" / "K562" / "pairs.tsv", sep="\t")
    assert len(pairs) == CELLS["K562"]
    sig = np.load(workdir / "results" / "K562" / "features" / "enhancer_signal.npy")
    marks = (workdir / "results" / "K562" / "features" / "signal_marks.txt").read_text().split()
    assert sig.shape == (len(pairs), len(marks), 30) and len(marks) == 5
    assert (sig.max(axis=(1, 2)) > 0).mean() > 0.5
    assert not (workdir / "resources" / "genome").exists()
    lock = (workdir / "resources" / "downloads.lock.tsv").read_text()
    assert lock.count("\n") == 1 + 1 + 5  # header, pairs, five peak files
    print(f"K562 from the mirror to signal features: {seconds:.1f} s")
