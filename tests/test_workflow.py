"""End-to-end Snakemake runs of the demo (dry runs of the real study: test_workflow_plans.py)."""

import filecmp
import shutil

import numpy as np
import pandas as pd
import pytest
import yaml

from epipair import config as epiconfig
from epipair.model import registry

from .conftest import run_snakemake

pytestmark = pytest.mark.slow

FEATURES = [
    "pairs.tsv",
    "splits_paper.tsv",
    "leakage_audit.tsv",
    "features/enhancer_sequence.npy",
    "features/promoter_sequence.npy",
    "features/enhancer_signal.npy",
    "features/promoter_signal.npy",
    "features/signal_marks.txt",
    "features/enhancer_signal_windows.npy",
    "features/promoter_signal_windows.npy",
    "features/signal_windows_marks.txt",
]


CELLS = ["CellA", "CellB", "CellC"]
DEMO_RUN = ["--configfile", "config/demo.yaml"]
# the second run, from clean, to check that it reproduces the first: a subset of the models
# (features of every kind, a sequence and an epigenomic network, a baseline) on CellA, whose
# models the demo's own-pairs prediction and candidate sets use, one training job per model
# and cell line (train.jobs: per_cell; the demo trains each model's cell lines in one process,
# and test_train.py shows a model kept for the next cell line learns what a fresh one does)
REPEAT = {
    "models": ["simple_cnn", "epi_cnn", "gbm"],
    "protocol": ["leakage_free"],
    "only": "CellA",
}


@pytest.fixture(scope="module")
def demo_run(demo_results, tmp_path_factory):
    """The demo as ``make demo`` runs it (conftest's one shared run), then :data:`REPEAT`
    from clean."""
    from .conftest import ROOT

    wd = tmp_path_factory.mktemp("repeat")
    shutil.copytree(ROOT / "config", wd / "config")
    cfg = yaml.safe_load((wd / "config" / "demo.yaml").read_text())
    cfg.update(REPEAT, benchmarks={}, interpret={}, train_groups={})
    del cfg["candidates"]["genome_wide_e2g"]  # its train group learns from a benchmark
    cfg["train"]["jobs"] = "per_cell"
    (wd / "config" / "repeat.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    run_snakemake(wd, "--cores", "2", "--configfile", "config/repeat.yaml")
    return demo_results, wd


def test_demo_features_end_to_end(demo_run):
    wd = demo_run[0]
    for cell in ["CellA", "CellB", "CellC"]:
        pairs = pd.read_csv(wd / "results" / cell / "pairs.tsv", sep="\t")
        assert {"pair_id", "label", "distance", "group", "split"} <= set(pairs.columns)
        assert set(pairs["split"]) == {"train", "valid", "test"}
        assert set(pairs.loc[pairs["split"] == "test", "enhancer_chrom"]) == {"chr1"}
        n = len(pairs)
        enh = np.load(wd / "results" / cell / "features" / "enhancer_sequence.npy")
        prom = np.load(wd / "results" / cell / "features" / "promoter_sequence.npy")
        assert enh.shape == (n, 500 + 2 * 100) and enh.dtype == np.uint8  # windows, max_shift
        assert prom.shape == (n, 500 + 2 * 100)
        assert enh.max() <= 4
        sig = np.load(wd / "results" / cell / "features" / "enhancer_signal.npy")
        assert sig.shape == (n, 5, 10) and sig.dtype == np.float32  # 50-bp bins
        marks = (wd / "results" / cell / "features" / "signal_marks.txt").read_text().split()
        assert marks == ["H3K27ac", "H3K4me1", "H3K4me3", "DNase", "CTCF"]
        # the planted activity signal: positives' enhancers carry more H3K27ac than negatives'
        pos = pairs["label"].to_numpy() == 1
        assert sig[pos, 0].mean() > 1.15 * sig[~pos, 0].mean()
        audit = pd.read_csv(wd / "results" / cell / "leakage_audit.tsv", sep="\t").set_index(
            "protocol"
        )
        assert audit.loc["leakage_free", "test_share_element_in_train"] == 0
        assert audit.loc["paper:augment_then_split", "test_pos_copy_in_train"] > 0.5
        # random_holdout: no copy of a test positive in training, shared elements remain
        assert audit.loc["random_holdout", "test_pos_copy_in_train"] == 0
        assert audit.loc["random_holdout", "test_share_element_in_train"] > 0
        random = pd.read_csv(wd / "results" / cell / "splits_paper.tsv", sep="\t")
        holdout = random[random["scheme"] == "random_holdout"]
        assert set(holdout["split"]) == {"train", "valid", "test"}
        assert sorted(holdout["pair_id"]) == sorted(pairs["pair_id"])
        from epipair.prep.splits import PAPER_SCHEMES

        assert (wd / "results" / "logs" / "random_splits" / f"{cell}.log").read_text().count(
            "leakage audit"
        ) == 2 + len(PAPER_SCHEMES)


def test_demo_features_are_byte_identical_across_runs(demo_run):
    a, b = demo_run
    for cell in REPEAT["only"].split(","):
        for f in FEATURES:
            assert filecmp.cmp(a / "results" / cell / f, b / "results" / cell / f, shallow=False), f


def test_metrics_are_identical_across_runs_on_the_cpu(demo_run):
    a, b = demo_run
    first = pd.read_csv(a / "results" / "metrics.tsv", sep="\t")
    again = pd.read_csv(b / "results" / "metrics.tsv", sep="\t")
    cells = REPEAT["only"].split(",")
    first = first[
        first["model"].isin(REPEAT["models"])
        & first["protocol"].isin(REPEAT["protocol"])
        & first["train_cell"].isin(cells)
        & first["test_cell"].isin(cells)
    ]
    assert len(again) == len(REPEAT["models"]) * len(cells) ** 2
    pd.testing.assert_frame_equal(first.reset_index(drop=True), again.reset_index(drop=True))
    # one job per model (the demo) and one per model and cell line give the same models
    for model in ("simple_cnn", "epi_cnn"):
        for cell in cells:
            d = f"results/models/{model}/leakage_free/{cell}/history.tsv"
            pd.testing.assert_frame_equal(
                pd.read_csv(a / d, sep="\t").drop(columns=["seconds", "samples_per_s"]),
                pd.read_csv(b / d, sep="\t").drop(columns=["seconds", "samples_per_s"]),
            )
    for path in [
        "predict/my_pairs.tsv",
        "candidates/genome_wide_gbm/scores.tsv.gz",
        "candidates/genome_wide_epi_cnn/scores.tsv.gz",
    ]:
        assert filecmp.cmp(a / "results" / path, b / "results" / path, shallow=False), path


def test_nothing_left_half_written(demo_run):
    leftovers = [p for p in demo_run[0].rglob(".*.tmp")] + list(demo_run[0].rglob("*.part"))
    assert leftovers == []


def test_rerun_is_a_no_op(demo_run):
    proc = run_snakemake(demo_run[0], "-n", "--cores", "2", *DEMO_RUN)
    assert "Nothing to be done" in proc.stdout + proc.stderr


def test_changing_resources_plans_no_job(demo_run):
    """Threads, memory, runtime and GPUs are resources, not params: tuning them (in the
    config or the profile) retrains nothing."""
    wd = demo_run[0]
    cfg = yaml.safe_load((wd / "config" / "demo.yaml").read_text())
    cfg["train"].update(runtime=999, mem_mb=12345, threads=2, gpus=1)
    (wd / "config" / "tuned.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    proc = run_snakemake(wd, "-n", "--cores", "2", "--configfile", "config/tuned.yaml")
    assert "Nothing to be done" in proc.stdout + proc.stderr
    proc = run_snakemake(
        wd, "-n", "--cores", "2", *DEMO_RUN, "--set-resources", "train_neural:runtime=5"
    )
    assert "Nothing to be done" in proc.stdout + proc.stderr


def test_end_to_end_metrics_and_report(demo_run):
    wd = demo_run[0]
    metrics = pd.read_csv(wd / "results" / "metrics.tsv", sep="\t")
    cfg = epiconfig.validate(yaml.safe_load((wd / "config" / "demo.yaml").read_text()))
    runs = epiconfig.runs(cfg)
    assert len(metrics) == len(runs) * 3 * 3  # (model, protocol) x train x test
    assert set(zip(metrics["model"], metrics["protocol"])) == set(runs)
    # each protocol's test positive share: random_holdout at the labels' share (stratified),
    # augment-then-split (gbm's paper protocol) near half, from the shifted copies
    for cell in CELLS:
        labels = pd.read_csv(wd / "results" / cell / "pairs.tsv", sep="\t")["label"]
        own = metrics[(metrics["train_cell"] == cell) & (metrics["test_cell"] == cell)]
        own = own.set_index(["model", "protocol"])["base_rate"]
        assert abs(own[("gbm", "random_holdout")] - labels.mean()) < 0.02
        assert own[("gbm", "paper")] > 2 * labels.mean()
    assert (metrics["aupr_low"] <= metrics["aupr"]).all() and (
        metrics["aupr"] <= metrics["aupr_high"]
    ).all()
    within = metrics[
        (metrics["train_cell"] == metrics["test_cell"]) & (metrics["protocol"] == "leakage_free")
    ]
    # the planted signal is learnt by every model of the registry (the demo trains them all):
    # its AUPR interval on held-out chromosomes lies above the base rate in at least two of
    # the three cell lines
    assert set(within["model"]) == set(registry.names())
    above = within[within["aupr_low"] > within["base_rate"]].groupby("model").size()
    # (abc trains nothing: it is the unsupervised reference, not a learner)
    learned = [m for m in registry.names() if m not in ("distance", "abc")]
    assert (above.reindex(learned, fill_value=0) >= 2).all(), within
    # distance alone sits near the base rate: the negatives are distance-matched
    dist = within[within["model"] == "distance"]
    assert (dist["aupr"] < dist["base_rate"] + 0.1).all()
    for f in [
        "summary.md",
        "leakage.tsv",
        "pr_curves.png",
        "protocol_comparison.png",
        "modality_comparison.png",
        "aupr_matrix_gbm_leakage_free.png",
        "aupr_matrix_simple_cnn_paper.png",
    ]:
        assert (wd / "results" / "report" / f).stat().st_size > 0, f
    summary = (wd / "results" / "report" / "summary.md").read_text()
    assert "## Leakage audit" in summary and "| gbm | leakage_free | CellA |" in summary
    for m in ("simple_cnn", "epi_cnn"):
        for p in ("leakage_free", "paper"):
            for c in CELLS:
                d = wd / "results" / "models" / m / p / c
                assert (d / "model.keras").exists() and (d / "history.tsv").exists()
                assert "epoch 1/" in (d / "train.log").read_text()
    # the independent benchmark: every model beside the distance score, held-out chromosomes
    table = pd.read_csv(wd / "results" / "benchmark_metrics.tsv", sep="\t")
    every = table[table["trained_on"] == "CellA"]
    assert set(every["benchmark"]) == {"demo_bengi", "demo_genes", "demo_crispri"}
    for name, sub in every.groupby("benchmark"):
        sub = sub.set_index("model")
        assert set(sub.index) == {*registry.names(), "distance_prior"}
        assert (sub["protocol"].drop("distance_prior") == "leakage_free").all()
        assert sub["n"].nunique() == 1 and sub["precision_at_70_recall"].notna().all()
        # abc's threshold (0.02) as a precision/recall point, for abc only
        assert sub["threshold"].dropna().to_dict() == {"abc": 0.02}
        assert 0 < sub.loc["abc", "threshold_recall"] <= 1
        if name != "demo_bengi":
            # the gene-side truth (activity x contact, genes competing): the
            # Activity-by-Contact model ranks its pairs better than distance alone
            assert sub.loc["abc", "aupr"] > sub.loc["distance_prior", "aupr"], name
    # e2g trained on natural-ratio labels (train group demo_links: demo_genes and demo_bengi
    # off chr1-2) beats distance on every benchmark's held-out chromosome (the same pairs) and
    # abc on the gene-side ones (on demo_bengi it ties abc: 0.123 against 0.120)
    pooled = table[table["trained_on"] == "demo_links"].set_index(["benchmark", "model"])
    assert set(pooled.index.get_level_values(1)) == {"e2g", "e2g_gbm", "distance_prior"}
    for name in ("demo_genes", "demo_crispri", "demo_bengi"):
        cell = every[every["benchmark"] == name].set_index("model")
        assert pooled.loc[(name, "e2g"), "n"] == cell.loc["abc", "n"]
        if name != "demo_bengi":
            assert pooled.loc[(name, "e2g"), "aupr"] > cell.loc["abc", "aupr"], name
        assert pooled.loc[(name, "e2g"), "aupr"] > cell.loc["distance_prior", "aupr"], name
        assert pooled.loc[(name, "e2g_gbm"), "aupr"] > cell.loc["distance_prior", "aupr"], name
    coef = pd.read_csv(wd / "results/models/e2g/leakage_free/demo_links/coefficients.tsv", sep="\t")
    coef = coef.set_index("feature")["coefficient"]
    # the truth's own terms: promoter activity x contact shared among the enhancer's genes
    assert coef["promoter_contact_share"] > 0 and coef["gene_rank"] < 0
    features = pd.read_csv(wd / "results/benchmark/demo_genes/features/pair_features.tsv", sep="\t")
    assert len(features) == len(
        pd.read_csv(wd / "results/benchmark/demo_genes/pairs.tsv", sep="\t")
    )
    bench = every[every["benchmark"] == "demo_bengi"].set_index("model")
    scores = pd.read_csv(
        wd / "results" / "benchmarks" / "demo_bengi" / "gbm__leakage_free.tsv", sep="\t"
    )
    bpairs = pd.read_csv(wd / "results" / "benchmark" / "demo_bengi" / "pairs.tsv", sep="\t")
    assert set(bpairs.set_index("pair_id").loc[scores["pair_id"], "enhancer_chrom"]) == {"chr1"}
    # at the natural ratio, distance carries signal (the grammar decays with distance)
    assert bench.loc["distance_prior", "aupr"] > 1.3 * bench.loc["distance_prior", "base_rate"]
    assert "## Independent benchmarks" in summary and "abc above its threshold 0.02" in summary
    assert "P@70%R" in summary and "| demo_genes | CellA | demo_links | e2g |" in summary
    assert (wd / "results" / "report" / "benchmarks.png").stat().st_size > 0
    # the CRISPRi table's rows with IncludeInModel FALSE are not scored
    crispri = pd.read_csv(wd / "resources" / "demo" / "crispri.txt", sep="\t")
    kept = pd.read_csv(wd / "results" / "benchmark" / "demo_crispri" / "pairs.tsv", sep="\t")
    assert len(kept) == int((crispri["IncludeInModel"]).sum()) > 0
    run_snakemake(wd, "--report", "report.html", *DEMO_RUN)
    assert (wd / "report.html").stat().st_size > 100_000


def test_interpretation_of_the_demo_models(demo_run):
    """CellA's simple_cnn and speid: filter and TF-MoDISco motifs matched to JASPAR and the
    planted motifs, attributions of the four best-scored test positives (gradient x input
    beside mutagenesis), the summary section; the other cell lines are not interpreted."""
    from epipair.io.tables import INTERPRET_MOTIFS
    from epipair.prep import demo

    wd = demo_run[0]
    for model in ("simple_cnn", "speid"):
        d = wd / "results" / "interpret" / model / "leakage_free" / "CellA"
        motifs = INTERPRET_MOTIFS.read(d / "motifs.tsv")
        assert set(motifs["database"]) <= {"JASPAR2024", "demo"}
        assert set(motifs["source"]) <= {"filter", "modisco"}
        assert motifs.groupby("motif_id").size().eq(2).all()  # a row per database
        assert set(motifs.loc[motifs["database"] == "demo", "match_id"]) <= {
            m.id for m in demo.planted_motifs()
        }
        assert motifs["q_value"].between(0, 1).all() and (motifs["n_sites"] >= 10).all()
        assert (d / "logos.png").stat().st_size > 0
        with np.load(d / "attributions.npz") as z:
            assert z["pair_id"].shape == (4,) and (np.diff(z["score"]) <= 0).all()
            x, ism = z["enhancer_seq"], z["enhancer_seq_ism"]
            assert x.shape == ism.shape == z["enhancer_seq_grad_x_input"].shape == (4, 500, 4)
            assert z["enhancer_seq_ism_reference"].shape == (4, 500)
            # gradient x input is nonzero only at each sequence's own bases
            assert not z["enhancer_seq_grad_x_input"][x == 0].any()
    # interpret.cell_lines: [CellA]
    assert sorted(p.name for p in (wd / "results" / "interpret").glob("*/*/*")) == ["CellA"] * 2
    summary = (wd / "results" / "report" / "summary.md").read_text()
    assert "## What the models learned" in summary
    assert "### speid, leakage_free, CellA" in summary


def test_paper_protocol_is_each_models_own(demo_run):
    """simple_cnn's paper protocol is Zhuang et al.'s script: rows drawn with replacement for
    training, every row of the augmented set scored (training rows included); gbm has no
    released protocol and keeps augment-then-split."""
    wd = demo_run[0]
    paper = pd.read_csv(wd / "results" / "CellA" / "splits_paper.tsv", sep="\t")
    zhuang = paper[paper["scheme"] == "zhuang_basic_training"]
    pred = pd.read_csv(
        wd / "results" / "predictions" / "simple_cnn" / "paper" / "CellA__CellA.tsv", sep="\t"
    )
    test = zhuang[zhuang["split"] == "test"]
    assert pred["pair_id"].tolist() == test["pair_id"].tolist() and len(pred) == len(test)
    train = zhuang[zhuang["split"] == "train"]
    assert train.duplicated(["pair_id", "shift"]).any()  # drawn with replacement
    assert set(zip(train["pair_id"], train["shift"])) <= set(zip(test["pair_id"], test["shift"]))
    log = (wd / "results" / "models" / "simple_cnn" / "paper" / "CellA" / "train.log").read_text()
    assert "last weights" in log
    gbm = pd.read_csv(
        wd / "results" / "predictions" / "gbm" / "paper" / "CellA__CellA.tsv", sep="\t"
    )
    generic = paper[(paper["scheme"] == "augment_then_split") & (paper["split"] == "test")]
    assert gbm["pair_id"].tolist() == generic["pair_id"].tolist()


def test_cross_cell_test_set_is_the_test_split(demo_run):
    wd = demo_run[0]
    for protocol in ("leakage_free", "paper"):
        pred = pd.read_csv(
            wd / "results" / "predictions" / "gbm" / protocol / "CellA__CellB.tsv", sep="\t"
        )
        pairs = pd.read_csv(wd / "results" / "CellB" / "pairs.tsv", sep="\t")
        if protocol == "leakage_free":
            expected = pairs.loc[pairs["split"] == "test", "pair_id"]
            assert pred["pair_id"].tolist() == expected.tolist()
            assert (pred["shift"] == 0).all()
        else:
            paper = pd.read_csv(wd / "results" / "CellB" / "splits_paper.tsv", sep="\t")
            expected = paper[(paper["split"] == "test") & (paper["scheme"] == "augment_then_split")]
            assert pred["pair_id"].tolist() == expected["pair_id"].tolist()
            assert pred["shift"].tolist() == expected["shift"].tolist()
        assert set(pred.columns) == {"pair_id", "shift", "label", "score", "fold"}
        assert (pred["fold"] == "all").all()


def test_predict_own_pairs(demo_run):
    wd = demo_run[0]
    out = pd.read_csv(wd / "results" / "predict" / "my_pairs.tsv", sep="\t")
    query = pd.read_csv(wd / "resources" / "demo" / "to_score.bedpe", sep="\t", header=None)
    assert len(out) == len(query)
    assert out["enhancer_start"].tolist() == query[1].tolist()
    assert out["score"].between(0, 1).all() and out["score"].nunique() > 10
    assert "label" not in out.columns


def test_candidates_score_every_pair_as_the_predict_rule_does(demo_run):
    """Each genome-wide candidate set has every same-chromosome enhancer x TSS pair within its
    limit once, and a candidate that is a labelled test pair gets that pair's prediction (a
    train group's model: its score of that benchmark pair)."""
    wd = demo_run[0]
    cfg = yaml.safe_load((wd / "config" / "demo.yaml").read_text())
    cols = ["chrom", "start", "end", "name"]
    read_bed = lambda f: pd.read_csv(f, sep="\t", header=None, usecols=range(4), names=cols)  # noqa: E731
    enh = read_bed(wd / "resources" / "demo" / "enhancers.bed")
    tss = read_bed(wd / "resources" / "demo" / "tss.bed")
    cross = enh.merge(tss, on="chrom", suffixes=("_e", "_p"))
    centre_gap = ((cross.start_e + cross.end_e) // 2 - cross.start_p).abs()
    assert {e.get("train_group") for e in cfg["candidates"].values()} == {None, "demo_links"}
    for name, entry in cfg["candidates"].items():
        scores = pd.read_csv(wd / "results" / "candidates" / name / "scores.tsv.gz", sep="\t")
        assert len(scores) == int((centre_gap <= entry["max_distance"]).sum()) > 10_000
        assert not scores.duplicated(["enhancer_name", "promoter_name"]).any()
        if entry.get("train_group"):
            sample = wd / "results" / "benchmark" / "demo_genes"
            path = (
                f"benchmarks/demo_genes/{entry['train_group']}/{entry['model']}__leakage_free.tsv"
            )
        else:
            sample = wd / "results" / "CellA"
            path = f"predictions/{entry['model']}/leakage_free/CellA__CellA.tsv"
        pairs = pd.read_csv(sample / "pairs.tsv", sep="\t")
        pairs["tss"] = (pairs.promoter_start + pairs.promoter_end) // 2
        pred = pd.read_csv(wd / "results" / path, sep="\t").merge(
            pairs, on="pair_id", suffixes=("_x", "")
        )
        both = pred.merge(
            scores,
            left_on=["enhancer_chrom", "enhancer_start", "enhancer_end", "tss"],
            right_on=["chrom", "enhancer_start", "enhancer_end", "promoter_start"],
            suffixes=("_pred", ""),
        )
        assert len(both) == int((pred["distance"] <= entry["max_distance"]).sum()) > 100
        np.testing.assert_allclose(both["score"], both["score_pred"], atol=1e-5)
        top = pd.read_csv(wd / "results" / "candidates" / name / "top_per_promoter.tsv", sep="\t")
        assert top.groupby("promoter_name").size().max() == 10
        assert not (wd / "results" / "candidates" / name / "scores.tsv.gz.chunks").exists()
