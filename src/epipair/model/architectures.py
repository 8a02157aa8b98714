"""The published architectures, written once for every Keras backend.

Each ``build_<name>(shapes, params)`` is named by its entry in ``epipair.model.registry``, which
also holds the defaults; ``build`` looks both up there.
"""

from __future__ import annotations

import keras
from keras import layers, ops, regularizers

from ..errors import EpipairError
from .registry import SEQUENCE_INPUTS, SIGNAL_WINDOW_INPUTS, spec


@keras.saving.register_keras_serializable(package="epipair")
class PositionL2Norm(layers.Layer):
    """Each position scaled to unit L2 norm over the channels (the datasets), as Keras 2's
    ``np_utils.normalize(x, axis=-1)`` in menglix/EPI BasicCNN_EPI.py L35-36; an all-zero
    position stays zero. The squared norm is floored at 1e-24 (not replaced where zero), so the
    gradient stays finite everywhere (attributions reach the input)."""

    def call(self, x):
        squared = ops.sum(ops.square(x), axis=-1, keepdims=True)
        return x * ops.rsqrt(ops.maximum(squared, 1e-24))


@keras.saving.register_keras_serializable(package="epipair")
class PairScale(layers.Layer):
    """Each (position, dataset) divided by its L2 norm over a set of pairs, as Keras 2's
    ``np_utils.normalize(x, axis=0)`` in menglix/EPI ResNetCNN_EPI.py L65-66 (a zero norm
    divides by 1). The norms are data, not trained: ``epipair.model.train`` sets ``inverse_norm``
    from the training pairs (``normalize: train_pairs``) or from every pair (``over_pairs``,
    as released) before the first epoch; the saved model keeps them."""

    def build(self, input_shape):
        self.inverse_norm = self.add_weight(
            name="inverse_norm", shape=tuple(input_shape[1:]), initializer="ones", trainable=False
        )

    def call(self, x):
        return x * ops.cast(self.inverse_norm, x.dtype)


# ``normalize`` values whose scale is set from pairs (:class:`PairScale`)
PAIR_SCALED = ("train_pairs", "over_pairs")


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
    lstm = layers.LSTM(
        p["lstm_units"], return_sequences=True, recurrent_activation=p["lstm_recurrent_activation"]
    )
    x = layers.Bidirectional(lstm, name="bilstm")(x)
    x = layers.BatchNormalization(name="lstm_bn")(x)
    x = layers.Dropout(p["dropout_lstm"], name="lstm_dropout")(x)
    x = layers.Flatten(name="flatten")(x)
    out = _head(x, p["dense_units"], p["dropout_dense"], p["dense_l2"])
    model = keras.Model(inputs, out, name="speid")
    if p.get("init_motifs") == "jaspar":
        from ..io.motifs import jaspar

        init_with_motifs(model, jaspar(p["jaspar_release"]), ("enhancer_conv", "promoter_conv"))
    return model


def init_with_motifs(model, motifs, layer_names, seed=None) -> int:
    """SPEID's JASPAR initialisation (ma-compbio/SPEID pairwise/util.py L5-23): kernel ``i`` of
    each named convolution takes motif ``i`` minus 0.25 at a random offset (the same in every
    layer), the rest of the kernel keeps its initial weights, and its bias is drawn from
    U(-1, 0). Offsets: ``randint(3, k - 12 - w)`` as util.py L17 draws them for its k = 40
    (``randint(3, 30 - w + 1 - 3)``); where that range is empty, anywhere the motif fits.
    util.py writes the motif reversed (``m[::-1]``) because Keras 1 on Theano convolved (it
    flips kernels); Keras 3 cross-correlates, so the motif goes in as it reads. util.py's
    six extra reverse complements (indices 19 and 97-101 of a .npy file whose order was not
    released) are left out. Motifs beyond the number of kernels, or longer than a kernel, are
    skipped. Drawn from numpy's global generator, which training seeds. Returns the number of
    kernels set."""
    import numpy as np

    convs = [model.get_layer(n) for n in layer_names]
    weights = [[np.array(w) for w in c.get_weights()] for c in convs]
    k, filters = weights[0][0].shape[0], weights[0][0].shape[2]
    rng = np.random.mtrand._rand if seed is None else np.random.RandomState(seed)
    fitted = [m for m in motifs if m.width <= k][:filters]
    for i, m in enumerate(fitted):
        lo, hi = (3, k - 12 - m.width) if k - 12 - m.width > 3 else (0, k - m.width + 1)
        start = int(rng.randint(lo, hi))
        for kernel, bias in weights:
            kernel[start : start + m.width, :, i] = m.pwm - 0.25
            bias[i] = rng.uniform(-1.0, 0.0)
    for conv, w in zip(convs, weights):
        conv.set_weights(w)
    return len(fitted)


def build_simple_cnn(shapes, p):
    inputs, x = _merged_sequence_branches(shapes, p)
    x = layers.Flatten(name="flatten")(x)
    out = _head(x, p["dense_units"], p["dropout_dense"], p["dense_l2"])
    return keras.Model(inputs, out, name="simple_cnn")


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


def _sigwin_inputs(shapes, p):
    """Xiao et al.'s inputs ``[positions, datasets]``: ``normalize: position`` scales each
    position over the datasets (BasicCNN_EPI.py L35-36); ``train_pairs`` and ``over_pairs``
    each (position, dataset) over pairs (:class:`PairScale`); ``none`` leaves them."""
    inputs = [keras.Input(shape=shapes[n], name=n) for n in SIGNAL_WINDOW_INPUTS]
    how = p.get("normalize", "position")
    if how == "none":
        return inputs, list(inputs)
    if how in PAIR_SCALED:
        return inputs, [
            PairScale(name=f"{n}_pairscale")(i) for i, n in zip(inputs, SIGNAL_WINDOW_INPUTS)
        ]
    return inputs, [
        PositionL2Norm(name=f"{n}_l2norm")(i) for i, n in zip(inputs, SIGNAL_WINDOW_INPUTS)
    ]


def _xiao_head(x, p):
    """Dropout, BN, flatten, Dense (L2), BN, ReLU, dropout, sigmoid: the head of both of Xiao
    et al.'s epigenomic CNNs (BasicCNN_EPI.py L135-142, ResNetCNN_EPI.py L256-263)."""
    x = layers.Dropout(p["dropout_merge"], name="merge_dropout")(x)
    x = layers.BatchNormalization(name="merge_bn")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(p["dense_units"], kernel_regularizer=_l2(p["dense_l2"]), name="dense")(x)
    x = layers.BatchNormalization(name="dense_bn")(x)
    x = layers.Activation("relu", name="dense_relu")(x)
    x = layers.Dropout(p["dropout_dense"], name="dense_dropout")(x)
    return layers.Dense(1, activation="sigmoid", name="score", dtype="float32")(x)


def _conv_bn_relu(x, p, kind, tag="", strides=1):
    """Conv (valid, L2), BN, ReLU: the blocks of Xiao et al.'s epigenomic CNNs
    (BasicCNN_EPI.py L106-108, ResNetCNN_EPI.py L237-239); layers named ``<kind>_conv<tag>``,
    ``<kind>_bn<tag>``, ``<kind>_relu<tag>``."""
    x = layers.Conv1D(
        p["filters"],
        p["kernel"],
        strides=strides,
        kernel_regularizer=_l2(p["l2"]),
        name=f"{kind}_conv{tag}",
    )(x)
    x = layers.BatchNormalization(name=f"{kind}_bn{tag}")(x)
    return layers.Activation("relu", name=f"{kind}_relu{tag}")(x)


def build_xiao_epi_cnn(shapes, p):
    """menglix/EPI BasicCNN_EPI.py ``model_3lyr_build2`` (L103-146); their Conv2D over
    ``(positions, 1, datasets)`` with ``(k, 1)`` kernels is a Conv1D."""
    inputs, xs = _sigwin_inputs(shapes, p)
    branches = []
    for x, n in zip(xs, SIGNAL_WINDOW_INPUTS):
        kind = n.split("_")[0]
        for i in range(p["conv_layers"]):
            x = _conv_bn_relu(x, p, kind, i + 1)
            if i == p["conv_layers"] - 1:
                x = layers.Dropout(p["dropout_conv"], name=f"{kind}_dropout")(x)
            x = layers.MaxPooling1D(p["pool"], name=f"{kind}_pool{i + 1}")(x)
        branches.append(x)
    x = layers.Concatenate(axis=1, name="merge")(branches)
    return keras.Model(inputs, _xiao_head(x, p), name="epi_cnn")


def _residual_unit(x, filters, kernel, l2, name, pre_activation, init):
    """One of Xiao et al.'s residual units: two same-padded convolutions added to the input;
    ``pre_activation`` (``neck``): BN and ReLU before each convolution; else (``neck1``): a
    convolution, BN, ReLU, a convolution (ResNetCNN_EPI.py L156-207, ResNetCNN_seq.py
    L119-155)."""
    ident = x
    for j in (1, 2):
        if pre_activation or j == 2:
            x = layers.BatchNormalization(name=f"{name}_bn{j}")(x)
            x = layers.Activation("relu", name=f"{name}_relu{j}")(x)
        x = layers.Conv1D(
            filters,
            kernel,
            padding="same",
            kernel_regularizer=_l2(l2),
            kernel_initializer=init,
            name=f"{name}_conv{j}",
        )(x)
    return layers.Add(name=f"{name}_add")([ident, x])


def _residual_blocks(x, p, kernel, name, init):
    """``resrep``: block 1 is ``neck1`` then one ``neck``, later blocks two ``neck``s; each
    block ends in max-pool 2."""
    for b in range(p["res_blocks"]):
        units = [(False, "glorot_normal"), (True, init)] if b == 0 else [(True, init)] * 2
        for u, (pre, ini) in enumerate(units):
            x = _residual_unit(
                x, p["filters"], kernel, p["l2"], f"{name}_res{b + 1}_{u + 1}", pre, ini
            )
        x = layers.MaxPooling1D(2, name=f"{name}_res{b + 1}_pool")(x)
    return x


def build_xiao_epi_resnet(shapes, p):
    """menglix/EPI ResNetCNN_EPI.py ``model_3lyr_build_res`` (L234-267)."""
    inputs, xs = _sigwin_inputs(shapes, p)
    branches = []
    for x, n in zip(xs, SIGNAL_WINDOW_INPUTS):
        kind = n.split("_")[0]
        stride = p["enhancer_stride"] if kind == "enhancer" else 1
        x = _conv_bn_relu(x, p, kind, strides=stride)
        x = layers.MaxPooling1D(p["pool"], name=f"{kind}_pool")(x)
        x = _residual_blocks(x, p, p["res_kernel"], kind, "he_normal")
        x = layers.BatchNormalization(name=f"{kind}_bn_out")(x)
        x = layers.Activation("relu", name=f"{kind}_relu_out")(x)
        branches.append(layers.AveragePooling1D(2, name=f"{kind}_avgpool")(x))
    x = layers.Concatenate(axis=1, name="merge")(branches)
    return keras.Model(inputs, _xiao_head(x, p), name="epi_resnet")


def _central(inputs, p):
    """The central ``central_enhancer``/``central_promoter`` bp of each window
    (AttentionCNN_seq.py L234-240: [1200:1800] of 3,000 and [800:1200] of 2,000)."""
    out = []
    for i, n in zip(inputs, SEQUENCE_INPUTS):
        kind = n.split("_")[0]
        width, keep = i.shape[1], p[f"central_{kind}"]
        if keep > width:
            raise ValueError(f"central_{kind} ({keep}) is longer than the {kind} window ({width})")
        left = (width - keep) // 2
        out.append(layers.Cropping1D((left, width - keep - left), name=f"{kind}_central")(i))
    return out


def _score_bn_sigmoid(x):
    """Dense 1, BN without scale, sigmoid: the output of Xiao et al.'s sequence models."""
    x = layers.Dense(1, name="logit")(x)
    x = layers.BatchNormalization(momentum=0.997, scale=False, name="logit_bn")(x)
    return layers.Activation("sigmoid", name="score", dtype="float32")(x)


def _xiao_seq_front(xs, p, padding, pool):
    """Per branch Conv (L2), ReLU, max-pool (the branches, not yet joined)."""
    branches = []
    for x, n in zip(xs, SEQUENCE_INPUTS):
        kind = n.split("_")[0]
        x = layers.Conv1D(
            p["filters"],
            p["kernel"],
            padding=padding,
            kernel_regularizer=_l2(p["l2"]),
            name=f"{kind}_conv",
        )(x)
        x = layers.Activation("relu", name=f"{kind}_relu")(x)
        branches.append(layers.MaxPooling1D(pool, strides=pool, name=f"{kind}_pool")(x))
    return branches


def _xiao_seq_dense(branches, p):
    """Branches joined along the length, BN, dropout, Dense (activity L2), BN, ReLU: the
    middle of BasicCNN_seq.py (L130-138) and of the attention CNN (L115-123)."""
    x = layers.Concatenate(axis=1, name="merge")(branches)
    x = layers.BatchNormalization(momentum=0.997, name="merge_bn")(x)
    x = layers.Dropout(p["dropout_merge"], name="merge_dropout")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(
        p["dense_units"], activity_regularizer=_l2(p["dense_activity_l2"]), name="dense"
    )(x)
    x = layers.BatchNormalization(momentum=0.997, name="dense_bn")(x)
    return layers.Activation("relu", name="dense_relu")(x)


def build_xiao_seq_cnn(shapes, p):
    """menglix/EPI BasicCNN_seq.py ``seq_attentionmodel`` (L106-148)."""
    inputs = _seq_inputs(shapes)
    x = _xiao_seq_dense(_xiao_seq_front(inputs, p, "same", p["pool"]), p)
    x = layers.Dropout(p["dropout_dense"], name="dense_dropout")(x)
    return keras.Model(inputs, _score_bn_sigmoid(x), name="xiao_seq_cnn")


def build_xiao_seq_attention(shapes, p):
    """menglix/EPI Combine_seq_epigenomics.py ``seq_attentionmodel`` (L143-193), as
    AttentionCNN_seq.py L91-141 with the sizes it leaves undefined."""
    inputs = _seq_inputs(shapes)
    pool = max(p["kernel"] // 2, 1)
    x = _xiao_seq_dense(_xiao_seq_front(_central(inputs, p), p, "valid", pool), p)
    wd = p["attention_l2"]
    a = layers.Dense(
        p["dense_units"], activation="softmax", kernel_regularizer=_l2(wd), name="attention_vec"
    )(x)
    x = layers.Multiply(name="attention_mul")([x, a])
    x = layers.Dense(p["attention_units"], kernel_regularizer=_l2(wd), name="attention_dense")(x)
    a = layers.Dense(
        p["attention_units"],
        activation="softmax",
        kernel_regularizer=_l2(wd / 10),
        name="attention_vec1",
    )(x)
    x = layers.Multiply(name="attention_mul1")([x, a])
    x = layers.Dense(p["feature_units"], kernel_regularizer=_l2(wd / 10), name="feature_dense")(x)
    x = layers.BatchNormalization(momentum=0.997, name="feature_bn")(x)
    x = layers.Activation("relu", name="feature_relu")(x)
    return keras.Model(inputs, _score_bn_sigmoid(x), name="xiao_seq_attention")


def build_xiao_seq_resnet(shapes, p):
    """menglix/EPI ResNetCNN_seq.py ``seq_model`` (L182-219)."""
    inputs = _seq_inputs(shapes)
    branches = []
    for x, n in zip(_xiao_seq_front(_central(inputs, p), p, "valid", p["pool"]), SEQUENCE_INPUTS):
        branches.append(_residual_blocks(x, p, p["res_kernel"], n.split("_")[0], "glorot_normal"))
    x = layers.Concatenate(axis=1, name="merge")(branches)
    x = layers.BatchNormalization(momentum=0.997, name="merge_bn")(x)
    x = layers.Activation("relu", name="merge_relu")(x)
    x = layers.Dropout(p["dropout"], name="merge_dropout")(x)
    x = layers.Flatten(name="flatten")(x)
    return keras.Model(inputs, _score_bn_sigmoid(x), name="xiao_seq_resnet")


# the layer whose output each part of the combined model gives (Combine_seq_epigenomics.py
# L295 'activation_7', L356 'activation_11')
PART_FEATURES = {"epi_cnn": "dense_relu", "xiao_seq_attention": "feature_relu"}


def build_xiao_combined(parts: dict, p):
    """Combine_seq_epigenomics.py: the ``parts`` (trained models by name) up to their
    :data:`PART_FEATURES` layer, frozen and in inference mode (no dropout: the script takes
    their features with ``predict``, L296-299, L357-359), concatenated, standardised (a
    Normalization layer the caller adapts on the training pairs,
    ``epipair.model.train.build_combined``), then the MLP of L394-414."""
    trunks, inputs = [], {}
    for name, model in parts.items():
        trunk = keras.Model(
            model.inputs, model.get_layer(PART_FEATURES[name]).output, name=f"{name}_trunk"
        )
        trunk.trainable = False
        for inp in model.inputs:
            inputs.setdefault(inp.name, keras.Input(shape=inp.shape[1:], name=inp.name))
        trunks.append((trunk, [inp.name for inp in model.inputs]))
    feats = [t([inputs[n] for n in names], training=False) for t, names in trunks]
    x = layers.Concatenate(name="features")(feats)
    x = layers.Normalization(name="standardise")(x)
    for units, drop, tag in (
        (p["dense_units"], p["dropout"], "dense"),
        (p["second_dense_units"], p["second_dropout"], "dense2"),
    ):
        x = layers.Dense(
            units, kernel_initializer="glorot_normal", kernel_regularizer=_l2(p["l2"]), name=tag
        )(x)
        x = layers.BatchNormalization(name=f"{tag}_bn")(x)
        x = layers.Activation("relu", name=f"{tag}_relu")(x)
        x = layers.Dropout(drop, name=f"{tag}_dropout")(x)
    out = layers.Dense(1, activation="sigmoid", name="score", dtype="float32")(x)
    order = [n for n in (*SEQUENCE_INPUTS, *SIGNAL_WINDOW_INPUTS) if n in inputs]
    return keras.Model([inputs[n] for n in order], out, name="seq_epi")


def build(name: str, shapes: dict, params: dict | None = None):
    """Build neural model ``name`` for input ``shapes``, ``params`` over the registry defaults.

    ``shapes``: ``{"enhancer_seq": length, "promoter_seq": length,
    "enhancer_sig": (bins, marks), "promoter_sig": (bins, marks)}`` (only those it reads).
    """
    model = spec(name)
    if not model.neural:
        raise EpipairError(f"{name} is a {model.kind}, not a neural model")
    if model.parts:
        raise EpipairError(
            f"{name} is built on its trained parts ({', '.join(model.parts)}): train them "
            "first; the training rule builds it (epipair.model.train.build_combined)"
        )
    params = model.params(params)
    try:
        return model.builder_function()(shapes, params)
    except ValueError as exc:  # e.g. a pool or kernel longer than what reaches it
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EpipairError(
            f"config model_params.{name}: cannot build {name} for inputs {shapes}: {first}"
        ) from None
