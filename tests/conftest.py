import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
BIN = Path(sys.executable).parent


def snakemake_cmd(*args):
    """The snakemake of this interpreter's environment, with the repo's Snakefile.

    A ``--configfile`` replaces config.yaml, as the README's commands do it."""
    if "--configfile" in args:
        args = (*args, "--replace-workflow-config")
    return [str(BIN / "snakemake"), "-s", str(ROOT / "Snakefile"), *args]


def run_snakemake(workdir, *args, check=True, timeout=1200):
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    proc = subprocess.run(
        snakemake_cmd("-d", str(workdir), *args),
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"snakemake {' '.join(args)} failed ({proc.returncode}):\n"
            f"{proc.stdout[-4000:]}\n{proc.stderr[-6000:]}"
        )
    return proc


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory):
    """The demo files, generated once per test session."""
    from epipair.prep import demo

    out = tmp_path_factory.mktemp("demo")
    demo.generate(out)
    return out


def pytest_collection_modifyitems(config, items):
    """The files that read the shared demo run first: under pytest-xdist (``make test``: ``-n
    2 --dist loadfile``, a file per worker at a time) the demo, the longest piece of work,
    starts at once on one worker while the other takes the rest, the long files first."""
    demo = {item.path for item in items if "demo_results" in getattr(item, "fixturenames", ())}

    def rank(item):
        if item.path in demo:
            return -1
        name = item.path.name
        return LONG_FILES.index(name) if name in LONG_FILES else len(LONG_FILES)

    items.sort(key=rank)  # stable: collection order within


# the files of long runs, longest first (measured in make test, 2026-12-05), next after the demo:
# a worker that finishes its file takes the next, so the short files fill the end of both
LONG_FILES = [
    "test_train.py",  # about 170 s
    "test_realdata.py",  # about 100 s (skipped without ../shared/data)
    "test_speid_motifs.py",  # 60-100 s
    "test_workflow_runs.py",  # 55-90 s
    "test_slurm.py",  # 40-60 s
    "test_workflow_plans.py",  # about 25 s
]


@pytest.fixture(scope="session")
def demo_results(tmp_path_factory):
    """The demo run end to end as ``make demo`` runs it (config/demo.yaml), once per test
    session: every test that only reads its results shares it."""
    wd = tmp_path_factory.mktemp("demo_run")
    shutil.copytree(ROOT / "config", wd / "config")
    run_snakemake(wd, "--cores", "2", "--configfile", "config/demo.yaml")
    return wd


@pytest.fixture
def workdir(tmp_path):
    """A working directory with the repo's config files, as a user's checkout has them."""
    shutil.copytree(ROOT / "config", tmp_path / "config")
    (tmp_path / "resources").mkdir()
    shutil.copy(ROOT / "config.yaml", tmp_path / "config.yaml")
    shutil.copy(ROOT / "resources" / "hg19.chrom.sizes", tmp_path / "resources")
    return tmp_path


def build_regions(ingested: Path, folder: Path, *, cell, windows, augment, split, chrom_sizes_path):
    """What rules ``regions`` and ``random_splits`` write, in ``folder`` with the workflow's
    file names (pairs.tsv, folds, splits_paper.tsv, leakage_audit.tsv); returns the pairs."""
    from epipair.prep import pipeline

    pairs = pipeline.build_regions(
        ingested,
        chrom_sizes_path=chrom_sizes_path,
        cell=cell,
        windows=windows,
        augment=augment,
        split=split,
        out_pairs=folder / "pairs.tsv",
        out_folds=folder / "folds.tsv",
        out_fold_splits=folder / "splits_folds.tsv",
    )
    pipeline.build_random_splits(
        folder / "pairs.tsv",
        cell=cell,
        augment=augment,
        split=split,
        out_paper=folder / "splits_paper.tsv",
        out_audit=folder / "leakage_audit.tsv",
    )
    return pairs


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# the demo's own windows (config/demo.yaml): the unit tier trains on what `make demo` trains on
DEMO_WINDOWS = {
    "enhancer": 500,
    "promoter": 500,
    "signal_bin": 50,
    "signal_window": 50,
    "signal_step": 10,
}
DEMO_AUGMENT = {"positives": 5, "max_shift": 100}
DEMO_SPLIT = {
    "test_chroms": ["chr1"],
    "valid_chroms": ["chr2"],
    "seed": 0,
    "paper_test_fraction": 0.1,
    "paper_valid_fraction": 0.1,
}
DEMO_MARKS = ["H3K27ac", "H3K4me1", "H3K4me3", "DNase", "CTCF"]


def build_demo_cell(demo_dir, cell: str, out: Path) -> Path:
    """Pairs and features of one demo cell line, built with the library's stage functions."""
    from epipair.prep import demo, pipeline

    files = demo.demo_files(demo_dir)
    pipeline.ingest(
        files[f"{cell}/pairs"],
        fmt="targetfinder",
        chrom_sizes_path=files["chrom_sizes"],
        out_path=out / "ingested.tsv",
    )
    build_regions(
        out / "ingested.tsv",
        out,
        chrom_sizes_path=files["chrom_sizes"],
        cell=cell,
        windows=DEMO_WINDOWS,
        augment=DEMO_AUGMENT,
        split=DEMO_SPLIT,
    )
    feats = out / "features"
    pipeline.sequence_features(
        out / "pairs.tsv",
        fasta_path=files["genome"],
        windows=DEMO_WINDOWS,
        flank=DEMO_AUGMENT["max_shift"],
        out_enh=feats / "enhancer_sequence.npy",
        out_prom=feats / "promoter_sequence.npy",
    )
    tracks = [
        (m, str(files[f"{cell}/{m}"]), "peaks" if m == "CTCF" else "bigwig") for m in DEMO_MARKS
    ]
    for stem, sliding in (("signal", False), ("signal_windows", True)):  # bins, Xiao's windows
        pipeline.signal_features(
            out / "pairs.tsv",
            tracks=tracks,
            windows=DEMO_WINDOWS,
            out_enh=feats / f"enhancer_{stem}.npy",
            out_prom=feats / f"promoter_{stem}.npy",
            out_marks=feats / f"{stem}_marks.txt",
            sliding=sliding,
        )
    return out


@pytest.fixture(scope="session")
def demo_features(demo_dir, tmp_path_factory):
    """Pairs and features of demo cell line CellA."""
    return build_demo_cell(demo_dir, "CellA", tmp_path_factory.mktemp("CellA"))


@pytest.fixture(scope="session")
def demo_features_b(demo_dir, tmp_path_factory):
    """Pairs and features of demo cell line CellB."""
    return build_demo_cell(demo_dir, "CellB", tmp_path_factory.mktemp("CellB"))
