"""A SPEID trained long enough to learn the demo's motifs gives them back (a Snakemake run of
its own; a file apart so that pytest-xdist, ``--dist loadfile``, can run it beside the other
long runs)."""

import shutil

import numpy as np
import pytest
import yaml

from .conftest import run_snakemake

pytestmark = pytest.mark.slow


def test_a_speid_that_learnt_the_demo_grammar_gives_back_its_motifs(tmp_path):
    """SPEID trained leakage-free on CellA at the demo's windows until it has learnt the
    grammar (40 epochs at learning rate 0.003, no early stop: validation AUPR stays near 0.4
    for some epochs, then climbs to 1.0; when the climb starts varies with round-off; the
    demo's 5 epochs give back at most one planted motif), interpreted with the demo's settings
    (config/demo.yaml: a filter's sites at 0.8 of its largest peak): at least half of the
    motifs planted for CellA's families match the demo database at q < 0.05, and at planted
    motif positions that matter (|ISM| above a tenth of the pair's largest) gradient x input
    has the sign of mutagenesis.

    Measured on this machine (2026-12-06), planted motifs back at q < 0.05 for training seeds
    0, 1, 2 and seed 0 with oneDNN held to AVX2 (another CPU's kernels): 5, 6, 6, 6, each at
    q < 3e-4 (with sites at 0.5 of the peak, the default: 4, 4, 6, 6, two of seed 1's four
    at q 0.03-0.04). The bar, three, is well clear of both."""
    from epipair.io.tables import INTERPRET_MOTIFS
    from epipair.prep import demo

    from .conftest import ROOT

    shutil.copytree(ROOT / "config", tmp_path / "config")
    cfg = yaml.safe_load((tmp_path / "config" / "demo.yaml").read_text())
    cfg.update(models=["speid"], protocol=["leakage_free"], predict={}, candidates={})
    cfg.update(benchmarks={}, train_groups={}, only="CellA")
    # measured: 75-110 s of test (at learning rate 0.001 the climb came near epoch 28 and took
    # 40 epochs on 1,000-bp windows, 165 s); patience 40: the plateau before the climb is long
    cfg["train"].update(epochs=40, patience=40, learning_rate=0.003)
    cfg["interpret"].update(models=["speid"], top_pairs=2)
    assert cfg["interpret"]["threshold"] == 0.8  # the demo's, measured above
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
