"""The one list of models: name, kind, inputs, output file, builder and paper defaults.

Everything else derives from :data:`MODELS`: the config schema's model enum (a test checks
they are equal), the workflow's rules (which features a model reads, which training rule and
file name it gets), the Keras builders (``epipair.models.build``) and the baselines
(``epipair.baselines``). A new model is one :class:`ModelSpec` here plus its builder.

This module imports neither Keras nor scikit-learn, so the workflow and numpy-only jobs can
read it for free; builders are named as ``"module:function"`` and imported only when used.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import MappingProxyType

from .errors import EpipairError

# Named model inputs. Sequence: one-hot ``[batch, window, 4]``; signal: binned
# ``[batch, bins, marks]``; ``distance``: the pairs table's distance column.
SEQUENCE_INPUTS = ("enhancer_seq", "promoter_seq")
SIGNAL_INPUTS = ("enhancer_sig", "promoter_sig")
DISTANCE_INPUT = ("distance",)
KINDS = ("neural", "baseline")


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
    # (``epipair.splits.PAPER_SCHEMES``; docs/protocols.md cites each to the released code)
    paper: str = "augment_then_split"
    # pre-trained on the other configured cell lines before training on its own
    pretrain: bool = False

    @property
    def neural(self) -> bool:
        return self.kind == "neural"

    @property
    def file_name(self) -> str:
        """The trained model's file under ``results/models/<model>/<protocol>/<cell>/``."""
        return "model.keras" if self.neural else "model.pkl"

    @property
    def reads_sequence(self) -> bool:
        return any(i in SEQUENCE_INPUTS for i in self.inputs)

    @property
    def reads_signal(self) -> bool:
        return any(i in SIGNAL_INPUTS for i in self.inputs)

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
CHOICES = {"second_stage_class_weights": ("as_released", "sqrt")}


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
    **defaults,
) -> ModelSpec:
    presets = MappingProxyType({k: MappingProxyType(v) for k, v in (presets or {}).items()})
    return ModelSpec(
        name, kind, inputs, builder, source, MappingProxyType(defaults), presets, paper, pretrain
    )


_ARCH = "epipair.models.architectures"
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
            presets={
                "retraining_model3": {
                    "filters": 1024,
                    "conv_activation": None,
                    "l2": 1e-6,
                    "dense_l2": 1e-6,
                    "lstm_units": 100,
                    "dense_units": 1000,
                    "second_stage": True,
                },
            },
            filters=200,
            kernel=40,
            pool=20,
            conv_activation="relu",
            l2=1e-5,
            dense_l2=1e-6,
            lstm_units=50,
            dense_units=800,
            dropout_merge=0.25,
            dropout_lstm=0.5,
            dropout_dense=0.5,
            second_stage=False,
            second_stage_epochs=360,
            second_stage_batch_size=50,
            second_stage_class_weights="as_released",
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
            paper="zhuang_basic_training",
            pretrain=True,
            pretrain_epochs=16,
            **SIMPLE_CNN,
        ),
        # A CNN over the binned local signal of enhancer and promoter (marks as channels):
        # this project's reading of the paper's CNN family, not the released menglix/EPI model.
        _spec(
            "epi_cnn",
            "neural",
            SIGNAL_INPUTS,
            f"{_ARCH}:build_epi_cnn",
            "after Xiao, Zhuang & Pan 2019 (Genes); epipair's own sizes",
            filters=64,
            kernel=5,
            pool=2,
            conv_layers=2,
            dense_units=256,
            dropout=0.5,
            l2=1e-5,
        ),
        _spec(
            "seq_epi",
            "neural",
            SEQUENCE_INPUTS + SIGNAL_INPUTS,
            f"{_ARCH}:build_seq_epi",
            "epipair: sequence branches as simple_cnn and signal branches as epi_cnn",
            filters=256,
            kernel=40,
            pool=20,
            conv_activation="relu",
            signal_filters=64,
            signal_kernel=5,
            dense_units=256,
            dropout=0.5,
            l2=1e-5,
        ),
        _spec(
            "cnn_gru",
            "neural",
            SEQUENCE_INPUTS,
            f"{_ARCH}:build_cnn_gru",
            "epipair: a cheaper recurrent alternative to SPEID's BiLSTM",
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
            "epipair.baselines:distance_estimator",
            "epipair baseline (scikit-learn LogisticRegression)",
        ),
        # Gradient boosting on the max and mean of each mark over each window (TargetFinder's
        # per-element features, reduced).
        _spec(
            "gbm",
            "baseline",
            SIGNAL_INPUTS,
            "epipair.baselines:gbm_estimator",
            "epipair baseline (scikit-learn HistGradientBoostingClassifier)",
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
