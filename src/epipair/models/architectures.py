"""The published architectures, written once for every Keras backend."""

from __future__ import annotations

import keras
from keras import layers, ops, regularizers

from ..errors import EpipairError

SEQUENCE_INPUTS = ("enhancer_seq", "promoter_seq")
SIGNAL_INPUTS = ("enhancer_sig", "promoter_sig")

DEFAULTS: dict[str, dict] = {
    # Singh et al. 2019 (SPEID), released code pairwise/frozen_model/build_model.py.
    # conv_activation: the code applies none after the convolution (the ReLU is commented
    # out) although the paper's figure draws a rectifier; the default follows the code that
    # produced the published numbers. Set "relu" for the figure's version.
    "speid": {
        "filters": 1024,
        "kernel": 40,
        "pool": 20,
        "conv_activation": None,
        "l2": 1e-6,
        "lstm_units": 100,
        "dense_units": 1000,
        "dropout_merge": 0.25,
        "dropout_lstm": 0.5,
        "dropout_dense": 0.5,
    },
    # Zhuang, Shen & Pan 2019: SPEID without the LSTM, Dense(800). Their code
    # (Keras-Test/build_sim_model.py) applies ReLU after the convolution and, as a variant,
    # a second convolution of 200 x 20 (second_conv: true).
    "simple_cnn": {
        "filters": 1024,
        "kernel": 40,
        "pool": 20,
        "conv_activation": "relu",
        "l2": 1e-5,
        "second_conv": False,
        "second_filters": 200,
        "second_kernel": 20,
        "dense_units": 800,
        "dense_l2": 1e-6,
        "dropout_merge": 0.25,
        "dropout_dense": 0.5,
    },
    # Xiao, Zhuang & Pan 2019 (Genes): a CNN over the binned local epigenomic signal of the
    # enhancer and of the promoter (marks as channels, bins along the length), two branches
    # merged, then a dense head. The branch depth and widths are this project's reading of
    # the paper's family of CNNs, not a published fixed architecture.
    "epi_cnn": {
        "filters": 64,
        "kernel": 5,
        "pool": 2,
        "conv_layers": 2,
        "dense_units": 256,
        "dropout": 0.5,
        "l2": 1e-5,
    },
    # Sequence branches (as simple_cnn) and signal branches (as epi_cnn) in one model.
    "seq_epi": {
        "filters": 256,
        "kernel": 40,
        "pool": 20,
        "conv_activation": "relu",
        "signal_filters": 64,
        "signal_kernel": 5,
        "dense_units": 256,
        "dropout": 0.5,
        "l2": 1e-5,
    },
    # A cheaper recurrent alternative to SPEID's BiLSTM: a Conv1D stack, then a GRU.
    "cnn_gru": {
        "filters": 256,
        "kernel": 20,
        "pool": 10,
        "conv_layers": 2,
        "gru_units": 64,
        "dense_units": 256,
        "dropout": 0.5,
        "l2": 1e-6,
    },
}
NEURAL = tuple(DEFAULTS)


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
    out = _head(x, p["dense_units"], p["dropout_dense"], p["l2"])
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
            x = layers.Conv1D(p["filters"], p["kernel"], activation="relu", padding="same",
                              kernel_regularizer=_l2(p["l2"]), name=f"{n}_conv{i + 1}")(x)
            x = layers.MaxPooling1D(p["pool"], name=f"{n}_pool{i + 1}")(x)
        branches.append(x)
    x = layers.Concatenate(axis=1, name="merge")(branches)
    x = layers.BatchNormalization(name="merge_bn")(x)
    x = layers.GRU(p["gru_units"], name="gru")(x)
    out = _head(x, p["dense_units"], p["dropout"], p["l2"], bn_out=False)
    return keras.Model(inputs, out, name="cnn_gru")


BUILDERS = {
    "speid": build_speid,
    "simple_cnn": build_simple_cnn,
    "epi_cnn": build_epi_cnn,
    "seq_epi": build_seq_epi,
    "cnn_gru": build_cnn_gru,
}


def input_names(name: str) -> tuple[str, ...]:
    """The named inputs a model reads."""
    if name in ("speid", "simple_cnn", "cnn_gru"):
        return SEQUENCE_INPUTS
    if name == "epi_cnn":
        return SIGNAL_INPUTS
    if name == "seq_epi":
        return SEQUENCE_INPUTS + SIGNAL_INPUTS
    raise EpipairError(f"unknown neural model {name!r}; known: {', '.join(BUILDERS)}")


def build(name: str, shapes: dict, params: dict | None = None):
    """Build model ``name`` for input ``shapes`` with ``params`` over :data:`DEFAULTS`.

    ``shapes``: ``{"enhancer_seq": length, "promoter_seq": length,
    "enhancer_sig": (bins, marks), "promoter_sig": (bins, marks)}`` (only those it reads).
    """
    if name not in BUILDERS:
        raise EpipairError(f"unknown neural model {name!r}; known: {', '.join(BUILDERS)}")
    params = dict(params or {})
    unknown = set(params) - set(DEFAULTS[name])
    if unknown:
        raise EpipairError(
            f"config model_params.{name}: unknown key(s) {', '.join(sorted(unknown))}; "
            f"known: {', '.join(DEFAULTS[name])}"
        )
    return BUILDERS[name](shapes, {**DEFAULTS[name], **params})
