"""Genome-wide candidate scoring (epipair.evaluate.candidates) on the demo genome."""

import gzip
import os

import numpy as np
import pandas as pd
import pytest

from epipair.errors import EpipairError
from epipair.evaluate import candidates
from epipair.model.baselines import Baseline
from epipair.model.data import CellData
from epipair.prep import demo

from .conftest import DEMO_AUGMENT, DEMO_MARKS, DEMO_WINDOWS, write

MAX_D = 200_000


def tracks_of(demo_dir, cell="CellA"):
    files = demo.demo_files(demo_dir)
    return [
        (m, str(files[f"{cell}/{m}"]), "peaks" if m == "CTCF" else "bigwig") for m in DEMO_MARKS
    ]


@pytest.fixture(scope="module")
def gbm(demo_features):
    """gbm fitted on CellA's training split."""
    data = CellData.open(
        demo_features / "pairs.tsv",
        demo_features / "splits_paper.tsv",
        demo_features / "features",
        protocol="leakage_free",
        windows=DEMO_WINDOWS,
        augment=DEMO_AUGMENT,
        marks=DEMO_MARKS,
        model="gbm",
    )
    rows, _ = data.instances("train")
    return Baseline("gbm", 0, {"max_iter": 50}).fit(data.pairs, data.features, rows), data


def run(demo_dir, out, model_name, models, **kw):
    files = demo.demo_files(demo_dir)
    args = dict(
        enhancers_path=files["enhancers"],
        promoters_path=files["tss"],
        chrom_sizes_path=files["chrom_sizes"],
        max_distance=MAX_D,
        top_k=3,
        windows=DEMO_WINDOWS,
        tracks=tracks_of(demo_dir),
        flank=DEMO_AUGMENT["max_shift"],
        out_scores=out / "scores.tsv.gz",
        out_top=out / "top_per_promoter.tsv",
    )
    args.update(kw)
    stats = candidates.score_candidates(model_name, models, **args)
    return stats, pd.read_csv(out / "scores.tsv.gz", sep="\t")


def brute_force(demo_dir, max_d):
    """Every same-chromosome (enhancer, TSS) pair whose centres lie within max_d, by a cross
    join of the BED files."""
    files = demo.demo_files(demo_dir)
    cols = ["chrom", "start", "end", "name"]
    enh = pd.read_csv(files["enhancers"], sep="\t", header=None, usecols=range(4), names=cols)
    tss = pd.read_csv(files["tss"], sep="\t", header=None, usecols=range(4), names=cols)
    both = enh.merge(tss, on="chrom", suffixes=("_e", "_p"))
    d = ((both.start_e + both.end_e) // 2 - (both.start_p + both.end_p) // 2).abs()
    return both[d <= max_d]


def test_every_pair_within_the_limit_is_scored_once_and_sorted(demo_dir, tmp_path):
    model = Baseline("distance").fit(
        pd.DataFrame({"distance": [1000, 90_000, 2000, 150_000], "label": [1, 0, 1, 0]}),
        None,
        np.arange(4),
    )
    stats, table = run(demo_dir, tmp_path, "distance", [model], chunk_pairs=700)
    expected = brute_force(demo_dir, MAX_D)
    assert stats["pairs"] == len(table) == len(expected) > 10_000
    assert stats["chunks"] > 20  # chunked on every chromosome
    got = set(zip(table.enhancer_name, table.promoter_name))
    assert got == set(zip(expected.name_e, expected.name_p))
    assert table["distance"].max() <= MAX_D
    chrom_order = table["chrom"].map({f"chr{i}": i for i in range(1, 7)})
    key = pd.DataFrame(
        {"c": chrom_order, "e": table.enhancer_start, "p": table.promoter_start}
    ).to_numpy()
    assert (np.diff(key[:, 0]) >= 0).all()
    same = np.diff(key[:, 0]) == 0
    order = np.lexsort((key[:, 2], key[:, 1], key[:, 0]))
    assert (order == np.arange(len(order))).all() and same.any()
    # nothing of the chunks is left behind
    assert not candidates.chunk_folder(tmp_path / "scores.tsv.gz").exists()


def test_gbm_scores_equal_the_training_pairs_path(demo_dir, gbm, tmp_path):
    """A candidate that is also a labelled pair gets the score the predict path gives it: the
    same windows, the same summary features, from each chunk's distinct elements."""
    model, data = gbm
    _, table = run(demo_dir, tmp_path, "gbm", [model], chunk_pairs=2000)
    pairs = data.pairs.assign(
        promoter_centre=(data.pairs.promoter_start + data.pairs.promoter_end) // 2
    )
    pairs = pairs[pairs["distance"] <= MAX_D].reset_index(drop=True)
    expected = model.predict(pairs, _reindexed(data, pairs), np.arange(len(pairs)))
    merged = pairs.assign(expected=expected).merge(
        table,
        left_on=["enhancer_chrom", "enhancer_start", "enhancer_end", "promoter_centre"],
        right_on=["chrom", "enhancer_start", "enhancer_end", "promoter_start"],
    )
    assert len(merged) == len(pairs) > 500
    np.testing.assert_allclose(merged["score"], merged["expected"], atol=1e-6)


def _reindexed(data, pairs):
    """Features of ``data`` reordered to the rows of ``pairs`` (a subset, by pair_id); the
    fixture's own features are left as they are."""
    import copy

    rows = data.pairs.reset_index().set_index("pair_id").loc[pairs["pair_id"], "index"]
    feats = copy.copy(data.features)
    feats.arrays = {k: np.asarray(v)[rows.to_numpy()] for k, v in data.features.arrays.items()}
    return feats


def test_top_k_per_promoter(demo_dir, gbm, tmp_path):
    model, _ = gbm
    _, table = run(demo_dir, tmp_path, "gbm", [model], chunk_pairs=500)
    top = pd.read_csv(tmp_path / "top_per_promoter.tsv", sep="\t")
    assert list(top.columns) == candidates.TOP_COLUMNS
    per = top.groupby(["chrom", "promoter_name"])
    assert per.size().max() == 3 and set(top["rank"]) == {1, 2, 3}
    best = table.groupby(["chrom", "promoter_name"])["score"].max()
    first = top[top["rank"] == 1].set_index(["chrom", "promoter_name"])["score"]
    pd.testing.assert_series_equal(first.sort_index(), best.loc[first.index].sort_index())
    assert (per["score"].diff().dropna() <= 0).all()


def test_a_killed_run_resumes_from_its_finished_chunks(demo_dir, gbm, tmp_path, monkeypatch):
    model, _ = gbm
    _, clean = run(demo_dir, tmp_path / "clean", "gbm", [model], chunk_pairs=1500)
    real = candidates.ChunkScorer.score

    def killed_after(n):
        calls = {"n": 0}

        def score(self, *args):
            calls["n"] += 1
            if calls["n"] > n:
                raise KeyboardInterrupt("killed")
            return real(self, *args)

        monkeypatch.setattr(candidates.ChunkScorer, "score", score)

    out = tmp_path / "resumed"
    chunks = candidates.chunk_folder(out / "scores.tsv.gz")
    killed_after(3)
    with pytest.raises(KeyboardInterrupt):
        run(demo_dir, out, "gbm", [model], chunk_pairs=1500)
    assert len(list(chunks.glob("*.scores.gz"))) == 3
    assert not (out / "scores.tsv.gz").exists()
    monkeypatch.setattr(candidates.ChunkScorer, "score", real)
    stats, _ = run(demo_dir, out, "gbm", [model], chunk_pairs=1500)
    assert 0 < stats["scored"] < stats["pairs"] == len(clean)
    assert (out / "scores.tsv.gz").read_bytes() == (
        tmp_path / "clean" / "scores.tsv.gz"
    ).read_bytes()
    assert not chunks.exists()


def test_chunks_of_other_settings_or_inputs_are_not_reused(demo_dir, gbm, tmp_path, monkeypatch):
    model, _ = gbm
    real = candidates.ChunkScorer.score

    def killed(self, *args):
        if killed.calls == 3:
            raise KeyboardInterrupt("killed")
        killed.calls += 1
        return real(self, *args)

    chunks = candidates.chunk_folder(tmp_path / "scores.tsv.gz")
    for change in ("max_distance", "input file"):
        killed.calls = 0
        monkeypatch.setattr(candidates.ChunkScorer, "score", killed)
        with pytest.raises(KeyboardInterrupt):
            run(demo_dir, tmp_path, "gbm", [model], chunk_pairs=1500)
        assert len(list(chunks.glob("*.scores.gz"))) == 3
        monkeypatch.setattr(candidates.ChunkScorer, "score", real)
        if change == "max_distance":
            stats, table = run(demo_dir, tmp_path, "gbm", [model], chunk_pairs=1500,
                               max_distance=100_000)  # fmt: skip
            assert len(table) == len(brute_force(demo_dir, 100_000)) == stats["pairs"]
        else:
            tss = demo.demo_files(demo_dir)["tss"]
            copy = write(tmp_path / "tss.bed", tss.read_text())
            killed.calls = 0
            monkeypatch.setattr(candidates.ChunkScorer, "score", killed)
            with pytest.raises(KeyboardInterrupt):
                run(demo_dir, tmp_path, "gbm", [model], chunk_pairs=1500, promoters_path=copy)
            monkeypatch.setattr(candidates.ChunkScorer, "score", real)
            os.utime(copy, ns=(0, 0))  # the same bytes, another file time: an edited input
            stats, _ = run(demo_dir, tmp_path, "gbm", [model], chunk_pairs=1500,
                           promoters_path=copy)  # fmt: skip
        assert stats["scored"] == stats["pairs"]  # every chunk scored again


def test_a_mark_zero_over_every_element_stops_before_scoring(demo_dir, gbm, tmp_path):
    model, _ = gbm
    other = write(tmp_path / "other.narrowPeak", "chrZ\t10\t200\t.\t0\t.\t5.0\n")
    tracks = tracks_of(demo_dir)[:-1] + [("CTCF", str(other), "peaks")]
    with pytest.raises(EpipairError, match="mark CTCF is zero over every enhancer and promoter"):
        run(demo_dir, tmp_path, "gbm", [model], tracks=tracks)
    assert not (tmp_path / "scores.tsv.gz").exists()


def test_names_stay_text_in_both_outputs(demo_dir, tmp_path):
    model = Baseline("distance").fit(
        pd.DataFrame({"distance": [1000, 90_000], "label": [1, 0]}), None, np.arange(2)
    )
    enh = write(tmp_path / "e.bed", "chr1\t20000\t20500\tNA\nchr1\t60000\t60500\t007\n")
    tss = write(tmp_path / "t.bed", "chr1\t40000\t40001\t1e5\t0\t+\nchr1\t90000\t90001\t.\n")
    run(demo_dir, tmp_path, "distance", [model], enhancers_path=enh, promoters_path=tss, top_k=2)
    kw = dict(sep="\t", dtype=str, keep_default_na=False)
    scores = pd.read_csv(tmp_path / "scores.tsv.gz", **kw)
    top = pd.read_csv(tmp_path / "top_per_promoter.tsv", **kw)
    assert set(scores["enhancer_name"]) == set(top["enhancer_name"]) == {"NA", "007"}
    assert set(top["promoter_name"]) == {"1e5", "chr1:90000-90001"}


def test_output_is_one_valid_gzip_stream(demo_dir, gbm, tmp_path):
    model, _ = gbm
    run(demo_dir, tmp_path, "gbm", [model], chunk_pairs=3000)
    with gzip.open(tmp_path / "scores.tsv.gz", "rt") as fh:
        lines = fh.read().splitlines()
    assert lines[0].split("\t") == candidates.SCORE_COLUMNS
    assert all(len(line.split("\t")) == len(candidates.SCORE_COLUMNS) for line in lines[1:])


@pytest.mark.parametrize(
    "line, message",
    [
        ("chrZ\t10\t20\n", "bed:2: field 'chrom': chromosome 'chrZ' is not in the genome"),
        ("chr1\t30\t20\n", "bed:2: field 'end' (20) is not after 'start' (30)"),
        ("chr1\tx\t20\n", "bed:2: field 'start' not an integer: 'x'"),
        ("chr1\t10\n", "bed:2: a BED line needs at least 3 tab-separated columns"),
        ("chr1\t10\t99999999\n", "bed:2: field 'end' (99999999) is past the end of chr1"),
    ],
)
def test_a_bad_bed_line_is_named(demo_dir, tmp_path, line, message):
    bed = write(tmp_path / "x.bed", "chr1\t100\t200\tok\n" + line)
    sizes = {"chr1": 1_000_000}
    with pytest.raises(EpipairError, match=message.replace("(", r"\(").replace(")", r"\)")):
        candidates.read_elements(bed, sizes, "enhancer")


def test_bed_naming_is_reconciled_and_duplicates_dropped(tmp_path):
    bed = write(tmp_path / "e.bed", "# header\n1\t100\t200\n1\t100\t200\n1\t50\t60\tx\n")
    df = candidates.read_elements(bed, {"chr1": 1000}, "enhancer")
    assert df[["chrom", "start", "end", "name"]].values.tolist() == [
        ["chr1", 50, 60, "x"],
        ["chr1", 100, 200, "chr1:100-200"],
    ]
    assert df["source_line"].tolist() == [4, 2]
