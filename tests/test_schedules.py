"""Each released training schedule as declared in the registry, checked against the released
scripts' values (read at ma-compbio/SPEID@edb9d9b, zzUMN/Combine-CNN-Enhancer-and-Promoters
@012871d, menglix/EPI@a63d3fa), run by protocol paper, and trained for one epoch per stage on
the demo (issue 28)."""

import logging
from dataclasses import replace

import keras
import numpy as np
import pandas as pd
import pytest

from epipair.model import registry
from epipair.model.train import schedule_settings

from .test_train import SMALL, TRAIN, run_train

# model (preset): stage -> (learning rate, batch, epochs, monitor, patience, keep, class
# weights, undersample), with the released file and lines each value was read from
RELEASED = {
    ("speid", None): {  # pairwise/basic_training.py L20-25, L77-78, L84-86
        "train": (1e-5, 100, 32, None, None, "last", None, False),
    },
    ("speid", "retraining_model3"): {  # pairwise/frozen_model/retraining_model3.py
        "train": (1e-5, 50, 32, None, None, "last", None, False),  # L29-35, L51, L94-96
        "second_stage": (1e-5, 50, 360, None, None, "last", {0: 1.0, 1: 1.0}, False),  # L117-156
    },
    ("simple_cnn", None): {  # Keras-Test/basic_training.py L25-31, L92-101
        "train": (1e-5, 50, 32, None, None, "last", None, False),
    },
    ("simple_cnn_transfer", None): {  # Keras-Test/basic_general_training.py
        "pretrain": (1e-5, 100, 16, None, None, "last", None, False),  # L35-41, L113
        "train": (1e-5, 100, 32, None, None, "last", None, False),  # L34, L119-139
    },
    ("epi_cnn", None): {  # BasicCNN_EPI.py L98-104, L226-242
        "train": (1e-6, 200, 300, "val_f1", 10, "best", "balanced", False),
    },
    ("epi_resnet", None): {  # ResNetCNN_EPI.py L57, L110-153, L235, L339-347
        "train": (1e-6, 64, 15, "val_f1", 10, "last", None, True),
    },
    ("xiao_seq_cnn", None): {  # BasicCNN_seq.py L40-45, L155, L241-250
        "train": (1e-7, 64, 20, "val_f1", 10, "best", {0: 1.0, 1: 800.0}, False),
    },
    ("xiao_seq_attention", None): {  # AttentionCNN_seq.py L40, L149-150, L243-256
        "train": (1e-5, 200, 300, "val_f1", 10, "best", {0: 1.0, 1: 800.0}, False),
    },
    ("xiao_seq_resnet", None): {  # ResNetCNN_seq.py L48, L225-226, L321-334
        "train": (1e-5, 200, 300, "val_f1", 10, "best", {0: 1.0, 1: 800.0}, False),
    },
    ("seq_epi", None): {  # combined/Combine_seq_epigenomics.py L276-279, L389-432
        "train": (1e-5, 200, 300, "val_f1", 10, "best", "balanced", False),
    },
}
FIELDS = ("learning_rate", "batch_size", "epochs", "monitor", "patience", "keep")
FIELDS += ("class_weight", "undersample")


@pytest.mark.parametrize("model, preset", list(RELEASED), ids=lambda v: str(v))
def test_the_paper_schedule_is_the_released_one(model, preset):
    spec = registry.spec(model)
    params = {"preset": preset} if preset else {}
    stages = spec.released.get(preset or "default")
    assert [s.name for s in stages] == list(RELEASED[model, preset])
    for stage in stages:
        assert tuple(getattr(stage, f) for f in FIELDS) == RELEASED[model, preset][stage.name]
        assert stage.cite and (".py L" in stage.cite)
        assert spec.released_stage(stage.name, params) == stage
    # protocol paper runs it (paper_schedule: released, the schema's default) ...
    cfg = {"epochs": 40, "batch_size": 64, "learning_rate": 1e-5, "patience": 5, "seed": 0}
    train = spec.released_stage("train", params)
    stage, settings = schedule_settings(spec, "paper", cfg, params)
    assert stage == train
    assert (settings["learning_rate"], settings["batch_size"], settings["epochs"]) == (
        train.learning_rate,
        train.batch_size,
        train.epochs,
    )
    # ... or the config's rates with paper_schedule: config; other protocols: the config's
    quick = dict(cfg, paper_schedule="config")
    assert schedule_settings(spec, "paper", quick, params) == (train, quick)
    assert schedule_settings(spec, "leakage_free", cfg, params) == (None, cfg)


def test_epi_resnet_epochs_are_200_balanced_batches():
    """fit_generator(steps_per_epoch=200, epochs=15) over BalancedSequence (L150-153)."""
    stage = registry.spec("epi_resnet").released_stage("train")
    assert (stage.steps, stage.batch_size, stage.undersample) == (200, 64, True)
    assert "15 epochs of 200 balanced batches" in stage.describe()


def test_the_retraining_preset_has_its_own_paper_scheme():
    speid = registry.spec("speid")
    assert speid.paper_scheme({}) == speid.paper == "speid_basic_training"
    assert speid.paper_scheme({"preset": "retraining_model3"}) == "speid_retraining_model3"
    assert speid.paper_scheme({"preset": "demo"}) == "speid_basic_training"


def test_models_without_released_code_have_no_released_schedule():
    for name in registry.names():
        spec = registry.spec(name)
        if not spec.neural or name == "cnn_gru":
            assert spec.released == {}, name
    cfg = dict(TRAIN, paper_schedule="released")
    assert schedule_settings(registry.spec("cnn_gru"), "paper", cfg, {}) == (None, cfg)


def one_epoch_each(monkeypatch, name, preset=None):
    """The model's released schedule with every stage cut to one epoch."""
    spec = registry.spec(name)
    key = preset or "default"
    stages = tuple(replace(s, epochs=1) for s in spec.released[key])
    monkeypatch.setitem(
        registry.MODELS, name, replace(spec, released={**spec.released, key: stages})
    )


@pytest.mark.parametrize(
    "name",
    ["speid", "simple_cnn", "epi_cnn", "epi_resnet"]
    + ["xiao_seq_cnn", "xiao_seq_attention", "xiao_seq_resnet", "seq_epi"],
)
def test_each_released_schedule_trains_on_the_demo(
    name, demo_features, tmp_path, monkeypatch, caplog
):
    """One epoch of the released stage, at its batch size; its weights-kept rule applied."""
    one_epoch_each(monkeypatch, name)
    train = dict(TRAIN, paper_schedule="released")
    extra = {}
    if name == "seq_epi":  # a head on trained parts (any protocol's, for this test)
        extra["parts"] = {p: tmp_path / p / "model.keras" for p in registry.spec(name).parts}
        extra["params"] = {}
        for part in extra["parts"]:
            run_train(part, demo_features, tmp_path / part, train=dict(TRAIN, epochs=1))
    with caplog.at_level(logging.INFO, logger="epipair"):
        history = run_train(name, demo_features, tmp_path, protocol="paper", train=train, **extra)
    assert history["stage"].tolist() == ["train"]
    stage = registry.spec(name).released_stage("train")
    text = caplog.text
    assert f"batch {stage.batch_size}, 1 epochs" in text and "released schedule" in text
    if stage.steps:  # epi_resnet: 200 balanced batches an epoch
        assert f"{stage.steps * stage.batch_size} training instances per epoch" in text
    if stage.keep == "last":
        assert "kept the last epoch's weights" in text
    else:
        assert "best epoch 1 (val_f1" in text


def test_the_transfer_schedule_pretrains_then_trains(
    demo_features, demo_features_b, tmp_path, monkeypatch, caplog
):
    """basic_general_training.py: 81% draws (L56, L123), the loss summed over the batch
    (L25), batch normalisation new for each cell line it pre-trains on."""
    one_epoch_each(monkeypatch, "simple_cnn_transfer")
    other = {
        "pairs": demo_features_b / "pairs.tsv",
        "paper": demo_features_b / "splits_paper.tsv",
        "features_dir": demo_features_b / "features",
    }
    train = dict(TRAIN, paper_schedule="released")
    with caplog.at_level(logging.INFO, logger="epipair"):
        history = run_train(
            "simple_cnn_transfer",
            demo_features,
            tmp_path,
            protocol="paper",
            train=train,
            params=dict(SMALL["simple_cnn"], pretrain_epochs=3),  # released: 1 (cut) wins
            pretrain={"CellB": other},
        )
    assert history["stage"].tolist() == ["pretrain:CellB", "train"]
    assert "pre-training on CellB: batch normalisation reset, as released" in caplog.text
    paper = pd.read_csv(demo_features_b / "splits_paper.tsv", sep="\t")
    draws = paper[paper["scheme"] == "zhuang_general_training"]["split"].value_counts()
    assert draws["train"] == int(0.81 * draws["test"])
    assert f"pre-training on CellB: {draws['train']} instances per epoch" in caplog.text
    model = keras.models.load_model(tmp_path / "model.keras")
    assert model.loss.reduction == "sum"


def test_speid_retraining_schedule_freezes_in_its_second_stage(
    demo_features, tmp_path, monkeypatch, caplog
):
    """retraining_model3.py: stage 1 on the first 90% of the shuffled augmented set (L42-43),
    stage 2 on the first 90% of the original pairs (L131-132: split retrain)."""
    one_epoch_each(monkeypatch, "speid", "retraining_model3")
    demo = registry.spec("speid").presets["demo"]
    small = {k: demo[k] for k in ("filters", "kernel", "lstm_units", "dense_units")}
    params = {"preset": "retraining_model3", **small, "second_stage_epochs": 1}
    params["init_motifs"] = "none"  # JASPAR's 40-wide motifs do not fit 12-wide kernels
    train = dict(TRAIN, paper_schedule="released")
    with caplog.at_level(logging.INFO, logger="epipair"):
        history = run_train(
            "speid", demo_features, tmp_path, protocol="paper", train=train, params=params
        )
    assert history["stage"].tolist() == ["train", "second_stage"]
    paper = pd.read_csv(demo_features / "splits_paper.tsv", sep="\t")
    sides = paper[paper["scheme"] == "speid_retraining_model3"]["split"].value_counts()
    assert f"{sides['train']} training instances per epoch" in caplog.text
    assert f"batch normalisation reset; {sides['retrain']} pairs" in caplog.text
    model = keras.models.load_model(tmp_path / "model.keras")
    assert (
        not model.get_layer("bilstm").trainable and not model.get_layer("enhancer_conv").trainable
    )
    assert model.get_layer("dense").trainable


def test_the_released_schedule_builds_with_keras_1_and_2_semantics():
    """SPEID's Keras 1 LSTM: hard_sigmoid; Keras 2's activity L2 summed over the batch, which
    Keras 3 divides by it: the coefficient times the released batch."""
    speid = registry.released_model_params(registry.spec("speid"), {"preset": "demo"}, 100)
    assert speid == {"preset": "demo", "lstm_recurrent_activation": "hard_sigmoid"}
    own = registry.released_model_params(
        registry.spec("speid"), {"lstm_recurrent_activation": "sigmoid"}, 100
    )
    assert own == {"lstm_recurrent_activation": "sigmoid"}  # a configured value stays
    seq = registry.released_model_params(registry.spec("xiao_seq_cnn"), {}, 64)
    assert seq == {"dense_activity_l2": pytest.approx(2e-5 * 64)}
    att = registry.released_model_params(registry.spec("xiao_seq_attention"), {}, 200)
    assert att == {"dense_activity_l2": pytest.approx(1e-6 * 200)}
    assert registry.released_model_params(registry.spec("epi_cnn"), {}, 200) == {}
    given = {"dense_activity_l2": 1e-3}
    assert registry.released_model_params(registry.spec("xiao_seq_cnn"), given, 64) == given


def test_speid_trains_with_hard_sigmoid_under_its_released_schedule(
    demo_features, tmp_path, monkeypatch
):
    one_epoch_each(monkeypatch, "speid")
    released = dict(TRAIN, paper_schedule="released")
    run_train("speid", demo_features, tmp_path / "r", protocol="paper", train=released)
    run_train("speid", demo_features, tmp_path / "c", protocol="paper", train=TRAIN)
    for folder, name in (("r", "hard_sigmoid"), ("c", "sigmoid")):
        model = keras.models.load_model(tmp_path / folder / "model.keras")
        lstm = model.get_layer("bilstm").forward_layer
        assert lstm.recurrent_activation.__name__ == name


@pytest.mark.parametrize("how", ["train_pairs", "over_pairs"])
def test_epi_resnet_inputs_scaled_over_pairs(how, demo_features, tmp_path):
    """ResNetCNN_EPI.py L65-66 scales each (position, dataset) over all pairs (over_pairs);
    epipair's default over the training pairs only: the saved model holds 1 / those norms."""
    from epipair.model.architectures import PairScale
    from epipair.model.data import CellData

    from .conftest import DEMO_AUGMENT, DEMO_MARKS, DEMO_WINDOWS

    params = {**SMALL["epi_resnet"], "normalize": how}
    run_train("epi_resnet", demo_features, tmp_path, params=params)
    data = CellData.open(
        demo_features / "pairs.tsv", None, demo_features / "features", protocol="leakage_free",
        windows=DEMO_WINDOWS, augment=DEMO_AUGMENT, marks=DEMO_MARKS, model="epi_resnet",
    )  # fmt: skip
    rows = data.instances("train")[0] if how == "train_pairs" else range(len(data.pairs))
    model = keras.models.load_model(tmp_path / "model.keras")
    for name in registry.SIGNAL_WINDOW_INPUTS:
        layer = model.get_layer(f"{name}_pairscale")
        assert isinstance(layer, PairScale)
        norm = data.features.l2_over_pairs(name, list(rows))
        if how == "train_pairs":  # the root mean square: the L2 norm / sqrt(pairs)
            norm = norm / np.sqrt(len(rows))
        np.testing.assert_allclose(np.asarray(layer.inverse_norm), 1 / norm, rtol=1e-5)
