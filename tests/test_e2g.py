"""e2g's pair features against values worked out by hand, its estimators, and pooled training
of a train group (held-out chromosomes out of every member)."""

import numpy as np
import pandas as pd
import pytest

from epipair.errors import EpipairError
from epipair.io.genes import TSS_COLUMNS
from epipair.model import abc, e2g
from epipair.model.baselines import Baseline, train_group

from .test_abc import pl


def neighbourhood(tmp_path):
    """Four elements and three genes on chr1 (activity = sqrt(accessibility x H3K27ac))."""
    rows = [  # chrom, start, end, accessibility, h3k27ac, promoter
        ("chr1", 1_000, 1_500, 2.0, 8.0, 0),  # the enhancer: activity 4, midpoint 1,250
        ("chr1", 5_000, 5_500, 1.0, 1.0, 0),  # activity 1, midpoint 5,250
        ("chr1", 20_000, 20_500, 9.0, 9.0, 1),  # gene A's promoter, activity 9
        ("chr1", 60_000, 60_500, 16.0, 16.0, 1),  # gene B's promoter, activity 16
    ]
    el = pd.DataFrame(
        rows, columns=["chrom", "start", "end", "accessibility", "h3k27ac", "promoter"]
    )
    el["activity"] = np.sqrt(el["accessibility"] * el["h3k27ac"])
    el[abc.ELEMENT_COLUMNS].to_csv(tmp_path / "e.tsv", sep="\t", index=False)
    tss = [("chr1", 20_250, "A"), ("chr1", 60_250, "B"), ("chr1", 100_250, "C")]
    tss.append(("chr1", 100_300, "C"))  # a second TSS of C: one gene, counted once
    pd.DataFrame(tss, columns=TSS_COLUMNS).to_csv(tmp_path / "t.tsv", sep="\t", index=False)
    model = abc.AbcModel().load(tmp_path / "e.tsv", tmp_path / "t.tsv")
    return e2g.Neighbourhood(model, tmp_path / "t.tsv", tmp_path / "e.tsv"), model


def pairs_to(genes_tss):
    n = len(genes_tss)
    return pd.DataFrame(
        {
            "pair_id": [f"p{i}" for i in range(n)],
            "enhancer_chrom": ["chr1"] * n,
            "enhancer_start": [1_000] * n,
            "enhancer_end": [1_500] * n,
            "promoter_chrom": ["chr1"] * n,
            "promoter_start": [t - 1000 for t in genes_tss],
            "promoter_end": [t + 1000 for t in genes_tss],
        }
    )


def test_pair_features_by_hand(tmp_path):
    hood, model = neighbourhood(tmp_path)
    pairs = pairs_to([20_250, 60_250, 100_250])
    f = e2g.pair_features(hood, pairs)
    assert list(f.columns) == list(e2g.FEATURES) and len(f) == 3
    d = np.array([19_000, 59_000, 99_000])
    assert f["distance"].tolist() == d.tolist()
    assert np.allclose(f["log_distance"], np.log10(1 + d))
    assert f["gene_rank"].tolist() == [1, 2, 3]  # C's two TSSs make one gene
    assert f["genes_between"].tolist() == [0, 1, 2]
    # element midpoints strictly between 1,250 and the TSS: 5,250; then 20,250 too
    assert f["elements_between"].tolist() == [1, 2, 3]
    assert f["enhancer_activity"].tolist() == [4.0] * 3
    assert f["enhancer_accessibility"].tolist() == [2.0] * 3
    assert f["enhancer_h3k27ac"].tolist() == [8.0] * 3
    assert f["promoter_activity"].tolist() == [9.0, 16.0, 0.0]
    assert f["activity_within_5kb"].tolist() == [1.0] * 3  # the element at 5,250; not itself
    c = np.array([pl(x) for x in d])
    assert np.allclose(f["contact"], c)
    assert np.allclose(f["abc_numerator"], 4 * c)
    assert np.allclose(f["abc_score"], model.score_pairs(pairs))
    # promoter activity x contact over the enhancer's genes (C's TSSs have no element)
    den = 9 * c[0] + 16 * c[1]
    assert np.allclose(f["promoter_contact_share"], [9 * c[0] / den, 16 * c[1] / den, 0.0])


def test_the_pairs_own_gene_is_never_counted_and_the_window_bounds_the_share(tmp_path):
    hood, _ = neighbourhood(tmp_path)
    # C's second TSS: its first (100,250) is nearer and in between, but it is C itself
    f = e2g.pair_features(hood, pairs_to([100_300]))
    assert f["gene_rank"].tolist() == [3] and f["genes_between"].tolist() == [2]
    # with a 50-kb window, C (99 kb away) gets no share and B none of the denominator
    small = e2g.Neighbourhood(
        abc.AbcModel({"window": 50_000}).load(tmp_path / "e.tsv", tmp_path / "t.tsv"),
        tmp_path / "t.tsv",
        tmp_path / "e.tsv",
    )
    f = e2g.pair_features(small, pairs_to([20_250, 100_250]))
    assert f["promoter_contact_share"].tolist() == [1.0, 0.0]
    assert f["gene_rank"].tolist() == [1, 3]  # ranks still count every nearer gene


def test_pairs_between_chromosomes_score_zero(tmp_path):
    hood, _ = neighbourhood(tmp_path)
    pairs = pairs_to([20_250, 60_250, 20_250]).assign(promoter_chrom=["chr1", "chr1", "chr2"])
    f = e2g.pair_features(hood, pairs)
    assert f["distance"].tolist() == [19_000, 59_000, -1] and f.iloc[2, 1:].eq(0).all()
    x, y = planted(200, 0)
    x.loc[:9, "distance"] = -1  # between chromosomes: left out of training, scored 0
    model = e2g.E2gModel("logistic").fit(x, y)
    assert (model.predict(x)[:10] == 0).all() and (model.predict(x)[10:] > 0).all()


def test_build_pair_features_writes_one_row_per_pair(tmp_path):
    neighbourhood(tmp_path)
    pairs = pairs_to([60_250, 20_250])
    pairs.to_csv(tmp_path / "pairs.tsv", sep="\t", index=False)
    e2g.build_pair_features(
        pairs_path=tmp_path / "pairs.tsv",
        elements_path=tmp_path / "e.tsv",
        tss_path=tmp_path / "t.tsv",
        contact_path=None,
        abc_params={},
        out_path=tmp_path / "f.tsv",
    )
    out = pd.read_csv(tmp_path / "f.tsv", sep="\t")
    assert out["pair_id"].tolist() == ["p0", "p1"] and out["gene_rank"].tolist() == [2, 1]


def planted(n, seed):
    """Pair features where the nearest gene with an active promoter is the target."""
    rng = np.random.default_rng(seed)
    t = pd.DataFrame({name: rng.random(n) for name in e2g.FEATURES})
    t["gene_rank"] = rng.integers(1, 20, n)
    t["distance"] = rng.integers(1000, 1_000_000, n)
    t["log_distance"] = np.log10(1 + t["distance"])
    t["promoter_activity"] = rng.exponential(5, n)
    label = (t["gene_rank"] <= 2) & (t["promoter_activity"] > 3)
    return t, label.astype(int).to_numpy()


@pytest.mark.parametrize("kind", e2g.ESTIMATORS)
def test_e2g_learns_a_planted_rule(kind):
    from epipair.model.metrics import aupr

    x, y = planted(3000, 0)
    model = e2g.E2gModel(kind).fit(x, y)
    xt, yt = planted(1000, 1)
    assert aupr(yt, model.predict(xt)) > 0.6 > 3 * yt.mean()
    coef = model.coefficients()
    if kind == "logistic":  # nearer genes and active promoters score higher
        c = coef.set_index("feature")["coefficient"]
        assert list(coef["feature"]) == ["intercept", *e2g.MODEL_FEATURES]
        assert c["gene_rank"] < 0 < c["promoter_activity"]
    else:
        assert coef is None


def test_model_matrix_logs_heavy_tailed_features_and_names_missing_columns():
    x, _ = planted(5, 0)
    m = e2g.model_matrix(x)
    assert m.shape == (5, len(e2g.MODEL_FEATURES))
    j = e2g.MODEL_FEATURES.index("gene_rank")
    assert np.allclose(m[:, j], np.log1p(x["gene_rank"]))
    with pytest.raises(EpipairError, match="pair features lack column"):
        e2g.model_matrix(x.drop(columns=["gene_rank"]))


def member(folder, chroms, labels, seed):
    """A pair set folder with pairs.tsv and features/pair_features.tsv."""
    rng = np.random.default_rng(seed)
    n = len(chroms)
    pairs = pairs_to([20_250] * n).assign(
        pair_id=[f"{folder.name}{i}" for i in range(n)],
        enhancer_chrom=chroms,
        promoter_chrom=chroms,
        label=labels,
        distance=1000,
        group=0,
        split="train",
        enhancer_window_start=1_000,
        promoter_window_start=19_250,
        source_line=np.arange(n) + 2,
    )
    (folder / "features").mkdir(parents=True)
    pairs.to_csv(folder / "pairs.tsv", sep="\t", index=False)
    feats = pd.DataFrame({name: rng.random(n) for name in e2g.FEATURES})
    feats["gene_rank"] = np.where(np.asarray(labels) == 1, 1, 5)
    feats.insert(0, "pair_id", pairs["pair_id"])
    feats.to_csv(folder / "features" / "pair_features.tsv", sep="\t", index=False)


def test_train_group_pools_members_off_the_held_out_chromosomes(tmp_path, caplog):
    # member a: positives only off the held-out chromosomes; member b: negatives only. Alone
    # neither fits; pooled they do. Their chr1 (test) pairs are never read for training.
    chroms = ["chr4"] * 20 + ["chr2"] * 4 + ["chr1"] * 6
    member(tmp_path / "a", chroms, [1] * 20 + [1, 0, 1, 0] + [0] * 6, 0)
    member(tmp_path / "b", chroms, [0] * 20 + [0, 1, 0, 1] + [1] * 6, 1)
    kwargs = dict(
        test_chroms=["chr1"],
        valid_chroms=["chr2"],
        windows={"enhancer": 500, "promoter": 500},
        augment={"positives": 1, "max_shift": 0},
        seed=0,
        params=None,
        marks=None,
    )
    with pytest.raises(EpipairError, match="all labelled 1; fitting needs both classes"):
        train_group(
            "e2g",
            members={"a": tmp_path / "a"},
            out_model=tmp_path / "m0.skops",
            out_history=tmp_path / "h0.tsv",
            **kwargs,
        )
    caplog.set_level("INFO")
    history = train_group(
        "e2g",
        members={"a": tmp_path / "a", "b": tmp_path / "b"},
        out_model=tmp_path / "m.skops",
        out_history=tmp_path / "h.tsv",
        **kwargs,
    )
    assert "40 pooled training pairs from 2 member(s), 8 validation pairs" in caplog.text
    assert (
        "a (" in caplog.text
        and "20 training pairs (20 positive), 4 validation, 6 held out" in caplog.text
    )
    assert history["val_aupr"].iloc[0] == pytest.approx(1.0)
    coef = pd.read_csv(tmp_path / "coefficients.tsv", sep="\t").set_index("feature")
    assert coef.loc["gene_rank", "coefficient"] < 0


def test_baseline_reads_a_pair_sets_features(tmp_path):
    chroms = ["chr4"] * 10
    member(tmp_path / "a", chroms, [1, 0] * 5, 0)
    from epipair.model.predict import open_sample

    data = open_sample(
        tmp_path / "a",
        "leakage_free",
        windows={"enhancer": 500, "promoter": 500},
        augment={"positives": 1, "max_shift": 0},
        marks=None,
        model="e2g_gbm",
    )
    model = Baseline("e2g_gbm", 0, {"max_iter": 20, "min_samples_leaf": 1})
    rows = np.arange(10)[::-1]
    x = model.features(data.pairs, data.features, rows)
    assert x["pair_id"].tolist() == [f"a{i}" for i in rows]
    model.fit(data.pairs, data.features, rows)
    scores = model.predict(data.pairs, data.features, np.arange(10))
    assert (scores[::2] > scores[1::2]).all()  # positives (gene_rank 1) above negatives


def test_genes_between_counts_each_gene_once_on_either_side():
    pos = np.array([10, 20, 30, 35])
    codes = np.array([0, 1, 2, 2])  # gene 2 has two TSSs, both right of the enhancer
    got = e2g._genes_between(25.0, pos, codes, np.array([5, 15, 25, 32, 40]))
    assert got.tolist() == [2, 1, 0, 1, 1]


def test_stale_pair_features_stop_with_their_file_named(tmp_path):
    member(tmp_path / "a", ["chr4"] * 4, [1, 0, 1, 0], 0)
    path = tmp_path / "a" / "features" / "pair_features.tsv"
    pd.read_csv(path, sep="\t").iloc[:3].to_csv(path, sep="\t", index=False)
    pairs = pd.read_csv(tmp_path / "a" / "pairs.tsv", sep="\t")
    features = type("F", (), {"folder": tmp_path / "a" / "features"})()
    with pytest.raises(EpipairError, match="pair_features.tsv: its pair ids are not those"):
        Baseline("e2g").features(pairs, features, np.arange(4))
