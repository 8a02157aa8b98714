import numpy as np
import pandas as pd
import pytest

from epipair.evaluate import report
from epipair.io.tables import METRICS
from epipair.model import metrics


def test_aupr_auroc_hand_cases():
    # ranking: 0.9(+) 0.8(-) 0.7(+) 0.1(-): precision at the positives 1 and 2/3
    y, s = [1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]
    assert metrics.aupr(y, s) == pytest.approx((1 + 2 / 3) / 2)
    # AUROC: of the 4 positive-negative pairs, 3 are ordered right
    assert metrics.auroc(y, s) == pytest.approx(3 / 4)
    # perfect and reversed rankings
    assert metrics.aupr([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4]) == 1.0
    assert metrics.auroc([0, 0, 1, 1], [0.4, 0.3, 0.2, 0.1]) == 0.0
    # one class only: undefined
    assert np.isnan(metrics.aupr([1, 1], [0.1, 0.2]))


def test_ties_count_as_one_threshold():
    # all scores tied: precision = base rate at the single threshold
    assert metrics.aupr([1, 0, 0, 0], [0.5] * 4) == pytest.approx(0.25)
    assert metrics.auroc([1, 0, 0, 0], [0.5] * 4) == pytest.approx(0.5)


def test_bootstrap_interval_contains_estimate_and_narrows_with_n():
    rng = np.random.default_rng(1)
    widths = []
    for n in (400, 4000, 40000):
        y = (rng.random(n) < 0.1).astype(int)
        s = rng.random(n) + 0.4 * y
        r = metrics.bootstrap(y, s, n_boot=300, seed=0)
        assert r["aupr_low"] <= r["aupr"] <= r["aupr_high"]
        assert r["auroc_low"] <= r["auroc"] <= r["auroc_high"]
        assert r["n"] == n and r["n_pos"] == y.sum()
        widths.append(r["aupr_high"] - r["aupr_low"])
    assert widths[0] > widths[1] > widths[2]
    again = metrics.bootstrap(y, s, n_boot=300, seed=0)
    assert again == r


def test_bootstrap_matches_sklearn_point_estimates():
    from sklearn.metrics import average_precision_score, roc_auc_score

    rng = np.random.default_rng(2)
    y = (rng.random(3000) < 0.05).astype(int)
    s = np.round(rng.random(3000) + 0.3 * y, 2)  # with ties
    r = metrics.bootstrap(y, s, n_boot=50, seed=0)
    assert r["aupr"] == pytest.approx(average_precision_score(y, s))
    assert r["auroc"] == pytest.approx(roc_auc_score(y, s))


def small_metrics():
    rows = []
    for m in ("gbm", "speid"):
        for p in ("leakage_free", "paper"):
            for a in ("A", "B"):
                for b in ("A", "B"):
                    v = 0.3 if p == "leakage_free" else 0.8
                    rows.append(
                        dict(
                            model=m,
                            protocol=p,
                            train_cell=a,
                            test_cell=b,
                            n=100,
                            n_pos=10,
                            base_rate=0.1,
                            aupr=v,
                            aupr_low=v - 0.05,
                            aupr_high=v + 0.05,
                            auroc=0.7,
                            auroc_low=0.6,
                            auroc_high=0.8,
                            fold="all",
                        )
                    )
    return pd.DataFrame(rows, columns=list(METRICS.columns))


def small_leakage():
    return pd.DataFrame(
        [
            {
                "cell_line": "A",
                "protocol": "paper",
                "n_train_pairs": 5,
                "n_test_pairs": 2,
                "test_share_element_in_train": 0.5,
                "test_pos_copy_in_train": 1.0,
                "pos_share_element": 0.99,
            }
        ]
    )


def test_heatmap_and_summary_from_small_table(tmp_path):
    m = small_metrics()
    report.aupr_matrix(m, "gbm", "paper", tmp_path / "h.png")
    assert (tmp_path / "h.png").read_bytes()[:4] == b"\x89PNG"
    report.protocol_comparison(m, tmp_path / "p.png")
    assert (tmp_path / "p.png").stat().st_size > 1000
    report.modality_comparison(m, tmp_path / "mod.png")
    assert (tmp_path / "mod.png").stat().st_size > 1000
    assert [report.modality(x) for x in ("epi_resnet", "xiao_seq_cnn", "seq_epi", "distance")] == [
        "epigenome",
        "sequence",
        "sequence + epigenome",
        "distance",
    ]
    leakage = small_leakage()
    published = pd.DataFrame(
        [
            {
                "model": "gbm",
                "cell_line": "A",
                "metric": "aupr",
                "value": 0.91,
                "source": "X, Table 2",
            },
            {"model": "speid", "cell_line": "B", "metric": "aupr", "value": np.nan, "source": "Y"},
        ]
    )
    md = report.summary_markdown(m, leakage, published)
    assert (
        "| gbm | leakage_free | A | 100 | 10 | 0.100 | 0.300 [0.250, 0.350] "
        "| 0.700 [0.600, 0.800] |" in md
    )
    # no random_holdout row in this table: its column says so
    assert "| gbm | A | aupr | 0.91 | X, Table 2 |  | 0.800 | — | 0.300 |" in md
    assert "## Test sets per protocol" in md and "| paper | gbm | 100 | 0.100 |" in md
    assert "| speid | B | aupr |  | Y |" in md  # no published value: the cell stays empty
    assert "### gbm, paper" in md and "50.0%" in md and "100.0%" in md


def test_shipped_published_table_parses():
    from .conftest import ROOT

    pub = pd.read_csv(ROOT / "resources" / "published.tsv", sep="\t", comment="#")
    assert list(pub.columns) == ["model", "cell_line", "metric", "value", "source", "measured_on"]
    assert pub["source"].notna().all() and pub["value"].notna().all()  # no placeholders
    speid = pub[pub["model"] == "speid"]
    assert len(speid) == 12 and speid["source"].str.startswith("read from figure").all()
    assert speid["value"].between(0.6, 1.0).all()  # the figure's axis
    # ABC's CRISPRi anchors (docs/tables/perf_summary.csv at 36e212e9): never beside our
    # TargetFinder numbers
    abc = pub[pub["model"] == "abc"].set_index(["metric", "source"])["value"]
    src = "broadinstitute/ABC-Enhancer-Gene-Prediction@36e212e9 docs/tables/perf_summary.csv"
    assert abc[("aupr", f"{src}:5 (DNase-seq x H3K27ac, Powerlaw)")] == 0.58
    assert abc[("precision_at_70_recall", f"{src}:2 (DNase-seq x H3K27ac, K562 Hi-C)")] == 0.56
    # TransEPI's per-fold logs (chenkenbio/TransEPI@1bf63bdc dev/): 5 folds x AUPR, AUROC for
    # each of the four cell lines it never trained on
    te = pub[pub["model"] == "transepi"]
    assert te.groupby(["cell_line", "metric"]).size().to_dict() == {
        (c, m): 5 for c in ("HMEC", "IMR90", "K562", "NHEK") for m in ("aupr", "auroc")
    }
    k562 = te[(te["cell_line"] == "K562") & (te["metric"] == "aupr")]
    assert k562["value"].round(4).tolist() == [0.2852, 0.1885, 0.1608, 0.1687, 0.1923]
    assert (
        k562["source"].str.endswith(tuple(f".v3_strict.log:{n}" for n in (6, 14, 22, 30, 38))).all()
    )
    assert te["measured_on"].str.startswith("BENGI").all()
    m = pd.DataFrame([{"model": "abc", "protocol": "leakage_free", "train_cell": "K562",
                       "test_cell": "K562", "n": 9, "n_pos": 1, "base_rate": 0.1, "aupr": 0.2,
                       "aupr_low": 0.1, "aupr_high": 0.3, "auroc": 0.5, "auroc_low": 0.4,
                       "auroc_high": 0.6, "fold": "all"}])  # fmt: skip
    md = report.summary_markdown(m, small_leakage(), pub)
    assert "| abc | K562 | aupr | 0.58 |" in md and "| 0.200 |" not in md.split("Published")[1]


def test_metrics_table_rows_per_fold_and_pooled(tmp_path):
    from epipair.io.tables import PREDICTIONS

    rng = np.random.default_rng(0)
    label = np.tile([1, 0, 0, 0], 50)
    pred = pd.DataFrame(
        {
            "pair_id": [f"p{i}" for i in range(200)],
            "shift": 0,
            "label": label,
            "score": label * 0.3 + rng.random(200),
            "fold": np.repeat(["1", "2"], 100),
        }
    )
    PREDICTIONS.write(pred, tmp_path / "cv.tsv")
    PREDICTIONS.write(pred.assign(fold="all"), tmp_path / "single.tsv")
    files = {("m", "leakage_free", "A", "A"): tmp_path / "cv.tsv",
             ("m", "paper", "A", "A"): tmp_path / "single.tsv"}  # fmt: skip
    table = metrics.metrics_table(files, n_boot=50, seed=0)
    cv = table[table["protocol"] == "leakage_free"].set_index("fold")
    assert list(cv.index) == ["1", "2", "all"]
    assert cv.loc["1", "n"] == 100 and cv.loc["all", "n"] == 200
    assert cv.loc["2", "aupr"] == pytest.approx(metrics.aupr(label[100:], pred["score"][100:]))
    assert table[table["protocol"] == "paper"]["fold"].tolist() == ["all"]
    assert list(table.columns) == list(METRICS.columns)


def test_benchmark_metrics_adds_the_distance_prior(tmp_path):
    from epipair.io.tables import BENCHMARK_METRICS, BENCHMARK_SCORES

    distance = np.arange(1, 201) * 1000.0
    label = (distance < 30_000).astype(int)  # the close pairs interact
    scores = pd.DataFrame(
        {
            "pair_id": [f"b{i}" for i in range(200)],
            "label": label,
            "distance": distance,
            "score": np.linspace(0, 1, 200),  # a model that ranks far pairs first
            "fold": "all",
        }
    )
    BENCHMARK_SCORES.write(scores, tmp_path / "s.tsv")
    table = metrics.benchmark_metrics(
        {("hic", "A", "A", "m", "leakage_free"): tmp_path / "s.tsv"}, 0, 0
    )
    assert list(table.columns) == list(BENCHMARK_METRICS.columns)
    rows = table.set_index("model")
    assert rows.loc["distance_prior", "aupr"] == 1.0 and rows.loc["distance_prior", "n"] == 200
    assert rows.loc["m", "aupr"] < 0.2 and rows.loc["distance_prior", "protocol"] == "none"
    md = report.benchmark_markdown(table)
    assert "hic (models of A): m score(s) below the distance score (AUPR 1.000)" in md
    # a train group's model, scored on other (fewer) held-out pairs, gets its own prior
    BENCHMARK_SCORES.write(
        scores.iloc[:100].assign(score=1 - scores["score"][:100]), tmp_path / "g.tsv"
    )
    files = {
        ("hic", "A", "A", "m", "leakage_free"): tmp_path / "s.tsv",
        ("hic", "A", "grp", "m", "leakage_free"): tmp_path / "g.tsv",
    }
    both = metrics.benchmark_metrics(files, 0, 0).set_index(["trained_on", "model"])
    assert both.loc[("grp", "distance_prior"), "n"] == 100 and both.loc[("grp", "m"), "n"] == 100
    assert both.loc[("grp", "m"), "aupr"] == pytest.approx(1.0)
    assert both.loc[("grp", "distance_prior"), "aupr"] == pytest.approx(1.0)
    report.benchmark_figure(both.reset_index(), tmp_path / "g.png", files)
    report.benchmark_figure(table, tmp_path / "b.png")
    assert (tmp_path / "b.png").stat().st_size > 1000
    # a model with a threshold (abc's 0.02) gets its precision/recall point; PR curves drawn
    files = {("hic", "A", "A", "abc", "leakage_free"): tmp_path / "s.tsv"}
    table = metrics.benchmark_metrics(files, 0, 0, thresholds={"abc": 0.5})
    abc = table.set_index("model").loc["abc"]
    called = scores["score"] > 0.5
    assert abc["threshold_recall"] == called[label == 1].mean() == 0.0
    assert abc["threshold_precision"] == 0.0 and np.isnan(table["threshold"].iloc[1])
    assert (
        "abc above its threshold 0.5: precision 0.000, recall 0.000"
        in report.benchmark_markdown(table)
    )
    report.benchmark_figure(table, tmp_path / "c.png", files)
    assert (tmp_path / "c.png").stat().st_size > (tmp_path / "b.png").stat().st_size


def test_precision_at_recall_by_hand():
    label = np.array([1, 0, 1, 0, 1, 0, 0, 1, 0, 0])
    score = np.arange(10, 0, -1.0)  # ranked as listed
    # recall 0.75 is first reached at the 5th pair (3 of 4 positives): precision 3/5
    assert metrics.precision_at_recall(label, score, 0.7) == pytest.approx(0.6)
    assert metrics.precision_at_recall(label, score, 1.0) == pytest.approx(0.5)
    tied = np.array([2.0, 2, 2, 2, 1, 1, 1, 1, 1, 1])  # ties stay together: 2 of 4 at the top
    assert metrics.precision_at_recall(label, tied, 0.5) == pytest.approx(0.5)
    assert metrics.threshold_point(label, score, 6.5) == (0.5, 0.5)  # the top 4: 2 positives


def test_speid_figure_reader_reads_bars_against_the_panel_axis():
    """scripts/read_speid_figure.py on a drawing built like the figure: one panel, axis
    0.6 at y=267 and 1 at y=53, SPEID (blue) and TargetFinder (yellow) bars per metric."""
    import importlib.util
    import zlib

    from .conftest import ROOT

    spec = importlib.util.spec_from_file_location(
        "read_speid_figure", ROOT / "scripts" / "read_speid_figure.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    s = mod.SCALE

    def label(x, y, text):
        return f"q\n2 0 0 2 {x * s} {y * s} cm\nBT\n1 0 0 -1 0 0 Tm [({text}) ] TJ\nET\nQ"

    def bar(colour, x, top):
        return f"q\n{colour} rg\n{x} 267 m\n{x + 13} 267 l\n{x + 13} {top} l\n{x} {top} l\nh\nf\nQ"

    blue, yellow = list(mod.COLOURS)
    parts = [label(171, 267, "0.6"), label(171, 53, "1"), label(323, 48, "GM12878")]
    for k, (a, b) in enumerate([(0.99, 0.96), (0.9, 0.8), (0.7, 0.65), (0.75, 0.7)]):
        x = 221 + 58.2 * k
        parts += [bar(blue, x, 267 - (a - 0.6) * 535), bar(yellow, x + 16, 267 - (b - 0.6) * 535)]
    stream = zlib.compress("\n".join(parts).encode())
    pdf = b"%PDF-1.4\n1 0 obj\n<< >>\nstream\n" + stream + b"\nendstream\n"
    got = {(m, c, k): round(v, 3) for m, c, k, v in mod.read(pdf)}
    assert got[("SPEID", "GM12878", "auroc")] == 0.99
    assert got[("SPEID", "GM12878", "aupr")] == 0.9
    assert got[("TargetFinder", "GM12878", "aupr")] == 0.8 and len(got) == 8
