"""The one list of models: name, kind, inputs, output file, builder and paper defaults.

Everything else derives from :data:`MODELS`: the config schema's model enum (a test checks
they are equal), the workflow's rules (which features a model reads, which training rule and
file name it gets), the Keras builders (``epipair.model.architectures.build``) and the baselines
(``epipair.model.baselines``). A new model is one :class:`ModelSpec` here plus its builder.

This module imports neither Keras nor scikit-learn, so the workflow and numpy-only jobs can
read it for free; builders are named as ``"module:function"`` and imported only when used.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import MappingProxyType

from ..errors import EpipairError

# Named model inputs. Sequence: one-hot ``[batch, window, 4]``; signal: binned
# ``[batch, bins, marks]``; signal windows: the mean over ``windows.signal_window`` bp every
# ``windows.signal_step`` bp (Xiao et al.'s input) ``[batch, positions, marks]``;
# ``distance``: the pairs table's distance column.
SEQUENCE_INPUTS = ("enhancer_seq", "promoter_seq")
SIGNAL_INPUTS = ("enhancer_sig", "promoter_sig")
SIGNAL_WINDOW_INPUTS = ("enhancer_sigwin", "promoter_sigwin")
DISTANCE_INPUT = ("distance",)
# the Activity-by-Contact model's input: the cell line's candidate elements with their activity
# and the genes' TSSs, and their Hi-C rows (results/<cell>/features/abc_elements.tsv, abc_tss.tsv,
# abc_contact.npz; epipair.model.abc, epipair.io.hic)
ABC_INPUT = ("abc_elements",)
# the pair features of epipair.model.e2g, built from the same tables for every pair set
# (results/<sample>/features/pair_features.tsv)
PAIR_FEATURE_INPUT = ("pair_features",)
PAIR_FEATURE_FILE = "pair_features.tsv"
KINDS = ("neural", "baseline")
# an input's suffix -> the stem of its feature files (results/<cell>/features/<kind>_<stem>.npy,
# and <stem>_marks.txt for the signal ones)
FEATURE_STEMS = {"seq": "sequence", "sig": "signal", "sigwin": "signal_windows"}


def feature_stem(name: str) -> str:
    """``enhancer_sigwin`` -> ``signal_windows``."""
    return FEATURE_STEMS[name.split("_", 1)[1]]


@dataclass(frozen=True)
class ModelSpec:
    """One model. ``defaults`` are the released code's hyperparameters (cited in ``source``);
    ``config["model_params"][name]`` overrides them key by key."""

    name: str
    kind: str
    inputs: tuple[str, ...]
    builder: str
    source: str
    defaults: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    # named sets of defaults (``model_params.<model>.preset``): another released configuration
    presets: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    # the model's own published protocol, which ``protocol: paper`` runs
    # (``epipair.prep.splits.PAPER_SCHEMES``; docs/protocols.md cites each to the released code)
    paper: str = "augment_then_split"
    # pre-trained on the other configured cell lines before training on its own
    pretrain: bool = False
    # the released training schedule, which ``protocol: paper`` runs (:class:`StageSpec`,
    # each value cited); ``{"default": stages, <preset>: stages}``; none: epipair's own model
    released: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    # models trained first whose trunks this one combines (Xiao et al.'s combined model)
    parts: tuple[str, ...] = ()
    # a preset's own published protocol where it differs from ``paper`` ({preset: scheme})
    preset_paper: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    @property
    def neural(self) -> bool:
        return self.kind == "neural"

    @property
    def file_name(self) -> str:
        """The trained model's file under ``results/models/<model>/<protocol>/<cell>/``."""
        return "model.keras" if self.neural else "model.skops"

    @property
    def reads_elements(self) -> bool:
        """Reads the cell line's ABC candidate elements (scores pairs without training)."""
        return any(i in ABC_INPUT for i in self.inputs)

    @property
    def reads_pair_features(self) -> bool:
        """Reads the pair features of ``epipair.model.e2g`` (built from the candidate elements)."""
        return any(i in PAIR_FEATURE_INPUT for i in self.inputs)

    @property
    def needs_elements(self) -> bool:
        """Needs the cell line's candidate elements and genes: directly (abc) or through its
        pair features (e2g)."""
        return self.reads_elements or self.reads_pair_features

    @property
    def reads_sequence(self) -> bool:
        return any(i in SEQUENCE_INPUTS for i in self.inputs)

    @property
    def reads_signal(self) -> bool:
        """Reads epigenomic tracks (binned or as sliding windows)."""
        return self.reads_binned_signal or self.reads_signal_windows

    @property
    def reads_binned_signal(self) -> bool:
        return any(i in SIGNAL_INPUTS for i in self.inputs)

    @property
    def reads_signal_windows(self) -> bool:
        return any(i in SIGNAL_WINDOW_INPUTS for i in self.inputs)

    @property
    def window_keys(self) -> tuple[str, ...]:
        """The ``windows`` keys beside the element windows that this model's inputs depend on
        (``signal_bin`` for binned signal; ``signal_window``, ``signal_step`` for Xiao et al.'s
        sliding means)."""
        keys = ("signal_bin",) if self.reads_binned_signal else ()
        return keys + (("signal_window", "signal_step") if self.reads_signal_windows else ())

    def released_stage(self, name: str, model_params: dict | None = None) -> StageSpec | None:
        """The released schedule's stage ``name`` (``train``, ``pretrain``, ``second_stage``)
        for the configured ``model_params`` (a preset with a schedule of its own uses it);
        ``None`` when the released code has no such stage or the model no released code."""
        preset = (model_params or {}).get("preset")
        stages = self.released.get(preset) or self.released.get("default", ())
        return next((s for s in stages if s.name == name), None)

    def paper_scheme(self, model_params: dict | None = None) -> str:
        """The scheme ``protocol: paper`` runs for the configured ``model_params``: the
        preset's own (SPEID's ``retraining_model3``) or the model's."""
        return self.preset_paper.get((model_params or {}).get("preset"), self.paper)

    def builder_function(self):
        """The builder, imported now (this may load Keras or scikit-learn)."""
        module, _, attr = self.builder.partition(":")
        return getattr(importlib.import_module(module), attr)

    def params(self, overrides: dict | None = None) -> dict:
        """Defaults with ``overrides``; for neural models, an unknown key is an error, and every
        known key's value is checked (:func:`check_param`)."""
        overrides = dict(overrides or {})
        defaults = dict(self.defaults)
        preset = overrides.pop("preset", None)
        if preset is not None:
            if preset not in self.presets:
                known = ", ".join(self.presets) or "none"
                raise EpipairError(
                    f"config model_params.{self.name}.preset: unknown preset {preset!r}; "
                    f"known: {known}"
                )
            defaults.update(self.presets[preset])
        unknown = sorted(set(overrides) - set(self.defaults))
        if self.neural and unknown:
            raise EpipairError(
                f"config model_params.{self.name}: unknown key(s) {', '.join(unknown)}; "
                f"known: {', '.join(self.defaults)}"
            )
        for key, value in overrides.items():
            if key in self.defaults:
                check_param(f"config model_params.{self.name}.{key}", value, self.defaults[key])
        return {**defaults, **overrides}


# hyperparameters that take one of a few words
CHOICES = {
    "lstm_recurrent_activation": ("sigmoid", "hard_sigmoid"),
    "second_stage_class_weights": ("as_released", "sqrt"),
    "normalize": ("position", "train_pairs", "over_pairs", "none"),
    "init_motifs": ("none", "jaspar"),
}


@dataclass(frozen=True)
class StageSpec:
    """One stage of a released training schedule, as the released script ran it (``cite``:
    its file and lines). ``data``: the instances, in words; Adam at ``learning_rate``,
    ``batch_size``, ``epochs``; ``monitor`` (``val_f1``: early stopping on the validation F1
    at 0.5, as Keras' ``val_f1`` did; ``None``: every epoch runs) with ``patience``; ``keep``
    the ``best`` or the ``last`` epoch's weights; ``class_weight`` (``"balanced"``:
    scikit-learn's n / (2 n_class) on the training pairs, or ``{label: weight}``);
    ``undersample``: each epoch all training positives and as many negatives drawn at random
    (``steps`` batches an epoch, cycling such balanced passes; ``None``: one pass);
    ``loss``: binary cross-entropy averaged (``mean``) or ``sum``-med over the batch;
    ``frozen`` and ``reset``: layers not trained, and reset to their initial state, in it."""

    name: str
    data: str
    learning_rate: float
    batch_size: int
    epochs: int
    cite: str
    monitor: str | None = None
    patience: int | None = None
    keep: str = "last"
    class_weight: object = None
    undersample: bool = False
    steps: int | None = None
    loss: str = "mean"
    frozen: tuple[str, ...] = ()
    reset: tuple[str, ...] = ()

    def describe(self, rates: bool = True) -> str:
        """One line: what a report says of this stage (``rates``: False when the config's
        rate, batch and epochs run instead, so its balanced steps too)."""
        stop = (
            f"early stopping on {self.monitor} (patience {self.patience})"
            if self.monitor
            else "no early stopping"
        )
        steps = f" of {self.steps} balanced batches" if self.steps and rates else ""
        return (
            f"{self.name}: {self.data}; Adam {self.learning_rate:g}, batch {self.batch_size}, "
            f"{self.epochs} epochs{steps}, {stop}, {self.keep} weights ({self.cite})"
        )


def released_rates(train: dict) -> bool:
    """Whether ``protocol: paper`` takes the released learning rate, batch size and epochs
    (``train.paper_schedule: released``, the schema's default) or the config's."""
    return train.get("paper_schedule", "released") == "released"


def released_model_params(spec: ModelSpec, model_params: dict | None, batch_size: int) -> dict:
    """``model_params`` as the released Keras 1/2 code meant them, under Keras 3 (the released
    schedule, ``paper``), where the configured ones leave them at the defaults: SPEID's LSTM
    with Keras 1's default recurrent activation, ``hard_sigmoid`` (``build_small_model.py``
    L61-63 sets none); activity L2 penalties summed over the batch as Keras 2 did
    (``topology.py`` L644-646), where Keras 3 divides them by the batch size
    (``keras/src/layers/layer.py``): the coefficient times ``batch_size``."""
    given = dict(model_params or {})
    resolved = spec.params(given)
    out = dict(given)
    if "lstm_recurrent_activation" in resolved and "lstm_recurrent_activation" not in given:
        out["lstm_recurrent_activation"] = "hard_sigmoid"
    if resolved.get("dense_activity_l2") and "dense_activity_l2" not in given:
        out["dense_activity_l2"] = resolved["dense_activity_l2"] * batch_size
    return out


def schedule_text(name: str, protocol: str, train: dict, model_params: dict | None) -> str:
    """What a report says of how ``name`` trains under ``protocol`` (``train``: the config's
    section; ``epipair.model.train.schedule_settings`` runs it)."""
    spec = MODELS[name]
    if not spec.neural:
        return "fitted by scikit-learn (no epochs)"
    stages = spec.released.get((model_params or {}).get("preset")) or spec.released.get("default")
    own = f"Adam {train['learning_rate']:g}, batch {train['batch_size']}, {train['epochs']} epochs"
    if protocol != "paper" or not stages:
        return f"epipair's (config train): {own}, early stopping on the validation AUPR " + (
            f"(patience {train['patience']}), best weights"
        )
    if released_rates(train):
        return (
            "released (its rates, epochs and rules; the instances of the model's paper scheme, "
            "docs/protocols.md lists where they differ): " + "; ".join(s.describe() for s in stages)
        )
    return (
        f"paper_schedule config: {own} (config train) instead of the released rates; the "
        "released stopping rule, kept weights and class weights of: "
        + "; ".join(s.describe(rates=False) for s in stages)
    )


def check_param(where: str, value, default) -> None:
    """A hyperparameter's value must suit its default: sizes and counts (integer defaults) are
    integers >= 1, dropout rates lie in [0, 1), rates and penalties are numbers (rates > 0,
    penalties >= 0), switches are true or false."""
    name = where.rsplit(".", 1)[-1]
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if name in CHOICES:
        ok, want = value in CHOICES[name], "one of " + ", ".join(CHOICES[name])
    elif isinstance(default, bool):
        ok, want = isinstance(value, bool), "true or false"
    elif isinstance(default, int):
        ok, want = number and value == int(value) and value >= 1, "an integer >= 1"
    elif isinstance(default, float) and name.startswith("dropout"):
        ok, want = number and 0 <= value < 1, "a number in [0, 1)"
    elif isinstance(default, float) and "l2" in name:
        ok, want = number and value >= 0, "a number >= 0"
    elif isinstance(default, float):
        ok, want = number and value > 0, "a number > 0"
    else:
        return
    if not ok:
        raise EpipairError(f"{where}: must be {want}, got {value!r}")


def _spec(
    name,
    kind,
    inputs,
    builder,
    source,
    presets=None,
    paper="augment_then_split",
    pretrain=False,
    released=None,
    parts=(),
    preset_paper=None,
    **defaults,
) -> ModelSpec:
    presets = MappingProxyType({k: MappingProxyType(v) for k, v in (presets or {}).items()})
    if isinstance(released, tuple):
        released = {"default": released}
    return ModelSpec(
        name,
        kind,
        inputs,
        builder,
        source,
        MappingProxyType(defaults),
        presets,
        paper,
        pretrain,
        MappingProxyType(dict(released or {})),
        tuple(parts),
        MappingProxyType(dict(preset_paper or {})),
    )


_ARCH = "epipair.model.architectures"
# build_sim_model.py (the README's Fig. 1 structure): per branch Conv 1024 x 40, ReLU, Conv
# 200 x 20, ReLU, max-pool 20; no LSTM; Dense 800. second_conv: false drops the second
# convolution.
SIMPLE_CNN = dict(
    filters=1024,
    kernel=40,
    pool=20,
    conv_activation="relu",
    l2=1e-5,
    second_conv=True,
    second_filters=200,
    second_kernel=20,
    dense_units=800,
    dense_l2=1e-6,
    dropout_merge=0.25,
    dropout_dense=0.5,
)
# Demo-size presets (``model_params.<model>.preset: demo``): the same layers, few filters and
# units, so that the embedded demo trains every model in seconds on a laptop CPU. The demo
# config, the tests and the benchmarks all take a model's demo size from here.
SIMPLE_CNN_DEMO = dict(
    filters=32, kernel=12, second_filters=16, second_kernel=8, pool=20, dense_units=64
)
# The released training schedules (``protocol: paper``, train.paper_schedule: released), read
# at ma-compbio/SPEID@edb9d9b, zzUMN/Combine-CNN-Enhancer-and-Promoters@012871d and
# menglix/EPI@a63d3fa; docs/protocols.md lists what epipair runs otherwise, and why.
SPEID_SECOND_STAGE_EPOCHS, SPEID_SECOND_STAGE_BATCH = 360, 50  # retraining_model3.py L30, L127
SPEID_BASIC = (
    # Adam(lr=1e-5) (L25), batch 100 and 32 epochs (L20-21, L84-86), a checkpoint of every
    # epoch to one path (L77-78: the last is kept), no validation split (L22, L83)
    StageSpec("train", "every pair of the cell line", 1e-5, 100, 32,
              "SPEID pairwise/basic_training.py L20-25, L77-78, L84-86"),
)  # fmt: skip
SPEID_RETRAINING = (
    # stage 1 on the first 90% of the shuffled augmented set, batch 50, 32 epochs, the last
    # epoch carried on (its best-val checkpoint is written, not loaded: L51)
    StageSpec("train", "the first 90% of the shuffled augmented pairs", 1e-5, 50, 32,
              "SPEID pairwise/frozen_model/retraining_model3.py L29-35, L42-43, L94-96"),
    # stage 2: new batch normalisation, convolutions and LSTM frozen, the first 90% of the
    # original pairs, class weights (1/x)**(1/2) = 1 under Python 2, no checkpoint
    StageSpec("second_stage", "the first 90% of the original (unaugmented) pairs", 1e-5,
              SPEID_SECOND_STAGE_BATCH, SPEID_SECOND_STAGE_EPOCHS,
              "SPEID pairwise/frozen_model/retraining_model3.py L117-156",
              class_weight={0: 1.0, 1: 1.0}, frozen=("Conv1D", "Bidirectional"),
              reset=("BatchNormalization",)),
)  # fmt: skip
ZHUANG_BASIC = (
    # Adam(lr=1e-5) (L31), batch 50, 32 epochs (L25-26), a 50% draw with replacement to
    # train and a 9% draw to validate (L45-46), no checkpoint: the last epoch (L92, L101)
    StageSpec("train", "a 50% draw with replacement of the pairs", 1e-5, 50, 32,
              "Zhuang Keras-Test/basic_training.py L25-31, L45-46, L92-101"),
)  # fmt: skip
ZHUANG_TRANSFER = (
    # 16 epochs per other cell line on an 81% draw, batch 100, the loss summed over the batch
    # (custom_loss), the network rebuilt with new batch normalisation per cell line
    StageSpec("pretrain", "each other cell line in turn, an 81% draw with replacement", 1e-5,
              100, 16, "Zhuang Keras-Test/basic_general_training.py L19-41, L56-70, L113",
              loss="sum", reset=("BatchNormalization",)),
    # fine-tuning: 32 epochs on an 81% draw of the own cell line, batch 100, the same optimiser
    StageSpec("train", "an 81% draw with replacement of the own pairs", 1e-5, 100, 32,
              "Zhuang Keras-Test/basic_general_training.py L34-36, L119-139"),
)  # fmt: skip
XIAO_SPLIT = "training chromosomes (test chr1, validation chr8 and chr9)"


def xiao_stage(lr, batch, epochs, cite, class_weight=None, keep="best", **more) -> tuple:
    """Xiao et al.'s one stage: early stopping on the validation F1 with patience 10 and the
    best epoch checkpointed (every script, e.g. BasicCNN_EPI.py L234-242)."""
    return (
        StageSpec("train", XIAO_SPLIT, lr, batch, epochs, f"menglix/EPI {cite}",
                  monitor="val_f1", patience=10, keep=keep, class_weight=class_weight, **more),
    )  # fmt: skip


MODELS: dict[str, ModelSpec] = {
    s.name: s
    for s in (
        # SPEID as its README says to train it, per cell line: basic_training.py builds
        # build_small_model.py (200 kernels of 40 with ReLU, conv L2 1e-5, BiLSTM 50 per
        # direction, Dense 800 with L2 1e-6), and predict.py loads those weights
        # ("small_model_balanced<cell>-noJASPAR.hdf5"). Preset "retraining_model3": the
        # 1,024-kernel model of pairwise/frozen_model/build_model.py (no activation after the
        # convolution: its ReLU is commented out; L2 1e-6; BiLSTM 100; Dense 1000) with the
        # second stage of frozen_model/retraining_model3.py (lines 117-156): fresh batch
        # normalisation, convolution and LSTM frozen, 360 epochs of batch 50 on the
        # unaugmented pairs, class weights 1:1 (the script's (1/x)**(1/2) is x**0 in
        # Python 2, whose 1/2 is 0; "sqrt" gives the weights it meant).
        _spec(
            "speid",
            "neural",
            SEQUENCE_INPUTS,
            f"{_ARCH}:build_speid",
            "Singh et al. 2019 (SPEID), ma-compbio/SPEID@edb9d9b pairwise/build_small_model.py "
            "(basic_training.py); preset retraining_model3: pairwise/frozen_model/",
            paper="speid_basic_training",
            preset_paper={"retraining_model3": "speid_retraining_model3"},
            released={"default": SPEID_BASIC, "retraining_model3": SPEID_RETRAINING},
            presets={
                "demo": {
                    "filters": 32,
                    "kernel": 12,
                    "pool": 20,
                    "lstm_units": 16,
                    "dense_units": 64,
                },
                "retraining_model3": {
                    "filters": 1024,
                    "conv_activation": None,
                    "l2": 1e-6,
                    "dense_l2": 1e-6,
                    "lstm_units": 100,
                    "dense_units": 1000,
                    "second_stage": True,
                    "init_motifs": "jaspar",  # build_model(use_JASPAR=True): L49, L74
                },
            },
            filters=200,
            kernel=40,
            pool=20,
            conv_activation="relu",
            l2=1e-5,
            dense_l2=1e-6,
            lstm_units=50,
            # Keras 3's default; Keras 1's LSTM (SPEID's) defaulted to hard_sigmoid, which the
            # released schedule (paper) uses (released_model_params)
            lstm_recurrent_activation="sigmoid",
            dense_units=800,
            dropout_merge=0.25,
            dropout_lstm=0.5,
            dropout_dense=0.5,
            second_stage=False,
            second_stage_epochs=SPEID_SECOND_STAGE_EPOCHS,
            second_stage_batch_size=SPEID_SECOND_STAGE_BATCH,
            second_stage_class_weights="as_released",
            # init_motifs "jaspar": build_model(use_JASPAR=True) of
            # pairwise/frozen_model/build_model.py L74-98 (retraining_model3.py L49), kernels
            # set from JASPAR CORE 2016 vertebrates (pairwise/util.py L5-23); basic_training.py
            # L39 builds with use_JASPAR=False, hence the default
            init_motifs="none",
            jaspar_release="JASPAR2016",
        ),
        # Zhuang et al. section 2.3.1: SIMPLE_CNN, trained on its own cell line
        _spec(
            "simple_cnn",
            "neural",
            SEQUENCE_INPUTS,
            f"{_ARCH}:build_simple_cnn",
            "Zhuang, Shen & Pan 2019, zzUMN/Combine-CNN-Enhancer-and-Promoters "
            "Keras-Test/build_sim_model.py",
            paper="zhuang_basic_training",
            released=ZHUANG_BASIC,
            presets={"demo": SIMPLE_CNN_DEMO},
            **SIMPLE_CNN,
        ),
        # Zhuang et al.'s transfer learning (section 2.3.2, basic_general_training.py): the
        # same network pre-trained on the other configured cell lines in turn,
        # pretrain_epochs each (16, L35), then trained on its own cell line (all layers).
        # Under leakage_free, pre-training leaves out every pair on a chromosome the own
        # cell line holds out (the cell lines share one genome).
        _spec(
            "simple_cnn_transfer",
            "neural",
            SEQUENCE_INPUTS,
            f"{_ARCH}:build_simple_cnn",
            "Zhuang, Shen & Pan 2019, zzUMN/Combine-CNN-Enhancer-and-Promoters "
            "Keras-Test/basic_general_training.py",
            paper="zhuang_general_training",
            pretrain=True,
            released=ZHUANG_TRANSFER,
            presets={"demo": {**SIMPLE_CNN_DEMO, "pretrain_epochs": 1}},
            pretrain_epochs=16,
            **SIMPLE_CNN,
        ),
        # Xiao, Zhuang & Pan 2019 (Genes), menglix/EPI@a63d3fa. Their input: the mean of each
        # dataset over 50-bp windows every 10 bp (296 and 196 positions), each position
        # scaled to unit L2 norm over the datasets (BasicCNN_EPI.py L35-36). Their protocol
        # (scheme xiao_chromosome_split): no augmentation; test chr1, validation chr8 and chr9
        # (L197-215); early stopping on validation F1, patience 10, best weights (L234-242).
        # BasicCNN_EPI.py model_3lyr_build2(256,256,256,16,16,16,2,2,2,512) (L103-146, L240):
        # per branch three blocks of Conv 256 x 16 (valid, L2 1e-5), BN, ReLU, max-pool 2
        # (dropout 0.2 before the third pool); branches joined along the length; dropout 0.3,
        # BN, Dense 512 (L2 1e-7), BN, ReLU, dropout 0.6, sigmoid. Adam 1e-6 (L104), batch 200,
        # up to 300 epochs (L98-100), balanced class weights (L226-229).
        _spec(
            "epi_cnn",
            "neural",
            SIGNAL_WINDOW_INPUTS,
            f"{_ARCH}:build_xiao_epi_cnn",
            "Xiao, Zhuang & Pan 2019, menglix/EPI@a63d3fa BasicCNN_EPI.py",
            paper="xiao_chromosome_split",
            released=xiao_stage(1e-6, 200, 300, "BasicCNN_EPI.py L98-104, L226-242", "balanced"),
            presets={"demo": {"filters": 16, "kernel": 3, "dense_units": 32}},
            normalize="position",
            filters=256,
            kernel=16,
            pool=2,
            conv_layers=3,
            l2=1e-5,
            dropout_conv=0.2,
            dropout_merge=0.3,
            dense_units=512,
            dense_l2=1e-7,
            dropout_dense=0.6,
        ),
        # ResNetCNN_EPI.py model_3lyr_build_res(256, 2, 7, 3, 800) (L234-267, L343; the sizes
        # from grid index 150, L37-50; dropouts 0.3 and 0.6 from index 249, L52-61): per branch
        # Conv 256 x 7 (stride 2 on the enhancer, L237, 1 on the promoter, L246), BN, ReLU,
        # max-pool 3, two residual blocks of 3-wide convolutions (L156-230), BN, ReLU, average
        # pool 2; joined along the length; dropout 0.3, BN, Dense 800, BN, ReLU, dropout 0.6,
        # sigmoid. Adam 1e-6 (L235; learningRate 1e-3 of L58 is unused), batch 64 (L57),
        # balanced mini-batches by undersampling the negatives (BalancedSequence, L110-147),
        # no class weights (L150-153).
        _spec(
            "epi_resnet",
            "neural",
            SIGNAL_WINDOW_INPUTS,
            f"{_ARCH}:build_xiao_epi_resnet",
            "Xiao, Zhuang & Pan 2019, menglix/EPI@a63d3fa ResNetCNN_EPI.py",
            paper="xiao_chromosome_split",
            # 15 epochs of 200 balanced batches (L150-153); its checkpoint is defined but not
            # passed (L339), so the model ends at the last epoch (L347 then loads a file that
            # no run wrote)
            released=xiao_stage(
                1e-6,
                64,
                15,
                "ResNetCNN_EPI.py L57, L110-153, L235, L339-347",
                keep="last",
                undersample=True,
                steps=200,
            ),
            presets={"demo": {"filters": 16, "kernel": 5, "pool": 2, "dense_units": 32}},
            # the script scales each (position, dataset) over all pairs, test pairs included
            # (L65-66): normalize: over_pairs; train_pairs: over the training pairs only;
            # epipair's default scales each pair on its own, as BasicCNN_EPI.py (L35-36)
            normalize="position",
            filters=256,
            kernel=7,
            enhancer_stride=2,
            pool=3,
            res_blocks=2,
            res_kernel=3,
            l2=1e-5,
            dropout_merge=0.3,
            dense_units=800,
            dense_l2=1e-7,
            dropout_dense=0.6,
        ),
        # BasicCNN_seq.py seq_attentionmodel() (L106-148; despite its name, no attention):
        # per branch Conv 300 x 40 (same padding, L2 2e-5), ReLU, max-pool 20; joined; BN,
        # dropout 0.2, Dense 800 (activity L2 2e-5), BN, ReLU, dropout 0.8, Dense 1, BN
        # without scale, sigmoid. Adam 1e-7 and batch 64 (grid index 9, L40-45), 20 epochs
        # (L155), class weights 1:800 (L241).
        _spec(
            "xiao_seq_cnn",
            "neural",
            SEQUENCE_INPUTS,
            f"{_ARCH}:build_xiao_seq_cnn",
            "Xiao, Zhuang & Pan 2019, menglix/EPI@a63d3fa BasicCNN_seq.py",
            paper="xiao_chromosome_split",
            released=xiao_stage(
                1e-7, 64, 20, "BasicCNN_seq.py L40-45, L155, L241-250", {0: 1.0, 1: 800.0}
            ),
            presets={"demo": {"filters": 16, "kernel": 12, "dense_units": 32}},
            filters=300,
            kernel=40,
            pool=20,
            l2=2e-5,
            dropout_merge=0.2,
            dense_units=800,
            dense_activity_l2=2e-5,
            dropout_dense=0.8,
        ),
        # The attention CNN on the central 600 bp of the enhancer and 400 bp of the promoter
        # (AttentionCNN_seq.py L91-141, crop L234-240). That script leaves n_kernels and
        # weightDecay undefined (it stops with a NameError); Combine_seq_epigenomics.py, which
        # loads the trained model, builds it with 256 kernels of 8 and weight decay 0 (L34-42,
        # L143-193): Conv (valid, L2 2e-5), ReLU, max-pool 4; joined; BN, dropout 0.2, Dense
        # 800 (activity L2 1e-6), BN, ReLU, softmax attention 800 and product, Dense 256,
        # softmax attention 256 and product, Dense 128, BN, ReLU, Dense 1, BN without scale,
        # sigmoid. Adam 1e-5, batch 200, up to 300 epochs (AttentionCNN_seq.py L40-41,
        # L145-153), class weights 1:800 (L247).
        _spec(
            "xiao_seq_attention",
            "neural",
            SEQUENCE_INPUTS,
            f"{_ARCH}:build_xiao_seq_attention",
            "Xiao, Zhuang & Pan 2019, menglix/EPI@a63d3fa AttentionCNN_seq.py, sizes from "
            "combined/Combine_seq_epigenomics.py",
            paper="xiao_chromosome_split",
            released=xiao_stage(
                1e-5, 200, 300, "AttentionCNN_seq.py L40, L149-150, L243-256", {0: 1.0, 1: 800.0}
            ),
            presets={
                "demo": {
                    "filters": 32,
                    "dense_units": 64,
                    "central_enhancer": 300,
                    "central_promoter": 300,
                }
            },
            central_enhancer=600,
            central_promoter=400,
            filters=256,
            kernel=8,
            l2=2e-5,
            dropout_merge=0.2,
            dense_units=800,
            dense_activity_l2=1e-6,
            attention_units=256,
            feature_units=128,
            attention_l2=0.0,
        ),
        # ResNetCNN_seq.py seq_model() (L182-219) at grid index 30 (L30-36): 64 kernels, 3
        # residual blocks (the comment says 2; the index gives 3) of 8-wide convolutions, on
        # the central 600/400 bp: Conv 64 x 8 (valid, L2 2e-5), ReLU, max-pool 10, residual
        # blocks (L119-178, each ending in max-pool 2); joined; BN, ReLU, dropout 0.5, Dense 1,
        # BN without scale, sigmoid. Adam 1e-5, batch 200, up to 300 epochs (L48, L221-229),
        # class weights 1:800 (L325).
        _spec(
            "xiao_seq_resnet",
            "neural",
            SEQUENCE_INPUTS,
            f"{_ARCH}:build_xiao_seq_resnet",
            "Xiao, Zhuang & Pan 2019, menglix/EPI@a63d3fa ResNetCNN_seq.py",
            paper="xiao_chromosome_split",
            released=xiao_stage(
                1e-5, 200, 300, "ResNetCNN_seq.py L48, L225-226, L321-334", {0: 1.0, 1: 800.0}
            ),
            presets={
                "demo": {
                    "filters": 32,
                    "res_blocks": 2,
                    "central_enhancer": 300,
                    "central_promoter": 300,
                }
            },
            central_enhancer=600,
            central_promoter=400,
            filters=64,
            kernel=8,
            pool=10,
            res_blocks=3,
            res_kernel=8,
            l2=2e-5,
            dropout=0.5,
        ),
        # Combine_seq_epigenomics.py: the trained epi_cnn's Dense-512 output after ReLU
        # (L294-299) and the trained xiao_seq_attention's Dense-128 output after ReLU
        # (L355-359), both frozen, concatenated, standardised on the training pairs
        # (StandardScaler, L369-378), then Dense 128 and Dense 512 (L2 1e-6, BN, ReLU,
        # dropout 0.3 and 0.5) and a sigmoid (grid index 116, L380-414). Adam 1e-5, batch 200,
        # up to 300 epochs, balanced class weights, early stopping on validation F1
        # (L276-279, L416-432).
        _spec(
            "seq_epi",
            "neural",
            SEQUENCE_INPUTS + SIGNAL_WINDOW_INPUTS,
            f"{_ARCH}:build_xiao_combined",
            "Xiao, Zhuang & Pan 2019, menglix/EPI@a63d3fa combined/Combine_seq_epigenomics.py",
            paper="xiao_chromosome_split",
            released=xiao_stage(
                1e-5, 200, 300, "combined/Combine_seq_epigenomics.py L276-279, L389-432", "balanced"
            ),
            parts=("epi_cnn", "xiao_seq_attention"),
            presets={"demo": {"dense_units": 16, "second_dense_units": 32}},
            dense_units=128,
            second_dense_units=512,
            l2=1e-6,
            dropout=0.3,
            second_dropout=0.5,
        ),
        _spec(
            "cnn_gru",
            "neural",
            SEQUENCE_INPUTS,
            f"{_ARCH}:build_cnn_gru",
            "epipair: a cheaper recurrent alternative to SPEID's BiLSTM",
            presets={
                "demo": {
                    "filters": 32,
                    "kernel": 12,
                    "pool": 10,
                    "gru_units": 16,
                    "dense_units": 32,
                    "dropout": 0.2,
                }
            },
            filters=256,
            kernel=20,
            pool=10,
            conv_layers=2,
            gru_units=64,
            dense_units=256,
            dropout=0.5,
            l2=1e-6,
        ),
        # Logistic regression on log10(1 + distance): at the base rate on TargetFinder, whose
        # negatives are distance-matched; a strong reference on data at the natural ratio.
        _spec(
            "distance",
            "baseline",
            DISTANCE_INPUT,
            "epipair.model.baselines:distance_estimator",
            "epipair baseline (scikit-learn LogisticRegression)",
        ),
        # Gradient boosting on the max and mean of each mark over each window (TargetFinder's
        # per-element features, reduced).
        _spec(
            "gbm",
            "baseline",
            SIGNAL_INPUTS,
            "epipair.model.baselines:gbm_estimator",
            "epipair baseline (scikit-learn HistGradientBoostingClassifier)",
            max_iter=200,
            learning_rate=0.05,
        ),
        # The Activity-by-Contact model as released (epipair.model.abc cites each step): trains
        # nothing; its "model" holds the cell line's candidate elements and their activity.
        _spec(
            "abc",
            "baseline",
            ABC_INPUT,
            "epipair.model.abc:abc_estimator",
            "Fulco et al. 2019, broadinstitute/ABC-Enhancer-Gene-Prediction@1b737c6f (v0.2.2) "
            "src/predictor.py, src/hic.py, src/neighborhoods.py, src/peaks.py",
        ),
        # ENCODE-rE2G's kind of model (Gschwind et al. 2023, EngreitzLab/ENCODE_rE2G: a logistic
        # regression over ABC-derived features): epipair's pair features (epipair.model.e2g),
        # trained on the labels it is given; e2g_gbm: gradient boosting on the same features.
        _spec(
            "e2g",
            "baseline",
            PAIR_FEATURE_INPUT,
            "epipair.model.e2g:e2g_estimator",
            "epipair, after ENCODE-rE2G (scikit-learn LogisticRegression on epipair.model.e2g "
            "features)",
        ),
        _spec(
            "e2g_gbm",
            "baseline",
            PAIR_FEATURE_INPUT,
            "epipair.model.e2g:e2g_gbm_estimator",
            "epipair (scikit-learn HistGradientBoostingClassifier on epipair.model.e2g features)",
            max_iter=200,
            learning_rate=0.05,
        ),
    )
}


def spec(name: str) -> ModelSpec:
    try:
        return MODELS[name]
    except KeyError:
        raise EpipairError(f"unknown model {name!r}; known: {', '.join(MODELS)}") from None


def names(kind: str | None = None) -> list[str]:
    """Model names in registry order, all or of one kind (``neural`` or ``baseline``)."""
    if kind is not None and kind not in KINDS:
        raise EpipairError(f"unknown model kind {kind!r}; known: {', '.join(KINDS)}")
    return [n for n, s in MODELS.items() if kind is None or s.kind == kind]


def reads_sequence(models) -> bool:
    """Whether any of ``models`` reads sequence (the genome FASTA is needed)."""
    return any(spec(m).reads_sequence for m in models)


def reads_signal(models) -> bool:
    """Whether any of ``models`` reads epigenomic signal (tracks are needed)."""
    return any(spec(m).reads_signal for m in models)


def reads_elements(models) -> bool:
    """Whether any of ``models`` reads a cell line's candidate elements (abc)."""
    return any(spec(m).reads_elements for m in models)


def needs_elements(models) -> bool:
    """Whether any of ``models`` needs a cell line's candidate elements (abc, e2g)."""
    return any(spec(m).needs_elements for m in models)


def reads_signal_windows(models) -> bool:
    """Whether any of ``models`` reads the sliding-window signal (Xiao et al.'s input)."""
    return any(spec(m).reads_signal_windows for m in models)
