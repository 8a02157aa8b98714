"""The published architectures, written once for every Keras backend.

Each ``build_<name>(shapes, params)`` is named by its entry in ``epipair.registry``, which
also holds the defaults; ``build`` looks both up there.
"""

from __future__ import annotations

import keras
from keras import layers, ops, regularizers

from ..errors import EpipairError
from ..registry import SEQUENCE_INPUTS, SIGNAL_INPUTS, spec


@keras.saving.register_keras_serializable(package="epipair")
class Log1p(layers.Layer):
    """``log(1 + max(x, 0))``: tames the heavy tail of signal values (backend-neutral)."""

    def call(self, x):
        return ops.log1p(ops.maximum(x, 0.0))


def _l2(value):
    return regularizers.L2(value) if value else None


def _seq_branch(inp, p, name):
    x = layers.Conv1D(
        p["filters"],
        p["kernel"],
        padding="valid",
        activation=p.get("conv_activation"),
        kernel_regularizer=_l2(p.get("l2")),
        name=f"{name}_conv",
    )(inp)
    if p.get("second_conv"):
        x = layers.Conv1D(
            p["second_filters"],
            p["second_kernel"],
            padding="valid",
            activation="relu",
            kernel_regularizer=_l2(p.get("l2")),
            name=f"{name}_conv2",
        )(x)
    return layers.MaxPooling1D(p["pool"], strides=p["pool"], name=f"{name}_pool")(x)


def _sig_branch(inp, p, name, filters_key="filters", kernel_key="kernel", n_layers=None):
    x = Log1p(name=f"{name}_log1p")(inp)
    x = layers.BatchNormalization(name=f"{name}_bn_in")(x)
    for i in range(n_layers or p.get("conv_layers", 1)):
        x = layers.Conv1D(
            p[filters_key],
            p[kernel_key],
            padding="same",
            activation="relu",
            kernel_regularizer=_l2(p.get("l2")),
            name=f"{name}_conv{i + 1}",
        )(x)
        if x.shape[1] >= 2 * p.get("pool", 2):
            x = layers.MaxPooling1D(p.get("pool", 2), name=f"{name}_pool{i + 1}")(x)
    return layers.Flatten(name=f"{name}_flat")(x)


def _head(x, units, dropout, l2=None, bn_out=True):
    x = layers.Dense(units, kernel_regularizer=_l2(l2), name="dense")(x)
    x = layers.BatchNormalization(name="dense_bn")(x)
    x = layers.Activation("relu", name="dense_relu")(x)
    x = layers.Dropout(dropout, name="dense_dropout")(x)
    x = layers.Dense(1, name="logit")(x)
    if bn_out:
        x = layers.BatchNormalization(name="logit_bn")(x)
    return layers.Activation("sigmoid", name="score", dtype="float32")(x)


def _seq_inputs(shapes):
    return [keras.Input(shape=(shapes[n], 4), name=n) for n in SEQUENCE_INPUTS]


def _sig_inputs(shapes):
    return [keras.Input(shape=shapes[n], name=n) for n in SIGNAL_INPUTS]


def _merged_sequence_branches(shapes, p):
    """SPEID's front end: a convolution + max-pool per input, concatenated along length,
    batch-normalised, dropout. Returns ``(inputs, x)``."""
    inputs = _seq_inputs(shapes)
    branches = [_seq_branch(i, p, n.split("_")[0]) for i, n in zip(inputs, SEQUENCE_INPUTS)]
    x = layers.Concatenate(axis=1, name="merge")(branches)
    x = layers.BatchNormalization(name="merge_bn")(x)
    return inputs, layers.Dropout(p["dropout_merge"], name="merge_dropout")(x)


def build_speid(shapes, p):
    inputs, x = _merged_sequence_branches(shapes, p)
    x = layers.Bidirectional(layers.LSTM(p["lstm_units"], return_sequences=True), name="bilstm")(x)
    x = layers.BatchNormalization(name="lstm_bn")(x)
    x = layers.Dropout(p["dropout_lstm"], name="lstm_dropout")(x)
    x = layers.Flatten(name="flatten")(x)
    out = _head(x, p["dense_units"], p["dropout_dense"], p["dense_l2"])
    return keras.Model(inputs, out, name="speid")


def build_simple_cnn(shapes, p):
    inputs, x = _merged_sequence_branches(shapes, p)
    x = layers.Flatten(name="flatten")(x)
    out = _head(x, p["dense_units"], p["dropout_dense"], p["dense_l2"])
    return keras.Model(inputs, out, name="simple_cnn")


def build_epi_cnn(shapes, p):
    inputs = _sig_inputs(shapes)
    branches = [_sig_branch(i, p, n.split("_")[0]) for i, n in zip(inputs, SIGNAL_INPUTS)]
    x = layers.Concatenate(name="merge")(branches)
    x = layers.Dropout(p["dropout"] / 2, name="merge_dropout")(x)
    out = _head(x, p["dense_units"], p["dropout"], p["l2"], bn_out=False)
    return keras.Model(inputs, out, name="epi_cnn")


def build_seq_epi(shapes, p):
    seq_in, sig_in = _seq_inputs(shapes), _sig_inputs(shapes)
    parts = []
    for i, n in zip(seq_in, SEQUENCE_INPUTS):
        x = _seq_branch(i, p, n.split("_")[0])
        parts.append(layers.GlobalMaxPooling1D(name=f"{n}_gmax")(x))
    for i, n in zip(sig_in, SIGNAL_INPUTS):
        parts.append(_sig_branch(i, p, n, "signal_filters", "signal_kernel", n_layers=2))
    x = layers.Concatenate(name="merge")(parts)
    x = layers.BatchNormalization(name="merge_bn")(x)
    out = _head(x, p["dense_units"], p["dropout"], p["l2"], bn_out=False)
    return keras.Model(seq_in + sig_in, out, name="seq_epi")


def build_cnn_gru(shapes, p):
    inputs = _seq_inputs(shapes)
    branches = []
    for inp, n in zip(inputs, SEQUENCE_INPUTS):
        x = inp
        for i in range(p["conv_layers"]):
            x = layers.Conv1D(
                p["filters"],
                p["kernel"],
                activation="relu",
                padding="same",
                kernel_regularizer=_l2(p["l2"]),
                name=f"{n}_conv{i + 1}",
            )(x)
            x = layers.MaxPooling1D(p["pool"], name=f"{n}_pool{i + 1}")(x)
        branches.append(x)
    x = layers.Concatenate(axis=1, name="merge")(branches)
    x = layers.BatchNormalization(name="merge_bn")(x)
    x = layers.GRU(p["gru_units"], name="gru")(x)
    out = _head(x, p["dense_units"], p["dropout"], p["l2"], bn_out=False)
    return keras.Model(inputs, out, name="cnn_gru")


def build(name: str, shapes: dict, params: dict | None = None):
    """Build neural model ``name`` for input ``shapes``, ``params`` over the registry defaults.

    ``shapes``: ``{"enhancer_seq": length, "promoter_seq": length,
    "enhancer_sig": (bins, marks), "promoter_sig": (bins, marks)}`` (only those it reads).
    """
    model = spec(name)
    if not model.neural:
        raise EpipairError(f"{name} is a {model.kind}, not a neural model")
    params = model.params(params)
    try:
        return model.builder_function()(shapes, params)
    except ValueError as exc:  # e.g. a pool or kernel longer than what reaches it
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EpipairError(
            f"config model_params.{name}: cannot build {name} for inputs {shapes}: {first}"
        ) from None
