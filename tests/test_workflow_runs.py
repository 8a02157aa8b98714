"""End-to-end Snakemake runs of their own (not the shared demo run): chromosome
cross-validation, and a SPEID trained long enough to learn the demo's motifs. A file apart
from test_workflow.py so that pytest-xdist (``make test``: ``--dist loadfile``) runs them
beside the shared demo run."""

import shutil

import numpy as np
import pandas as pd
import pytest
import yaml

from .conftest import run_snakemake

pytestmark = pytest.mark.slow


def test_a_speid_that_learnt_the_demo_grammar_gives_back_its_motifs(tmp_path):
    """SPEID trained leakage-free on CellA at the demo's windows until it has learnt the
    grammar (40 epochs at learning rate 0.003, no early stop: validation AUPR stays near 0.4
    for about 20 epochs, then climbs to 1.0 by epoch 36; when the climb starts varies with
    round-off, it came near epoch 17 in another run; the demo's 5 epochs give back at most one
    planted motif): at least half of the motifs planted for CellA's families match the demo
    database at q < 0.05, and at planted motif positions that matter (|ISM| above a tenth of
    the pair's largest) gradient x input has the sign of mutagenesis."""
    from epipair import demo
    from epipair.tables import INTERPRET_MOTIFS

    from .conftest import ROOT

    shutil.copytree(ROOT / "config", tmp_path / "config")
    cfg = yaml.safe_load((tmp_path / "config" / "demo.yaml").read_text())
    cfg.update(models=["speid"], protocol=["leakage_free"], predict={}, candidates={})
    cfg.update(benchmarks={}, only="CellA")
    # measured: 61 s of test (at learning rate 0.001 the climb came near epoch 28 and took 40
    # epochs on 1,000-bp windows, 165 s); patience 40: the plateau before the climb is long
    cfg["train"].update(epochs=40, patience=40, learning_rate=0.003)
    cfg["interpret"].update(models=["speid"], top_pairs=2)
    (tmp_path / "config" / "speid_long.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    d = tmp_path / "results" / "interpret" / "speid" / "leakage_free" / "CellA"
    target = str(d.relative_to(tmp_path) / "motifs.tsv")
    run_snakemake(tmp_path, target, "--cores", "2", "--configfile", "config/speid_long.yaml")
    motifs = INTERPRET_MOTIFS.read(d / "motifs.tsv")
    hits = motifs[(motifs["database"] == "demo") & (motifs["q_value"] < 0.05)]
    planted = {f"{kind}_{f}" for kind in ("enhancer", "promoter") for f in demo.DEMO_CELLS["CellA"]}
    assert len(set(hits["match_id"]) & planted) >= len(planted) / 2, hits
    log = tmp_path / "results" / "logs" / "interpret" / "speid" / "leakage_free" / "CellA.log"
    assert "promoter_seq: " in log.read_text() and "TF-MoDISco patterns" in log.read_text()
    agree = []
    with np.load(d / "attributions.npz") as z:
        for inp, seqs in (
            ("enhancer_seq", demo.ENHANCER_MOTIFS),
            ("promoter_seq", demo.PROMOTER_MOTIFS),
        ):
            x, ref = z[inp], z[f"{inp}_ism_reference"]
            gxi = z[f"{inp}_grad_x_input"].sum(axis=-1)
            for i in range(len(x)):
                text = "".join("ACGT"[j] for j in x[i].argmax(axis=1))
                site = np.zeros(len(text), dtype=bool)
                for m in seqs:
                    at = text.find(m)
                    while at >= 0:
                        site[at : at + len(m)] = True
                        at = text.find(m, at + 1)
                big = site & (np.abs(ref[i]) > 0.1 * np.abs(ref[i]).max())
                agree += list(np.sign(gxi[i][big]) == np.sign(ref[i][big]))
    assert len(agree) > 50 and np.mean(agree) >= 0.75


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
    cfg.update(benchmarks={}, candidates={}, interpret={})
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
    from epipair import abc

    from .conftest import ROOT

    shutil.copytree(ROOT / "config", tmp_path / "config")
    cfg = yaml.safe_load((tmp_path / "config" / "demo.yaml").read_text())
    cfg.update(models=["abc"], protocol=["leakage_free"], protocol_models={}, only="CellA")
    cfg.update(predict={}, candidates={}, interpret={})
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
    run_snakemake(tmp_path, str(scores.relative_to(tmp_path)), "--cores", "2",
                  "--configfile", str(config))  # fmt: skip
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
