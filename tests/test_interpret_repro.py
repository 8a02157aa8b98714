"""The interpret step is a function of its model and inputs: run twice, each time in a fresh
process and on other thread counts, it writes the same ``motifs.tsv`` byte for byte and the
same attributions (``epipair.interpret.attributions``'s docstring, Reproducibility). And
docs/interpretation.md's claims about the planted motifs' JASPAR matches."""

import json
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from .conftest import DEMO_AUGMENT, DEMO_MARKS, DEMO_WINDOWS  # noqa: E402

# the demo's interpret settings (config/demo.yaml), one pair's attributions
SETTINGS = {"top_pairs": 1, "threshold": 0.8, "modisco_window": 12, "modisco_leiden_runs": 10}

FRESH = """
import json, sys
from epipair.model import backend
backend.select(sys.argv[1])
backend.set_threads(1)
from epipair.interpret.attributions import interpret_model
kw = json.loads(sys.argv[2])
interpret_model(kw.pop("model_name"), kw.pop("protocol"), **kw)
"""


@pytest.mark.slow
def test_interpret_twice_gives_the_same_motifs_table(demo_features, tmp_path):
    """A demo-size SPEID, its kernels started from the planted motifs (SPEID's JASPAR start),
    interpreted over CellA's test positives: filter motifs, TF-MoDISco patterns (Leiden
    clusterings), Tomtom q-values. Each run in a new interpreter, numba and BLAS on two threads
    in the first, one in the second. (The backend is on one thread in both, as in the
    workflow: TensorFlow's gradients differ in the last bits between one and two threads.)"""
    from epipair.io import motifs as mt
    from epipair.io.tables import INTERPRET_MOTIFS
    from epipair.model.architectures import build_speid, init_with_motifs
    from epipair.model.registry import spec
    from epipair.prep import demo

    keras.utils.set_random_seed(0)
    model = build_speid(
        {"enhancer_seq": DEMO_WINDOWS["enhancer"], "promoter_seq": DEMO_WINDOWS["promoter"]},
        spec("speid").params({"preset": "demo"}),
    )
    init_with_motifs(model, demo.planted_motifs(), ("enhancer_conv", "promoter_conv"), seed=0)
    model.save(tmp_path / "model.keras")
    mt.write_meme(tmp_path / "demo.meme", demo.planted_motifs())

    def kwargs(run):
        (tmp_path / run).mkdir()
        return dict(
            model_name="speid",
            protocol="leakage_free",
            model_paths={"all": str(tmp_path / "model.keras")},
            sample_dir=str(demo_features),
            windows=DEMO_WINDOWS,
            augment=DEMO_AUGMENT,
            marks=DEMO_MARKS,
            settings=SETTINGS,
            databases={"demo": str(tmp_path / "demo.meme")},
            out_motifs=str(tmp_path / run / "motifs.tsv"),
            out_logos=str(tmp_path / run / "logos.png"),
            out_attributions=str(tmp_path / run / "attributions.npz"),
        )

    def fresh_run(run, threads):
        """In a new interpreter, as the workflow's script runs it: the backend on one thread;
        numba (TF-MoDISco, Tomtom) and BLAS on ``threads``."""
        n = str(threads)
        env = dict(os.environ, NUMBA_NUM_THREADS=n, OPENBLAS_NUM_THREADS=n, OMP_NUM_THREADS=n)
        proc = subprocess.run(
            [sys.executable, "-c", FRESH, keras.backend.backend(), json.dumps(kwargs(run))],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert proc.returncode == 0, proc.stderr[-4000:]

    fresh_run("first", 2)
    fresh_run("second", 1)
    a, b = (tmp_path / run / "motifs.tsv" for run in ("first", "second"))
    assert a.read_bytes() == b.read_bytes()
    table = INTERPRET_MOTIFS.read(a)
    # the run exercises what could vary: TF-MoDISco's clusterings and matches near the bar
    assert (table["source"] == "modisco").any() and (table["source"] == "filter").any()
    assert (table["q_value"] < 0.05).sum() >= 6
    with np.load(tmp_path / "first" / "attributions.npz") as x:
        with np.load(tmp_path / "second" / "attributions.npz") as y:
            assert x.files == y.files
            for key in x.files:
                np.testing.assert_array_equal(x[key], y[key], err_msg=key)


def test_the_documented_jaspar_matches_of_the_planted_motifs():
    """docs/interpretation.md, "What it finds on the demo": the planted motifs' best JASPAR
    2024 matches (fixed matrices, so the same on any machine): MAF/NFE2, MLXIP, C/EBP, ZFP42
    and ETS at q < 0.05; NF-Y and TBP first or second, at q 0.05-0.15."""
    from epipair.io import motifs as mt
    from epipair.prep import demo

    planted = demo.planted_motifs()
    jaspar = mt.jaspar("JASPAR2024")
    best = mt.match(planted, {"JASPAR2024": jaspar}).set_index("motif_id")
    for motif, name in [
        ("enhancer_0", "MAF"),
        ("enhancer_1", "MLXIP"),
        ("enhancer_3", "CEBP"),
        ("promoter_2", "ZFP42"),
        ("promoter_3", "ELK"),
    ]:
        assert name in best.loc[motif, "match_name"].upper(), best.loc[motif]
        assert best.loc[motif, "q_value"] < 0.05
    # NF-Y (CCAAT) and TBP (TATA): among the two best, not significant
    from memelite import tomtom

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p, *_ = tomtom([planted[4].pwm.T, planted[5].pwm.T], [t.pwm.T for t in jaspar], n_jobs=1)
    for row, name in ((0, "NFY"), (1, "TBP")):
        two = [jaspar[j].name.upper() for j in np.argsort(p[row], kind="stable")[:2]]
        assert any(n.startswith(name) for n in two), two
    for motif in ("promoter_0", "promoter_1"):
        assert 0.05 <= best.loc[motif, "q_value"] < 0.15
