"""Architectures: parameter counts at paper size, computed by hand from the layer shapes."""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import pytest

from epipair import registry
from epipair.errors import EpipairError
from epipair.models import build

PAPER = {
    "enhancer_seq": 3000,
    "promoter_seq": 2000,
    "enhancer_sig": (30, 5),
    "promoter_sig": (20, 5),
}


def conv(c_in, filters, kernel):
    return c_in * kernel * filters + filters


def bn(c):
    return 4 * c  # gamma, beta, moving mean, moving variance


def lstm(c_in, units):
    return 4 * (units * (c_in + units) + units)


def dense(c_in, units):
    return c_in * units + units


def pooled(length, kernel=40, pool=20):
    return (length - kernel + 1) // pool


def speid_count(filters, lstm_units, dense_units):
    """SPEID's parameters by hand: two convolutions of 40, BN, BiLSTM, BN, Dense, BN, logit, BN."""
    steps = pooled(3000) + pooled(2000)  # 148 + 98 positions after conv + pool
    assert steps == 246
    return (
        2 * conv(4, filters, 40)
        + bn(filters)
        + 2 * lstm(filters, lstm_units)
        + bn(2 * lstm_units)
        + dense(steps * 2 * lstm_units, dense_units)
        + bn(dense_units)
        + dense(dense_units, 1)
        + bn(1)
    )


def test_speid_default_is_the_small_model_of_basic_training():
    """build_small_model.py, which basic_training.py trains and predict.py loads."""
    model = build("speid", PAPER)
    assert model.count_params() == speid_count(200, 50, 800) == 19_850_805
    assert model.get_layer("enhancer_conv").activation.__name__ == "relu"  # build_small_model


def test_speid_preset_retraining_model3_parameter_count():
    expected = speid_count(1024, 100, 1000)
    model = build("speid", PAPER, {"preset": "retraining_model3"})
    assert model.count_params() == expected == 50_440_629
    assert model.get_layer("enhancer_conv").activation.__name__ == "linear"  # ReLU commented out
    assert registry.spec("speid").params({"preset": "retraining_model3"})["second_stage"] is True
    with pytest.raises(EpipairError, match="unknown preset 'big'; known: retraining_model3"):
        build("speid", PAPER, {"preset": "big"})


def test_simple_cnn_default_has_both_convolutions_of_build_sim_model():
    e = (3000 - 40 + 1 - 20 + 1) // 20
    p = (2000 - 40 + 1 - 20 + 1) // 20
    expected = (
        2 * (conv(4, 1024, 40) + conv(1024, 200, 20))
        + bn(200)
        + dense((e + p) * 200, 800)
        + bn(800)
        + dense(800, 1)
        + bn(1)
    )
    model = build("simple_cnn", PAPER)
    assert model.count_params() == expected == 47_567_733
    assert model.get_layer("enhancer_conv2").activation.__name__ == "relu"


def test_simple_cnn_without_the_second_convolution():
    steps = pooled(3000) + pooled(2000)
    expected = (
        2 * conv(4, 1024, 40)
        + bn(1024)
        + dense(steps * 1024, 800)
        + bn(800)
        + dense(800, 1)
        + bn(1)
    )
    assert build("simple_cnn", PAPER, {"second_conv": False}).count_params() == expected


@pytest.mark.parametrize("name", ["epi_cnn", "seq_epi", "cnn_gru"])
def test_other_models_build_and_read_their_inputs(name):
    model = build(name, PAPER)
    assert [i.name for i in model.inputs] == list(registry.spec(name).inputs)
    assert model.output_shape == (None, 1)


def test_unknown_params_and_models_are_errors():
    with pytest.raises(EpipairError, match="model_params.speid: unknown key\\(s\\) filterz"):
        build("speid", PAPER, {"filterz": 3})
    with pytest.raises(EpipairError, match="unknown model 'bert'"):
        build("bert", PAPER)
    with pytest.raises(EpipairError, match="gbm is a baseline, not a neural model"):
        build("gbm", PAPER)


def test_a_model_that_cannot_be_built_for_its_inputs_is_named():
    """A pool longer than the convolution's output (though shorter than the window)."""
    small = {"enhancer_seq": 100, "promoter_seq": 100}
    params = {"filters": 4, "kernel": 90, "pool": 20, "dense_units": 4}
    with pytest.raises(EpipairError, match=r"config model_params.simple_cnn: cannot build"):
        build("simple_cnn", small, params)


def test_baseline_errors_name_the_setting_and_the_split():
    import numpy as np
    import pandas as pd

    from epipair.baselines import Baseline

    pairs = pd.DataFrame({"distance": np.arange(10) * 1000, "label": [0, 1] * 5})
    with pytest.raises(EpipairError, match="config model_params.distance: .*parameter"):
        Baseline("distance", params={"penalty": "l7"}).fit(pairs, None, np.arange(10))
    with pytest.raises(
        EpipairError, match="distance: the training split has 5 pairs, all labelled 0"
    ):
        Baseline("distance").fit(pairs, None, np.arange(0, 10, 2))
