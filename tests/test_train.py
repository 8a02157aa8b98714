"""Data pipeline, short training runs of every model, resume after SIGKILL, reload."""

import json
import os
import signal
import subprocess
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import pandas as pd
import pytest

from epipair.errors import EpipairError
from epipair.io.sequence import ONE_HOT
from epipair.io.tables import read_pairs_table
from epipair.model import registry
from epipair.model.batches import PairBatches
from epipair.model.data import AugmentedInstances, Features
from epipair.prep.splits import split_instances

from .conftest import DEMO_AUGMENT, DEMO_MARKS, DEMO_WINDOWS, ROOT

TRAIN = {"epochs": 2, "batch_size": 64, "learning_rate": 0.002, "patience": 5, "seed": 0}
# paper: the quick config schedule (the released ones are tested in tests/test_schedules.py)
TRAIN["paper_schedule"] = "config"
# each neural model at its registry demo size (epipair.model.registry), as config/demo.yaml
# and benchmarks/bench_train.py run it; the baselines with few trees
DEMO = {"preset": "demo"}
SMALL = {
    **dict.fromkeys(
        ("speid", "simple_cnn", "epi_cnn", "epi_resnet", "cnn_gru")
        + ("xiao_seq_cnn", "xiao_seq_attention", "xiao_seq_resnet"),
        DEMO,
    ),
    "distance": {},
    "gbm": {"max_iter": 50},
}


def loaders(folder, protocol="leakage_free", seed=0):
    pairs = read_pairs_table(folder / "pairs.tsv")
    labels = pairs["label"].to_numpy()
    feats = Features(folder / "features", DEMO_AUGMENT["max_shift"], DEMO_WINDOWS, DEMO_MARKS)
    rows, _ = split_instances(pairs, None, protocol, "train")
    inst = AugmentedInstances(
        rows, labels, DEMO_AUGMENT["positives"], DEMO_AUGMENT["max_shift"], seed
    )
    return pairs, labels, feats, inst


def test_batches_repeatable_balanced_and_shifts_inside_flanks(demo_features):
    pairs, labels, feats, inst = loaders(demo_features)
    names = ("enhancer_seq", "promoter_seq", "enhancer_sig", "promoter_sig")
    a = PairBatches(feats, labels, inst, names, 64, shuffle=True, seed=3)
    b = PairBatches(feats, labels, inst, names, 64, shuffle=True, seed=3)
    for i in (0, 5, len(a) - 1):
        xa, ya = a[i]
        xb, yb = b[i]
        np.testing.assert_array_equal(ya, yb)
        for k in names:
            np.testing.assert_array_equal(xa[k], xb[k])
    assert xa["enhancer_seq"].shape[1:] == (500, 4) and xa["enhancer_sig"].shape[1:] == (10, 5)
    # another epoch draws other shifts; the same epoch again draws the same
    rows0, shifts0 = inst.draw(0)
    rows1, shifts1 = inst.draw(1)
    np.testing.assert_array_equal(rows0, rows1)
    assert (shifts0 != shifts1).any()
    np.testing.assert_array_equal(inst.draw(0)[1], shifts0)
    # positives get n_aug instances; shifts stay within the stored flanks
    n_pos = int(labels[inst.rows].sum())
    assert rows0.size == inst.rows.size + (DEMO_AUGMENT["positives"] - 1) * n_pos
    assert np.abs(shifts0).max() <= DEMO_AUGMENT["max_shift"] and np.abs(shifts0).max() > 0
    # every shifted window is the stored tokens at flank + shift
    tok = np.load(demo_features / "features" / "enhancer_sequence.npy")
    a.set_epoch(0)
    x, y = a[2]
    rows, shifts = a.rows[128:192], a.shifts[128:192]
    for r, s, onehot in zip(rows, shifts, x["enhancer_seq"]):
        np.testing.assert_array_equal(onehot, ONE_HOT[tok[r, 100 + s : 100 + s + 500]])
    # balanced: each full batch is within a few samples of the epoch's positive share
    share = labels[a.rows].mean()
    for i in range(len(a) - 1):
        assert abs(a[i][1].mean() - share) <= 3 / 64


def run_train(name, folder, out, protocol="leakage_free", train=TRAIN, params=None, **extra):
    """Train ``name`` on the demo features in ``folder`` (``params``: SMALL's by default;
    ``extra``: more keyword arguments of ``train_neural``)."""
    from epipair.model.baselines import train_baseline
    from epipair.model.train import FeatureSettings, Resources, TrainInputs, train_neural

    spec = registry.spec(name)
    tables = dict(pairs_path=folder / "pairs.tsv", paper_path=folder / "splits_paper.tsv")
    outs = dict(out_model=out / spec.file_name, out_history=out / "history.tsv")
    params = SMALL.get(name) if params is None else params
    if spec.neural:
        inputs = TrainInputs(
            features_dir=folder / "features",
            pretrain=extra.pop("pretrain", {}),
            parts=extra.pop("parts", {}),
            **tables,
        )
        features = FeatureSettings(DEMO_WINDOWS, DEMO_AUGMENT, DEMO_MARKS)
        resources = Resources(**extra)
        return train_neural(
            name, protocol, inputs, features, train, params, **outs, resources=resources
        )
    common = dict(windows=DEMO_WINDOWS, augment=DEMO_AUGMENT, marks=DEMO_MARKS, **tables, **outs)
    return train_baseline(
        name,
        protocol,
        seed=train["seed"],
        params=params,
        features_dir=folder / "features",
        **common,
    )


def test_balanced_epochs_of_a_set_number_of_samples():
    """ResNetCNN_EPI.py: BalancedSequence (L110-147) cycled for 200 steps an epoch (L150-153):
    one balanced pass by default; with ``per_epoch``, passes drawn afresh until it is filled."""
    from epipair.model.data import UndersampledInstances

    labels = np.array([1] * 5 + [0] * 45)
    rows = np.arange(50)
    one, _ = UndersampledInstances(rows, labels, seed=0).draw(0)
    assert one.size == 10 and labels[one].sum() == 5 and np.unique(one).size == 10
    many, shifts = UndersampledInstances(rows, labels, seed=0, per_epoch=64).draw(0)
    assert many.size == 64 and (shifts == 0).all()
    for start in range(0, 60, 10):  # each full pass: every positive once, as many negatives
        part = many[start : start + 10]
        assert labels[part].sum() == 5 and np.unique(part).size == 10
    again, _ = UndersampledInstances(rows, labels, seed=0, per_epoch=64).draw(0)
    np.testing.assert_array_equal(many, again)


def test_l2_norms_over_pairs(demo_features):
    """Features.l2_over_pairs is Keras 2's np_utils.normalize(x, axis=0) norm, in chunks."""
    feats = Features(demo_features / "features", DEMO_AUGMENT["max_shift"], DEMO_WINDOWS)
    rows = np.arange(0, 40, 3)
    x = feats.batch(["enhancer_sigwin"], rows, np.zeros_like(rows))["enhancer_sigwin"]
    want = np.sqrt(np.square(x.astype(np.float64)).sum(axis=0))
    got = feats.l2_over_pairs("enhancer_sigwin", rows, chunk=4)
    np.testing.assert_allclose(got, np.where(want > 0, want, 1.0))
    assert got.shape == x.shape[1:]


@pytest.mark.parametrize("name", list(SMALL))
def test_short_training_run_per_model(name, demo_features, tmp_path):
    history = run_train(name, demo_features, tmp_path)
    assert (tmp_path / registry.spec(name).file_name).exists()
    saved = pd.read_csv(tmp_path / "history.tsv", sep="\t")
    assert len(saved) == len(history) >= 1
    assert saved["val_aupr"].between(0, 1).all()
    assert not (tmp_path / "checkpoint").exists()


@pytest.mark.parametrize("protocol", ["paper", "random_holdout"])
def test_paper_and_random_holdout_protocols_train(protocol, demo_features, tmp_path):
    history = run_train("epi_cnn", demo_features, tmp_path, protocol=protocol)
    assert len(history) == 2


def test_saved_model_reloads_and_predicts_the_same(demo_features, tmp_path):
    import keras

    from epipair.model.predict import predict_scores as predict

    run_train("simple_cnn", demo_features, tmp_path)
    pairs, labels, feats, _ = loaders(demo_features)
    rows = np.arange(100)
    model = keras.models.load_model(tmp_path / "model.keras")
    names = ("enhancer_seq", "promoter_seq")
    a = predict(model, feats, names, rows, np.zeros(100, int), 32)
    again = keras.models.load_model(tmp_path / "model.keras")
    b = predict(again, feats, names, rows, np.zeros(100, int), 64)
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert a.shape == (100,) and ((a >= 0) & (a <= 1)).all()


KILL_SCRIPT = """
import sys, pathlib
sys.path.insert(0, {root!r})
from tests.test_train import run_train
run_train("epi_cnn", pathlib.Path({folder!r}), pathlib.Path({out!r}), train={train!r})
"""


def test_resume_after_sigkill(demo_features, tmp_path):
    train = dict(TRAIN, epochs=4, patience=10)
    code = KILL_SCRIPT.format(
        root=str(ROOT), folder=str(demo_features), out=str(tmp_path), train=train
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    )
    state = tmp_path / "checkpoint" / "state.json"
    deadline = time.time() + 300
    try:
        while time.time() < deadline and proc.poll() is None:
            if state.exists() and json.loads(state.read_text())["epoch"] >= 1:
                break
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    killed_at = json.loads(state.read_text())["epoch"]
    assert 1 <= killed_at < 4, "the run must be killed part-way"
    assert not (tmp_path / "model.keras").exists()
    history = run_train("epi_cnn", demo_features, tmp_path, train=train)
    assert history["epoch"].tolist() == [1, 2, 3, 4]
    assert (tmp_path / "model.keras").exists() and not (tmp_path / "checkpoint").exists()


def test_checkpoint_of_another_configuration_is_not_resumed(
    demo_features, tmp_path, monkeypatch, caplog
):
    """A checkpoint left by a killed run resumes only under the same settings and inputs."""
    from epipair.model import train as train_mod

    monkeypatch.setattr(train_mod.Checkpoint, "remove", lambda self: None)  # as if killed
    train = dict(TRAIN, epochs=1)
    run_train("epi_cnn", demo_features, tmp_path, train=train)
    state = json.loads((tmp_path / "checkpoint" / "state.json").read_text())
    assert state["epoch"] == 1 and state["run"]["settings"]["train"]["learning_rate"] == 0.002
    assert set(state["run"]["inputs"]) >= {
        "pairs",
        "paper",
        "enhancer_signal_windows",
        "signal_windows_marks",
    }
    monkeypatch.undo()
    # same settings: resumed (nothing left to train, the epoch-1 history is kept)
    caplog.set_level("INFO", logger="epipair.model.train")
    history = run_train("epi_cnn", demo_features, tmp_path, train=dict(train, epochs=1))
    assert "resuming from" in caplog.text and history["epoch"].tolist() == [1]
    # a killed run again, then another learning rate: never resumed, the log says why
    monkeypatch.setattr(train_mod.Checkpoint, "remove", lambda self: None)
    run_train("epi_cnn", demo_features, tmp_path, train=train)
    monkeypatch.undo()
    caplog.clear()
    history = run_train("epi_cnn", demo_features, tmp_path, train=dict(train, learning_rate=0.01))
    assert "another configuration (differs in settings.train.learning_rate)" in caplog.text
    assert "resuming from" not in caplog.text and history["epoch"].tolist() == [1]


def test_checkpoint_keyed_by_input_checksums(demo_features, tmp_path):
    """Another split (another pairs.tsv) changes the key, so its checkpoint is not resumed."""
    from epipair.model.train import Checkpoint, input_files, run_key

    files = input_files(
        demo_features / "pairs.tsv",
        demo_features / "splits_paper.tsv",
        None,
        demo_features / "features",
        registry.spec("simple_cnn").inputs,
    )
    assert set(files) == {"pairs", "paper", "enhancer_sequence", "promoter_sequence"}
    key = run_key({"model": "simple_cnn"}, files)
    copy = tmp_path / "pairs.tsv"
    text = (demo_features / "pairs.tsv").read_text()
    copy.write_text(text.replace("\ttest", "\ttrain", 1))  # one test pair moved to train
    other = run_key({"model": "simple_cnn"}, dict(files, pairs=copy))
    assert other["settings"] == key["settings"]
    assert other["inputs"]["pairs"] != key["inputs"]["pairs"]
    folder = tmp_path / "checkpoint"
    folder.mkdir()
    (folder / "last.keras").write_bytes(b"")
    (folder / "state.json").write_text(json.dumps({"epoch": 3, "run": key}))
    assert Checkpoint(folder, key).load()["epoch"] == 3
    assert Checkpoint(folder, other).load() is None and not folder.exists()


def test_speid_second_stage_trains_only_what_it_does_not_freeze(demo_features):
    """retraining_model3.py's second stage: convolutions and LSTM unchanged, batch
    normalisation reset, the dense layers trained on the unaugmented pairs."""
    from epipair.model import architectures as models
    from epipair.model.train import ValidationSet, second_stage

    pairs, labels, feats, inst = loaders(demo_features)
    params = registry.spec("speid").params(dict(SMALL["speid"], second_stage=True))
    model = models.build("speid", feats.shapes(), params)
    mean = model.get_layer("merge_bn").moving_mean
    mean.assign(np.full(mean.shape, 3.0, dtype="float32"))
    before = {layer.name: [w.copy() for w in layer.get_weights()] for layer in model.layers}
    rows = np.unique(inst.rows)[:256]
    history = []
    valid = ValidationSet(
        feats, registry.spec("speid").inputs, labels, rows[:64], np.zeros(64, int), 64
    )
    frozen = second_stage(
        model,
        valid,
        rows,
        params=dict(params, second_stage_epochs=1),
        learning_rate=0.01,
        seed=0,
        history=history,
    )
    assert frozen == ["enhancer_conv", "promoter_conv", "bilstm"]
    for name in frozen:
        for a, b in zip(before[name], model.get_layer(name).get_weights()):
            np.testing.assert_array_equal(a, b)
    for name in ("dense", "logit"):
        assert not np.array_equal(before[name][0], model.get_layer(name).get_weights()[0])
    # fresh batch normalisation: the planted moving mean of 3 is gone
    assert np.abs(model.get_layer("merge_bn").moving_mean.numpy()).max() < 1
    assert [h["stage"] for h in history] == ["second_stage"]


def test_speid_second_stage_runs_after_training(demo_features, tmp_path):
    params = dict(SMALL["speid"], second_stage=True, second_stage_epochs=2)
    train = dict(TRAIN, epochs=1)
    history = run_train("speid", demo_features, tmp_path, train=train, params=params)
    assert history["stage"].tolist() == ["train", "second_stage", "second_stage"]
    import keras

    model = keras.models.load_model(tmp_path / "model.keras")
    assert model.get_layer("bilstm").trainable is False
    assert model.get_layer("enhancer_conv").trainable is False
    assert model.get_layer("dense").trainable is True


def test_transfer_model_pre_trains_on_the_other_cell_lines(
    demo_features, demo_features_b, tmp_path, caplog
):
    """simple_cnn_transfer: pre-trained on CellB (every pair off CellA's held-out
    chromosomes), then trained on CellA."""
    caplog.set_level("INFO", logger="epipair.model.train")
    params = dict(SMALL["simple_cnn"], pretrain_epochs=2)
    other = {
        "pairs": demo_features_b / "pairs.tsv",
        "paper": demo_features_b / "splits_paper.tsv",
        "features_dir": demo_features_b / "features",
    }
    history = run_train(
        "simple_cnn_transfer", demo_features, tmp_path, params=params, pretrain={"CellB": other}
    )
    assert history["stage"].tolist() == ["pretrain:CellB"] * 2 + ["train"] * 2
    # what pre-training saw: CellB's pairs off chr1 (test) and chr2 (validation), augmented
    other = read_pairs_table(demo_features_b / "pairs.tsv")
    kept = other[~other["enhancer_chrom"].isin(["chr1", "chr2"])]
    kept = kept[~kept["promoter_chrom"].isin(["chr1", "chr2"])]
    n = len(kept) + (DEMO_AUGMENT["positives"] - 1) * int(kept["label"].sum())
    assert f"pre-training on CellB: {n} instances per epoch" in caplog.text
    assert "held-out chromosomes chr1,chr2" in caplog.text
    with pytest.raises(EpipairError, match="pre-trains on the other cell lines, but none"):
        run_train("simple_cnn_transfer", demo_features, tmp_path / "y", params=params)


def test_training_is_deterministic_on_the_cpu(demo_features, tmp_path):
    a = run_train("epi_cnn", demo_features, tmp_path / "a")
    b = run_train("epi_cnn", demo_features, tmp_path / "b")
    pd.testing.assert_frame_equal(
        a.drop(columns=["seconds", "samples_per_s"]), b.drop(columns=["seconds", "samples_per_s"])
    )


@pytest.mark.parametrize("name", ["epi_cnn", "speid"])
def test_a_kept_model_trains_as_a_fresh_one(name, demo_features, demo_features_b, tmp_path):
    """train.jobs: per_model keeps one compiled model per job (ModelCache): the second cell
    line's run starts from the first's model reset to its initial state (weights, dropout
    seeds, Adam's moments) and must learn exactly what a freshly built model learns."""
    from epipair.model.train import ModelCache

    def drop(h):
        return h.drop(columns=["seconds", "samples_per_s"])

    one = {**TRAIN, "epochs": 1}
    cache = ModelCache()
    run_train(name, demo_features, tmp_path / "a", train=one, cache=cache)
    assert len(cache._kept) == 1
    kept = run_train(name, demo_features_b, tmp_path / "b", train=one, cache=cache)
    fresh = run_train(name, demo_features_b, tmp_path / "c", train=one)
    pd.testing.assert_frame_equal(drop(kept), drop(fresh))
    assert len(cache._kept) == 1  # the same model, not a second one


def test_epi_cnn_trains_under_its_released_protocol(demo_features, tmp_path, caplog):
    """protocol paper for epi_cnn (BasicCNN_EPI.py): no augmentation, every training pair once,
    balanced class weights, early stopping on validation F1 (epi_resnet's: the test below)."""
    caplog.set_level("INFO", logger="epipair.model.train")
    pairs = read_pairs_table(demo_features / "pairs.tsv")
    paper = pd.read_csv(demo_features / "splits_paper.tsv", sep="\t")
    xiao = paper[paper["scheme"] == "xiao_chromosome_split"]
    train_ids = set(xiao.loc[xiao["split"] == "train", "pair_id"])
    assert (xiao["shift"] == 0).all() and len(xiao) == len(pairs)
    y = pairs.loc[pairs["pair_id"].isin(train_ids), "label"].to_numpy()
    n, n_pos = y.size, int(y.sum())
    history = run_train("epi_cnn", demo_features, tmp_path / "cnn", protocol="paper")
    weights = {0: n / (2 * (n - n_pos)), 1: n / (2 * n_pos)}
    assert f"class weights {weights}" in caplog.text
    assert "early stopping on val_f1 (patience 10)" in caplog.text
    assert f"{n} training instances per epoch ({n} pairs)" in caplog.text
    assert history["val_f1"].between(0, 1).all()


def test_class_weights_as_released():
    from epipair.model.train import class_weights

    y = np.array([0] * 95 + [1] * 5)
    assert class_weights("balanced", y) == {0: 100 / 190, 1: 10.0}
    assert class_weights({0: 1, 1: 800}, y) == {0: 1.0, 1: 800.0}
    assert class_weights(None, y) is None


def test_seq_epi_trains_a_head_on_its_frozen_trained_parts(demo_features, tmp_path, caplog):
    """Combine_seq_epigenomics.py: the trained epi_cnn and xiao_seq_attention give features,
    standardised on the training pairs; only the new head trains."""
    import keras

    train = dict(TRAIN, epochs=1)
    parts = {}
    for name in ("epi_cnn", "xiao_seq_attention"):
        run_train(name, demo_features, tmp_path / name, train=train)
        parts[name] = tmp_path / name / "model.keras"
    with pytest.raises(EpipairError, match="combines trained epi_cnn, xiao_seq_attention"):
        run_train("seq_epi", demo_features, tmp_path / "none", train=train, params={})
    caplog.set_level("INFO", logger="epipair.model.train")
    run_train("seq_epi", demo_features, tmp_path / "combined", train=train, params={}, parts=parts)
    # the parts' last hidden layers: epi_cnn's dense units, the attention model's features
    sizes = [registry.spec(n).params(DEMO) for n in ("epi_cnn", "xiao_seq_attention")]
    n_features = sizes[0]["dense_units"] + sizes[1]["feature_units"]
    assert f"combined seq_epi: {n_features} features" in caplog.text
    model = keras.models.load_model(tmp_path / "combined" / "model.keras")
    epi = keras.models.load_model(parts["epi_cnn"])
    trunk = model.get_layer("epi_cnn_trunk")
    for layer in ("enhancer_conv1", "dense"):
        for a, b in zip(epi.get_layer(layer).get_weights(), trunk.get_layer(layer).get_weights()):
            np.testing.assert_array_equal(a, b)
    assert np.abs(np.asarray(model.get_layer("standardise").mean)).max() > 0


def test_epi_resnet_learns_the_demo_signal_under_its_released_protocol(
    demo_features, tmp_path, caplog
):
    """ResNetCNN_EPI at its demo preset on the sliding-window input, under protocol paper
    (ResNetCNN_EPI.py: balanced epochs, negatives undersampled): the test split's AUPR interval
    lies above the base rate (the same held-out chromosome on the demo genome). Under
    leakage_free the demo run shows it (tests/test_workflow.py: every registry model learns
    the planted signal)."""
    protocol = "paper"
    caplog.set_level("INFO", logger="epipair.model.train")
    import keras

    from epipair.model.metrics import bootstrap
    from epipair.model.predict import open_sample, predict_scores

    train = dict(TRAIN, epochs=6, learning_rate=0.001, patience=3)
    run_train("epi_resnet", demo_features, tmp_path, protocol, train, params={"preset": "demo"})
    assert "class weights None, balanced epochs (negatives undersampled)" in caplog.text
    paper = pd.read_csv(demo_features / "splits_paper.tsv", sep="\t")
    xiao = paper[(paper["scheme"] == "xiao_chromosome_split") & (paper["split"] == "train")]
    pairs = read_pairs_table(demo_features / "pairs.tsv").set_index("pair_id")
    n_pos = int(pairs.loc[xiao["pair_id"], "label"].sum())
    assert f"{2 * n_pos} training instances per epoch" in caplog.text
    data = open_sample(
        demo_features, protocol, windows=DEMO_WINDOWS, augment=DEMO_AUGMENT, marks=DEMO_MARKS,
        model="epi_resnet",
    )  # fmt: skip
    rows, shifts = data.instances("test")
    model = keras.models.load_model(tmp_path / "model.keras")
    names = registry.spec("epi_resnet").inputs
    scores = predict_scores(model, data.features, names, rows, shifts, 128)
    result = bootstrap(data.labels[rows], scores, n_boot=300)
    assert result["aupr_low"] > result["base_rate"], result
