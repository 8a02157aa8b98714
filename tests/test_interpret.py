"""Motif files, Tomtom matching, filter motifs, attributions and SPEID's JASPAR start."""

import numpy as np
import pytest

from epipair.errors import EpipairError
from epipair.io import motifs as mt
from epipair.prep import demo

keras = pytest.importorskip("keras")
from keras import layers, ops  # noqa: E402

from epipair.interpret import attributions as interpret  # noqa: E402

BASES = "ACGT"


def onehot(seq: str) -> np.ndarray:
    out = np.zeros((len(seq), 4), dtype=np.float32)
    for i, b in enumerate(seq):
        out[i, BASES.index(b)] = 1
    return out


def random_seq(rng, n):
    return "".join(rng.choice(list(BASES), size=n))


def test_meme_round_trip_and_planted_probabilities(tmp_path):
    motifs = demo.planted_motifs()
    assert [m.id for m in motifs][:2] == ["enhancer_0", "enhancer_1"] and len(motifs) == 8
    first = motifs[0]
    assert mt.consensus(first.pwm) == demo.ENHANCER_MOTIFS[0]
    # a copy is redrawn with probability 0.2, at one of 12 positions, to one of 4 bases
    assert first.pwm[0, BASES.index("T")] == pytest.approx(1 - 3 * 0.2 / 12 / 4)
    path = tmp_path / "m.meme"
    mt.write_meme(path, motifs)
    back = mt.read_meme(path)
    assert [m.id for m in back] == [m.id for m in motifs]
    assert back[0].name == demo.ENHANCER_MOTIFS[0]
    np.testing.assert_allclose(back[3].pwm, motifs[3].pwm, atol=1e-6)


def test_a_bad_motif_row_is_named_by_file_and_line(tmp_path):
    path = tmp_path / "bad.meme"
    path.write_text(
        "MEME version 4\n\nMOTIF m1\nletter-probability matrix: alength= 4 w= 2\n"
        "0.25 0.25 0.25 0.25\n0.5 0.5 x 0\n"
    )
    with pytest.raises(EpipairError, match=r"bad\.meme:6: motif m1: not a number"):
        mt.read_meme(path)
    path.write_text("MOTIF m1\nletter-probability matrix: alength= 4 w= 3\n0.25 0.25 0.25 0.25\n")
    with pytest.raises(EpipairError, match=r"bad\.meme:1: motif m1: 1 of 3 rows"):
        mt.read_meme(path)


def test_benjamini_hochberg():
    # sorted 0.01, 0.03, 0.04, 0.5 -> p * 4 / rank 0.04, 0.06, 0.0533, 0.5 -> running minimum
    q = mt.benjamini_hochberg([[0.01, 0.04], [0.03, 0.5]])  # over the whole block, its shape
    np.testing.assert_allclose(q, [[0.04, 0.16 / 3], [0.16 / 3, 0.5]])


@pytest.mark.slow
def test_sampled_sites_of_a_planted_motif_match_it_and_nothing_else_significantly():
    """Tomtom finds a motif counted from 40 drawn sites in the demo database at q < 0.05, its
    reverse complement too; a random matrix matches nothing there."""
    rng = np.random.default_rng(0)
    target = demo.planted_motifs()[5]  # promoter_1, TATAAAAGGCTC
    draws = np.array(
        [[rng.choice(4, p=row) for row in target.pwm] for _ in range(40)], dtype=np.int64
    )
    counts = np.stack([(draws == b).sum(axis=0) for b in range(4)], axis=1)
    query = mt.Motif("q", mt.normalise(counts, 0.5), n_sites=40)
    rc = mt.Motif("rc", query.pwm[::-1, ::-1])
    noise = mt.Motif("noise", mt.normalise(rng.random((10, 4))))
    dbs = {"demo": demo.planted_motifs(), "JASPAR2024": mt.jaspar("JASPAR2024")}
    assert len(dbs["JASPAR2024"]) == 879  # CORE vertebrates, non-redundant
    res = mt.match([query, rc, noise], dbs).set_index(["motif_id", "database"])
    for q in ("q", "rc"):
        assert res.loc[(q, "demo"), "match_id"] == "promoter_1"
        assert res.loc[(q, "demo"), "q_value"] < 0.05
    assert res.loc[("noise", "demo"), "q_value"] > 0.05


def test_near_uniform_motifs_are_left_out_before_matching():
    """A long near-uniform matrix gets a tiny Tomtom p-value against JASPAR's long CTCF
    profiles; such motifs are not matched."""
    rng = np.random.default_rng(5)
    flat = mt.Motif("flat", mt.normalise(1 + 0.1 * rng.random((30, 4))))
    planted = demo.planted_motifs()[0]
    assert mt.information(flat.pwm).mean() < 0.05
    assert interpret.informative([flat, planted], 0.5) == {planted.id}


def motif_model(motif: str, length: int = 60):
    """A fixed model: one filter equal to ``motif`` (minus 0.25), ReLU, global max, logistic
    on the enhancer input; the promoter input is read but ignored."""
    enh = keras.Input((length, 4), name="enhancer_seq")
    pro = keras.Input((length, 4), name="promoter_seq")
    conv = layers.Conv1D(1, len(motif), activation="relu", name="enhancer_conv")
    x = layers.GlobalMaxPooling1D()(conv(enh))
    x = layers.Dense(1, activation="sigmoid", name="score")(x)
    y = layers.Lambda(lambda t: t[0] + 0.0 * ops.sum(t[1], axis=(1, 2))[:, None])([x, pro])
    model = keras.Model([enh, pro], y)
    conv.set_weights([(onehot(motif) - 0.25)[:, :, None], np.array([-len(motif) * 0.5])])
    model.get_layer("score").set_weights([np.array([[1.0]]), np.array([-2.0])])
    return model


def test_filter_motif_recovers_the_planted_site():
    motif = demo.ENHANCER_MOTIFS[0]
    model = motif_model(motif)
    assert list(interpret.first_convolutions(model)) == ["enhancer_seq"]
    rng = np.random.default_rng(1)
    seqs = []
    for _ in range(30):
        s = random_seq(rng, 60)
        at = int(rng.integers(0, 48))
        seqs.append(s[:at] + motif + s[at + 12 :])
    batch = {"enhancer_seq": np.stack([onehot(s) for s in seqs])}
    batch["promoter_seq"] = batch["enhancer_seq"]
    found = interpret.filter_motifs(model, lambda: [batch], threshold=0.9, min_sites=5)
    assert len(found) == 1 and found[0].id == "enhancer_seq_f0"
    assert found[0].n_sites >= 30
    assert mt.consensus(found[0].pwm) == motif


def test_gradient_x_input_and_mutagenesis_agree_in_sign_at_the_planted_motif():
    motif = demo.PROMOTER_MOTIFS[1]
    model = motif_model(motif)
    rng = np.random.default_rng(2)
    s = random_seq(rng, 60)
    s = s[:20] + motif + s[32:]
    x = {"enhancer_seq": onehot(s)[None], "promoter_seq": onehot(random_seq(rng, 60))[None]}
    gxi = interpret.gradient_x_input(model, x)
    ism = interpret.in_silico_mutagenesis(model, x)
    ref = interpret.reference_effect(ism["enhancer_seq"], x["enhancer_seq"])[0]
    g = gxi["enhancer_seq"][0].sum(axis=-1)
    site = slice(20, 32)
    assert (ref[site] > 0).all()
    assert (np.sign(g[site]) == np.sign(ref[site])).all()
    # every base in the site matters; the ignored promoter input has no attribution at all
    assert np.abs(g[site]).min() > 0
    # (mutagenesis up to float32 rounding: the backend's kernels differ row to row)
    assert not gxi["promoter_seq"].any() and np.abs(ism["promoter_seq"]).max() < 1e-5
    # a substitution at the reference base changes nothing
    assert (ism["enhancer_seq"][0][x["enhancer_seq"][0] == 1] == 0).all()


def test_a_model_that_ignores_its_input_has_zero_attribution():
    inp = keras.Input((40, 4), name="enhancer_seq")
    out = layers.Lambda(lambda t: 0.0 * ops.sum(t, axis=(1, 2))[:, None] + 0.7)(inp)
    model = keras.Model(inp, out)
    x = {"enhancer_seq": onehot(random_seq(np.random.default_rng(3), 40))[None]}
    assert not interpret.gradient_x_input(model, x)["enhancer_seq"].any()
    assert not interpret.in_silico_mutagenesis(model, x)["enhancer_seq"].any()


def test_speid_jaspar_start_writes_each_motif_into_both_branches():
    from epipair.model.architectures import build_speid, init_with_motifs
    from epipair.model.registry import spec

    p = spec("speid").params({"filters": 8, "kernel": 30, "lstm_units": 4, "dense_units": 8})
    assert p["init_motifs"] == "none"
    model = build_speid({"enhancer_seq": 300, "promoter_seq": 200}, p)
    motifs = demo.planted_motifs()
    assert init_with_motifs(model, motifs, ("enhancer_conv", "promoter_conv"), seed=0) == 8
    ek, eb = model.get_layer("enhancer_conv").get_weights()
    pk, _ = model.get_layer("promoter_conv").get_weights()
    for i, m in enumerate(motifs):
        hits = [s for s in range(30 - 12 + 1) if np.allclose(ek[s : s + 12, :, i], m.pwm - 0.25)]
        assert hits and 3 <= hits[0] < 30 - 12 - 12  # randint(3, k - 12 - w), util.py L17
        # one offset for both branches, as util.py L17-20
        np.testing.assert_allclose(pk[hits[0] : hits[0] + 12, :, i], m.pwm - 0.25)
        assert -1 <= eb[i] <= 0
    # through the config: JASPAR CORE 2016 vertebrates, first profile by matrix id
    p = {**p, "init_motifs": "jaspar"}
    kernel = (
        build_speid({"enhancer_seq": 300, "promoter_seq": 200}, p)
        .get_layer("enhancer_conv")
        .get_weights()[0]
    )
    first = mt.jaspar("JASPAR2016")[0]
    assert first.id == "MA0002.2"  # RUNX1, 11 bp
    assert any(np.allclose(kernel[s : s + first.width, :, 0], first.pwm - 0.25) for s in range(25))


def test_signal_attribution_figure_and_summary_section(tmp_path):
    import pandas as pd

    from epipair.evaluate.report import interpret_markdown

    npz = tmp_path / "a.npz"
    rng = np.random.default_rng(4)
    np.savez(
        npz,
        pair_id=np.array(["p1", "p2"]),
        enhancer_sigwin_grad_x_input=rng.normal(size=(2, 30, 5)).astype(np.float32),
        promoter_sigwin_grad_x_input=rng.normal(size=(2, 20, 5)).astype(np.float32),
    )
    interpret.attribution_profiles(npz, tmp_path / "logos.png")
    assert (tmp_path / "logos.png").stat().st_size > 0
    tab = pd.DataFrame(
        {
            "motif_id": ["a", "a", "b", "b"],
            "source": ["filter"] * 2 + ["modisco"] * 2,
            "n_sites": [70, 70, 20, 20],
            "consensus": ["CACGTG"] * 2 + ["TATAAA"] * 2,
            "database": ["JASPAR2024", "demo"] * 2,
            "match_id": ["MA0058.4", "enhancer_1", "MA0108.3", "promoter_1"],
            "match_name": ["MAX", "CACGTGACGGTA", "TBP", "TATAAAAGGCTC"],
            "q_value": [0.01, 0.2, 0.5, 0.9],
        }
    )
    text = interpret_markdown({("speid", "leakage_free", "CellA"): tab})
    assert "### speid, leakage_free, CellA" in text and "| a | filter | 70 |" in text
    assert "1 of 2 motifs matched." in text and "enhancer_1" not in text
