"""Architectures: parameter counts at paper size, computed by hand from the layer shapes."""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import numpy as np
import pytest

from epipair.errors import EpipairError
from epipair.model import registry
from epipair.model.architectures import build

PAPER = {
    "enhancer_seq": 3000,
    "promoter_seq": 2000,
    "enhancer_sig": (30, 5),
    "promoter_sig": (20, 5),
    # Xiao et al.: 50-bp windows every 10 bp over 3,000 and 2,000 bp, 22 datasets
    "enhancer_sigwin": (296, 22),
    "promoter_sigwin": (196, 22),
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
    with pytest.raises(EpipairError, match="unknown preset 'big'; known: demo, retraining_model3"):
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


def test_epi_cnn_is_basic_cnn_epi_at_8_8_million_parameters():
    """model_3lyr_build2(256,256,256,16,16,16,2,2,2,512): per branch 3 x (conv 16, BN, pool 2)."""

    def branch_steps(n):
        for _ in range(3):
            n = (n - 16 + 1) // 2
        return n

    steps = branch_steps(296) + branch_steps(196)  # 23 + 11
    assert steps == 34
    per_branch = conv(22, 256, 16) + 2 * conv(256, 256, 16) + 3 * bn(256)
    expected = 2 * per_branch + bn(256) + dense(steps * 256, 512) + bn(512) + dense(512, 1)
    assert expected == 8_842_753
    assert build("epi_cnn", PAPER).count_params() == expected


def test_epi_resnet_is_resnet_cnn_epi():
    """model_3lyr_build_res(256, 2, 7, 3, 800): conv 7 (enhancer stride 2), pool 3, two
    residual blocks of four 3-wide convolutions each, average pool 2."""
    enh = ((296 - 7) // 2 + 1) // 3 // 2 // 2 // 2  # 145 -> 48 -> 24 -> 12 -> 6
    prom = (196 - 7 + 1) // 3 // 2 // 2 // 2  # 190 -> 63 -> 31 -> 15 -> 7
    assert (enh, prom) == (6, 7)
    # block 1: neck1 (2 convs, 1 BN) + neck (2 convs, 2 BN); block 2: two necks (4 convs, 4 BN)
    per_branch = conv(22, 256, 7) + bn(256) + 8 * conv(256, 256, 3) + 7 * bn(256) + bn(256)
    expected = 2 * per_branch + bn(256) + dense(13 * 256, 800) + bn(800) + dense(800, 1)
    assert expected == 5_915_841
    assert build("epi_resnet", PAPER).count_params() == expected
    # normalize: over_pairs scales the inputs over pairs as the script did before the model
    # (L65-66): PairScale layers hold that scale, one untrained number per (position, dataset)
    model = build("epi_resnet", PAPER, {"normalize": "over_pairs"})
    scales = [layer for layer in model.layers if type(layer).__name__ == "PairScale"]
    assert [tuple(layer.inverse_norm.shape) for layer in scales] == [(296, 22), (196, 22)]
    assert model.count_params() == expected + (296 + 196) * 22
    assert not any(w.trainable for layer in scales for w in layer.weights)


def test_pair_scale_matches_keras_2_normalize_over_pairs():
    """np_utils.normalize(x, axis=0): each (position, dataset) over the pairs; a zero norm
    divides by 1. Features.l2_over_pairs computes the norms, PairScale applies them."""
    from epipair.model.architectures import PairScale

    x = np.array([[[3.0, 0.0]], [[4.0, 0.0]]], dtype=np.float32)  # 2 pairs, 1 position, 2 marks
    layer = PairScale()
    layer.build(x.shape)
    layer.inverse_norm.assign(np.array([[1 / 5.0, 1.0]], dtype=np.float32))
    np.testing.assert_allclose(np.asarray(layer(x))[:, 0, 0], [0.6, 0.8], rtol=1e-6)
    np.testing.assert_array_equal(np.asarray(layer(x))[:, 0, 1], [0.0, 0.0])


def test_xiao_sequence_models_parameter_counts():
    # BasicCNN_seq.py: conv 300 x 40 (same), pool 20: 150 + 100 positions; Dense 800
    basic = (
        2 * conv(4, 300, 40) + bn(300) + dense(250 * 300, 800) + bn(800) + dense(800, 1) + 3
    )  # the last BN has no scale: beta, mean, variance
    assert build("xiao_seq_cnn", PAPER).count_params() == basic == 60_102_604
    # the attention CNN on the central 600/400 bp: conv 256 x 8 (valid), pool 4: 148 + 98
    att = (
        2 * conv(4, 256, 8)
        + bn(256)
        + dense(246 * 256, 800)
        + bn(800)
        + dense(800, 800)
        + dense(800, 256)
        + dense(256, 256)
        + dense(256, 128)
        + bn(128)
        + dense(128, 1)
        + 3
    )
    assert build("xiao_seq_attention", PAPER).count_params() == att == 51_347_908
    # ResNetCNN_seq.py: conv 64 x 8, pool 10, 3 residual blocks of 8-wide convolutions
    enh, prom = (600 - 8 + 1) // 10 // 2 // 2 // 2, (400 - 8 + 1) // 10 // 2 // 2 // 2
    per_branch = conv(4, 64, 8) + 12 * conv(64, 64, 8) + (1 + 2 + 4 + 4) * bn(64)
    res = 2 * per_branch + bn(64) + dense((enh + prom) * 64, 1) + 3
    assert build("xiao_seq_resnet", PAPER).count_params() == res


def test_seq_epi_combines_the_trained_parts_frozen():
    """Combine_seq_epigenomics.py: 512 + 128 features, standardised, Dense 128 and 512."""
    from epipair.model.architectures import build_xiao_combined

    parts = {
        "epi_cnn": build("epi_cnn", PAPER),
        "xiao_seq_attention": build("xiao_seq_attention", PAPER),
    }
    model = build_xiao_combined(parts, registry.spec("seq_epi").params())
    assert [i.name for i in model.inputs] == list(registry.spec("seq_epi").inputs)
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    head = dense(640, 128) + 2 * 128 + dense(128, 512) + 2 * 512 + dense(512, 1)  # BN: gamma, beta
    assert trainable == head
    frozen = parts["epi_cnn"].count_params() + parts["xiao_seq_attention"].count_params()
    # the trunks stop at their feature layers: the parts' output layers are left out
    left_out = dense(512, 1) + dense(128, 1) + 3
    assert model.count_params() == frozen - left_out + 2 * 640 + 1 + head + 2 * 128 + 2 * 512


def test_position_l2_norm_matches_keras_2_normalize():
    """np_utils.normalize(x, axis=-1): x / ||x||_2 per position; an all-zero position stays 0."""
    from epipair.model.architectures import PositionL2Norm

    x = np.array([[[3.0, 4.0, 0.0], [0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]], dtype=np.float32)
    out = np.asarray(PositionL2Norm()(x))
    np.testing.assert_allclose(out[0, 0], [0.6, 0.8, 0.0], rtol=1e-6)
    np.testing.assert_array_equal(out[0, 1], [0.0, 0.0, 0.0])
    np.testing.assert_allclose(out[0, 2], np.full(3, 1 / np.sqrt(3)), rtol=1e-6)


@pytest.mark.parametrize("name", ["cnn_gru"])
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

    from epipair.model.baselines import Baseline

    pairs = pd.DataFrame({"distance": np.arange(10) * 1000, "label": [0, 1] * 5})
    with pytest.raises(EpipairError, match="config model_params.distance: .*parameter"):
        Baseline("distance", params={"penalty": "l7"}).fit(pairs, None, np.arange(10))
    with pytest.raises(
        EpipairError, match="distance: the training split has 5 pairs, all labelled 0"
    ):
        Baseline("distance").fit(pairs, None, np.arange(0, 10, 2))


def test_keras_starts_without_tensorflows_start_up_lines():
    """epipair.model.backend.select imports Keras with TensorFlow's C++ start-up notices (absl's
    pre-init warning, oneDNN's notice) left out of stderr, whatever TF_CPP_MIN_LOG_LEVEL
    says; any other line is passed on."""
    import subprocess
    import sys

    from epipair.model.backend import without_startup_noise

    code = "from epipair.model import backend; backend.select('tensorflow'); print('ok')"
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"},
        timeout=120,
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr
    assert "oneDNN" not in proc.stderr and "absl" not in proc.stderr, proc.stderr
    noise = (
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
        "I0000 00:00:1796406735.036799    2352 port.cc:153] oneDNN custom operations are on. "
        "You may see slightly different numerical results.\n"
    )
    real = "W0000 something TensorFlow really warns about\n"
    assert without_startup_noise(noise + real + noise) == real


def test_a_keras_file_that_would_run_code_is_refused_in_one_line(tmp_path):
    """Keras' safe mode refuses a Lambda layer's Python function; epipair says so in one line
    naming the file (no traceback), wherever a model is loaded (predict, seq_epi's parts)."""
    import keras

    from epipair.model.predict import load_model

    inp = keras.Input((3,))
    model = keras.Model(inp, keras.layers.Lambda(lambda x: x * 2)(inp))
    path = tmp_path / "model.keras"
    model.save(path)
    with pytest.raises(EpipairError, match="refused by Keras' safe mode") as err:
        load_model(path)
    assert str(err.value).startswith(f"{path}: ") and "Lambda" in str(err.value)
    assert "\n" not in str(err.value)
