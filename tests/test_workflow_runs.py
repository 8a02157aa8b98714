"""End-to-end Snakemake runs of their own (not the shared demo run): chromosome
cross-validation, abc with a cell line's Hi-C, and a cell line with natural-ratio labels. A
file apart from test_workflow.py so that pytest-xdist (``make test``: ``--dist loadfile``)
runs them beside the shared demo run."""

import shutil

import numpy as np
import pandas as pd
import pytest
import yaml

from .conftest import run_snakemake

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cv_run(tmp_path_factory):
    """The demo with chromosome cross-validation (split.folds: 3), one cell line (a fold is a
    per-cell matter: a second cell line would only repeat it), the epigenomic model and the
    baselines, short training."""
    from .conftest import ROOT

    wd = tmp_path_factory.mktemp("cv")
    shutil.copytree(ROOT / "config", wd / "config")
    cfg = yaml.safe_load((wd / "config" / "demo.yaml").read_text())
    cfg["train"].update(epochs=2, jobs="per_cell")  # one job per fold
    cfg["evaluation"] = {"bootstrap": 50}
    cfg["models"] = ["epi_cnn", "distance", "gbm"]
    cfg["model_params"]["epi_cnn"] = {"preset": "demo", "filters": 8, "dense_units": 16}
    cfg["protocol"] = ["leakage_free", "paper"]
    cfg["protocol_models"] = {"paper": ["distance", "gbm"]}  # epi_cnn's folds are the point
    cfg["split"]["folds"] = 3
    cfg["only"] = "CellA"
    cfg["predict"]["my_pairs"]["model"] = "gbm"
    # folds are what this run checks: no benchmarks, candidate sets or interpretation
    cfg.update(benchmarks={}, candidates={}, interpret={}, train_groups={})
    (wd / "config" / "cv.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    run_snakemake(wd, "--cores", "2", "--configfile", "config/cv.yaml")
    return wd


def test_cross_validation_tests_every_pair_once(cv_run):
    wd = cv_run
    for cell in ("CellA",):
        pairs = pd.read_csv(wd / "results" / cell / "pairs.tsv", sep="\t")
        folds = pd.read_csv(wd / "results" / cell / "folds.tsv", sep="\t", dtype=str)
        assert sorted(folds["fold"].unique()) == ["1", "2", "3"]
        for m in ("epi_cnn", "gbm"):
            for k in (1, 2, 3):
                d = wd / "results" / "models" / m / "leakage_free" / cell / f"fold{k}"
                assert any(d.glob("model.*")) and (d / "history.tsv").exists()
            pred = pd.read_csv(
                wd / "results" / "predictions" / m / "leakage_free" / f"{cell}__{cell}.tsv",
                sep="\t",
                dtype={"fold": str},
            )
            # every pair exactly once, by the model of the fold that held its chromosome out
            assert sorted(pred["pair_id"]) == sorted(pairs["pair_id"])
            chrom = pairs.set_index("pair_id").loc[pred["pair_id"], "enhancer_chrom"]
            expected = chrom.map(dict(zip(folds["chrom"], folds["fold"])))
            assert pred["fold"].tolist() == expected.tolist()
        # the paper protocol keeps its own single random split
        paper = pd.read_csv(
            wd / "results" / "predictions" / "gbm" / "paper" / f"{cell}__{cell}.tsv", sep="\t"
        )
        assert (paper["fold"] == "all").all()
    metrics = pd.read_csv(wd / "results" / "metrics.tsv", sep="\t", dtype={"fold": str})
    sub = metrics[
        (metrics["model"] == "epi_cnn")
        & (metrics["protocol"] == "leakage_free")
        & (metrics["train_cell"] == "CellA")
        & (metrics["test_cell"] == "CellA")
    ].set_index("fold")
    assert sorted(sub.index) == ["1", "2", "3", "all"]
    assert sub.loc[["1", "2", "3"], "n"].sum() == sub.loc["all", "n"]
    # the planted signal is learnt in every fold
    assert (sub["aupr"] > 1.2 * sub["base_rate"]).all(), sub
    summary = (wd / "results" / "report" / "summary.md").read_text()
    assert "## Cross-validation folds" in summary
    assert "| epi_cnn | leakage_free | CellA | 3 |" in summary
    assert set(metrics["train_cell"]) | set(metrics["test_cell"]) == {"CellA"}
    assert not (wd / "results" / "CellB").exists() and not (wd / "results" / "CellC").exists()


def test_abc_reads_a_cell_lines_hic(tmp_path):
    """A balanced .cool given as ``cell_lines.CellA.hic`` reaches the abc model: the contact
    rows of CellA's TSSs are written beside its elements and the CRISPRi benchmark is scored
    with them (not with the power law the same tables give without Hi-C)."""
    cooler = pytest.importorskip("cooler")
    from epipair.model import abc

    from .conftest import ROOT

    shutil.copytree(ROOT / "config", tmp_path / "config")
    cfg = yaml.safe_load((tmp_path / "config" / "demo.yaml").read_text())
    cfg.update(models=["abc"], protocol=["leakage_free"], protocol_models={}, only="CellA")
    cfg.update(predict={}, candidates={}, interpret={}, train_groups={})
    cfg["benchmarks"] = {k: v for k, v in cfg["benchmarks"].items() if k == "demo_crispri"}
    config = tmp_path / "config" / "hic.yaml"
    config.write_text(yaml.safe_dump(cfg, sort_keys=False))
    sizes_file = "resources/demo/genome.chrom.sizes"
    run_snakemake(tmp_path, sizes_file, "--cores", "1", "--configfile", str(config))
    # contacts falling with distance; weights of one balancing step (1/sqrt(row sum)), one bin
    # without a weight as cooler's filters leave some
    res, rows = 5000, []
    for line in (tmp_path / sizes_file).read_text().splitlines():
        chrom, size = line.split("\t")[:2]
        rows += [(chrom, s, min(s + res, int(size))) for s in range(0, int(size), res)]
    bins = pd.DataFrame(rows, columns=["chrom", "start", "end"])
    rng = np.random.default_rng(3)
    i, j = np.triu_indices(len(bins))
    near = (bins["chrom"].to_numpy()[i] == bins["chrom"].to_numpy()[j]) & (j - i <= 200)
    i, j = i[near], j[near]
    count = np.round(500.0 / (1.0 + j - i) * rng.uniform(0.5, 1.5, i.size)) + 1
    sums = np.bincount(i, count, len(bins)) + np.bincount(j[i != j], count[i != j], len(bins))
    bins["weight"] = 1 / np.sqrt(sums)
    bins.loc[10, "weight"] = np.nan
    uri = str(tmp_path / "CellA.cool")
    cooler.create_cooler(uri, bins, pd.DataFrame({"bin1_id": i, "bin2_id": j, "count": count}))
    cfg["cell_lines"]["CellA"]["hic"] = {"url": uri}
    config.write_text(yaml.safe_dump(cfg, sort_keys=False))
    scores = tmp_path / "results" / "benchmarks" / "demo_crispri" / "abc__leakage_free.tsv"
    target = str(scores.relative_to(tmp_path))
    pair_features = "results/benchmark/demo_crispri/features/pair_features.tsv"
    run_snakemake(tmp_path, target, pair_features, "--cores", "2", "--configfile", str(config))
    features = tmp_path / "results" / "CellA" / "features"
    with np.load(features / "abc_contact.npz") as z:
        assert int(z["resolution"]) == res and int(z["band"]) == 1000
        tss = pd.read_csv(features / "abc_tss.tsv", sep="\t")
        assert sum(z[k].shape[0] for k in z.files if k.startswith("bins/")) == len(
            set(zip(tss["chrom"], tss["tss"] // res))
        )
    log = (tmp_path / "results" / "logs" / "abc_elements" / "CellA.log").read_text()
    assert "CellA.cool" in log and "mean cis row sum" in log
    got = pd.read_csv(scores, sep="\t")
    assert len(got) > 0 and got["score"].notna().all()
    bench = pd.read_csv(tmp_path / "results" / "benchmark" / "demo_crispri" / "pairs.tsv", sep="\t")
    bench = bench.set_index("pair_id").loc[got["pair_id"]].reset_index()
    hic = abc.AbcModel().load(*abc.element_files(features))
    plain = abc.AbcModel().load(*abc.element_files(features)[:2])
    np.testing.assert_allclose(
        got["score"], hic.score_pairs(bench), rtol=2e-5, atol=1e-9
    )  # 6 digits
    assert not np.allclose(got["score"], plain.score_pairs(bench))
    # e2g's pair features read the same Hi-C contact
    feats = pd.read_csv(tmp_path / pair_features, sep="\t").set_index("pair_id")
    feats = feats.loc[got["pair_id"]]
    np.testing.assert_allclose(feats["abc_score"], got["score"], rtol=2e-5, atol=1e-9)


def test_a_cell_line_with_natural_ratio_labels_trains_like_targetfinder(tmp_path):
    """A cell line whose pairs are BENGI-format labels at the natural ratio (the demo's gene
    truth) trains every configured model under leakage_free with its chromosome hold-out, like
    TargetFinder labels; there e2g ranks the held-out pairs above distance."""
    from .conftest import ROOT

    shutil.copytree(ROOT / "config", tmp_path / "config")
    cfg = yaml.safe_load((tmp_path / "config" / "demo.yaml").read_text())
    cfg["cell_lines"]["CellA"]["pairs"] = {
        "url": "resources/demo/genes_benchmark.bengi.tsv",
        "format": "bengi",
    }
    cfg.update(models=["distance", "e2g"], protocol=["leakage_free"], protocol_models={})
    cfg.update(only="CellA", predict={}, candidates={}, interpret={}, benchmarks={})
    cfg.update(train_groups={}, evaluation={"bootstrap": 50})
    config = tmp_path / "config" / "natural.yaml"
    config.write_text(yaml.safe_dump(cfg, sort_keys=False))
    run_snakemake(tmp_path, "results/metrics.tsv", "--cores", "2", "--configfile", str(config))
    metrics = pd.read_csv(tmp_path / "results" / "metrics.tsv", sep="\t").set_index("model")
    assert set(metrics.index) == {"distance", "e2g"} and metrics["n"].nunique() == 1
    assert metrics["base_rate"].iloc[0] < 0.1  # the natural ratio, not TargetFinder's 1:4
    assert metrics.loc["e2g", "aupr"] > metrics.loc["distance", "aupr"]
    pairs = pd.read_csv(tmp_path / "results" / "CellA" / "pairs.tsv", sep="\t")
    test = pairs[pairs["split"] == "test"]
    assert set(test["enhancer_chrom"]) == {"chr1"} and len(test) == metrics["n"].iloc[0]
