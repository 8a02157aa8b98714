"""Training of the neural models: seeded, checkpointed every epoch, resumable after a kill.

One call of :func:`train_neural` trains one model for one cell line under one protocol:

- instances per split come from ``epipair.prep.splits.split_instances`` (``leakage_free``:
  pairs.tsv's ``split``, ``random_holdout``: splits_paper.tsv's unshifted rows of scheme
  ``random_holdout``, training positives augmented on the fly; ``paper``: splits_paper.tsv's
  shifted instances, drawn before the split as published);
- Adam on binary cross-entropy; after each epoch the exact validation AUPR
  (``sklearn.metrics.average_precision_score`` on the whole validation split) decides early
  stopping (``patience``) and the best weights; under ``paper``, a model whose released
  script trained otherwise (``registry.ModelSpec.paper_training``: Xiao et al.'s) gets that
  script's class weights or undersampled epochs and early stopping on the validation F1;
- a model that combines trained others (``registry.ModelSpec.parts``: ``seq_epi``) is built
  on them, frozen (:func:`build_combined`), and only its head trains;
- every epoch writes ``checkpoint/last.keras`` (weights and optimizer state),
  ``checkpoint/best.weights.h5`` and ``checkpoint/state.json`` (epoch, history, early-stopping
  counters) under temporary names then renamed. A rerun after a kill resumes at the next
  epoch; batches depend only on ``(seed, epoch)``, so the resumed run sees what an unbroken
  run would have seen;
- the checkpoint is keyed by the run (:func:`run_key`: model, protocol, fold, every setting
  that changes the result and the sha256 of every input file): a checkpoint made under
  another configuration (another split, window, learning rate, ``model_params``, re-extracted
  features) is never resumed; the log names what differs and training starts over;
- a model whose parameters say ``second_stage`` (SPEID's preset ``retraining_model3``) then
  runs SPEID's second stage (:func:`second_stage`);
- ``model.keras`` and ``history.tsv`` are written only when training completes; then the
  checkpoint folder is removed.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import EpipairError
from ..io.atomic import atomic_path, write_text
from ..io.keys import resume_key
from ..io.tables import HISTORY
from ..prep.splits import AUGMENTED_AFTER_SPLIT, RETRAIN, SINGLE
from . import backend, registry
from .data import AugmentedInstances, CellData, FixedInstances, UndersampledInstances
from .metrics import aupr, auroc, f1_at_half
from .predict import load_keras, predict_outputs, predict_scores

log = logging.getLogger(__name__)


def input_files(pairs_path, paper_path, folds_path, features_dir, names) -> dict[str, Path]:
    """``{role: path}`` of every file a training run reads (tables and the model's features;
    ``paper_path`` None: a leakage_free run, which reads no random split)."""
    files = {"pairs": pairs_path}
    if paper_path is not None:
        files["paper"] = paper_path
    if folds_path is not None:
        files["folds"] = folds_path
    for name in names:
        kind, stem = name.split("_")[0], registry.feature_stem(name)
        files[f"{kind}_{stem}"] = Path(features_dir) / f"{kind}_{stem}.npy"
        if stem != "sequence":
            files[f"{stem}_marks"] = Path(features_dir) / f"{stem}_marks.txt"
    return {role: Path(p) for role, p in files.items()}


def run_key(settings: dict, files: dict) -> dict:
    """What defines a training run: ``settings`` (JSON-able) and the sha256 of each input
    (``epipair.io.keys.resume_key``)."""
    return resume_key(settings, files, by="content")


def _differences(old: dict, new: dict, prefix: str = "") -> list[str]:
    """Dotted keys whose values differ between two nested dicts."""
    out = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            out += _differences(a, b, f"{prefix}{key}.")
        elif a != b:
            out.append(f"{prefix}{key}")
    return out


class Checkpoint:
    """The resumable state of one training run, in ``<out>/checkpoint/``, keyed by the run."""

    def __init__(self, folder, key: dict | None = None):
        self.folder = Path(folder)
        self.key = key or {}
        self.state_path = self.folder / "state.json"
        self.last = self.folder / "last.keras"
        self.best = self.folder / "best.weights.h5"

    def load(self):
        """The saved state when it belongs to this run; else ``None`` (a stale checkpoint is
        removed, with a log line naming what changed)."""
        if not (self.state_path.exists() and self.last.exists()):
            return None
        try:
            state = json.loads(self.state_path.read_text())
        except ValueError:
            state = {}
        changed = _differences(state.get("run", {}), self.key)
        if changed:
            log.warning(
                "checkpoint %s was made under another configuration (differs in %s); starting over",
                self.folder,
                ", ".join(changed[:8]) + (", ..." if len(changed) > 8 else ""),
            )
            self.remove()
            return None
        return state

    def save(self, model, state: dict, improved: bool):
        self.folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(self.last, suffix=".keras") as tmp:
            model.save(tmp)
        if improved or not self.best.exists():
            with atomic_path(self.best, suffix=".weights.h5") as tmp:
                model.save_weights(tmp)
        write_text(json.dumps({**state, "run": self.key}, indent=1), self.state_path)

    def remove(self):
        shutil.rmtree(self.folder, ignore_errors=True)


class ModelCache:
    """Compiled models kept across the :func:`train_neural` runs of one process (``train.jobs:
    per_model``: one model on every cell line in turn). A later run of the same model,
    parameters, input shapes and training settings gets the kept model back at the state it
    had before its first epoch (weights, dropout seeds, optimizer), as a fresh build under the
    same seed would be, instead of a new one: the backend then compiles its train and predict
    steps once per job, not once per cell line. Models built on trained parts or changed by a
    second stage are never kept."""

    def __init__(self):
        self._kept = {}

    @staticmethod
    def key(spec, params: dict, shapes: dict, train_cfg: dict) -> str | None:
        if spec.parts or params.get("second_stage"):
            return None
        return json.dumps([spec.name, params, shapes, train_cfg], sort_keys=True, default=str)

    def keep(self, key, model) -> None:
        if key is None:
            return
        model.optimizer.build(model.trainable_variables)  # its slots exist from here on
        snapshot = [v.numpy() for v in model.variables + model.optimizer.variables]
        self._kept[key] = (model, snapshot)

    def restore(self, key):
        """The kept model at its initial state, or ``None``."""
        if key not in self._kept:
            return None
        model, snapshot = self._kept[key]
        for variable, value in zip(model.variables + model.optimizer.variables, snapshot):
            variable.assign(value)
        model.reset_metrics()
        return model


@dataclass(frozen=True)
class FeatureSettings:
    """How the features of every stage are read: ``windows``, ``augment`` (the config's
    sections) and the signal ``marks``; built once per run."""

    windows: dict
    augment: dict
    marks: list[str] | None

    def open(self, pairs_path, paper_path, features_dir, protocol, model, **more) -> CellData:
        """:meth:`epipair.model.data.CellData.open` with these settings (``more``: ``folds_path``
        and ``fold`` of a cross-validation run, the ``model_params``)."""
        return CellData.open(
            pairs_path,
            paper_path,
            features_dir,
            protocol=protocol,
            windows=self.windows,
            augment=self.augment,
            marks=self.marks,
            model=model,
            **more,
        )


@dataclass(frozen=True)
class TrainInputs:
    """The files one training run reads: the cell line's tables (``paper_path`` None under
    leakage_free) and features, the fold; ``pretrain``: ``{cell line: {"pairs", "paper",
    "features_dir"}}`` of the other cell lines, for a model that pre-trains on them
    (``registry.ModelSpec.pretrain``); ``parts``: ``{model: trained model file}``, for a model
    that combines others (``registry.ModelSpec.parts``)."""

    pairs_path: Path
    features_dir: Path
    paper_path: Path | None = None
    folds_path: Path | None = None
    fold: str = SINGLE
    pretrain: dict = field(default_factory=dict)
    parts: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Resources:
    """What a run may use, never what it computes: backend ``threads``, data-loading
    ``workers`` and a :class:`ModelCache` shared by the runs of one process."""

    threads: int | None = None
    workers: int = 1
    cache: ModelCache | None = None


@dataclass(frozen=True)
class ValidationSet:
    """The own cell line's validation instances, scored after every epoch of every stage."""

    features: Any
    names: tuple
    labels: np.ndarray
    rows: np.ndarray
    shifts: np.ndarray
    batch_size: int

    def scores(self, model) -> dict:
        """``val_aupr``, ``val_auroc`` and ``val_f1`` of ``model`` on these instances."""
        s = predict_scores(
            model, self.features, self.names, self.rows, self.shifts, self.batch_size
        )
        y = self.labels[self.rows]
        return {"val_aupr": aupr(y, s), "val_auroc": auroc(y, s), "val_f1": f1_at_half(y, s)}


@dataclass(frozen=True)
class Stage:
    """One stage of a training schedule: ``name`` (the history's ``stage`` column), epochs,
    batch size, the metric that decides early stopping (``monitor``) and its ``patience``
    (``None``: every epoch runs), which weights are kept (``"best"`` or ``"last"``) and the
    Keras class weights."""

    name: str
    epochs: int
    batch_size: int
    monitor: str = "val_aupr"
    patience: int | None = None
    keep: str = "best"
    class_weight: dict | None = None


@dataclass
class Run:
    """One training run prepared: its data, instances, batches and what keys its checkpoint."""

    spec: registry.ModelSpec
    data: CellData
    valid: ValidationSet
    train_rows: np.ndarray
    train_ds: Any
    settings: dict
    files: dict
    seed: int
    model_params: dict | None  # as configured (``settings["model_params"]``: resolved)
    train_cfg: dict  # the settings it trains under (:func:`schedule_settings`)
    released: registry.StageSpec | None  # the released training stage, under paper
    released_schedule: bool  # its learning rate, batch and epochs too (paper_schedule)


def train_neural(
    model_name: str,
    protocol: str,
    inputs: TrainInputs,
    features: FeatureSettings,
    train_cfg: dict,
    model_params: dict | None,
    out_model,
    out_history,
    resources: Resources | None = None,
) -> pd.DataFrame:
    """Train one model on the configured Keras backend; see the module docstring.

    ``train_cfg``: the settings that change the result (``epipair.config.train_params``);
    ``resources`` do not. Returns the history."""
    resources = resources or Resources()
    _setup_backend(train_cfg, resources.threads)
    run = prepare(model_name, protocol, inputs, features, train_cfg, model_params, resources)
    ckpt = Checkpoint(Path(out_model).parent / "checkpoint", run_key(run.settings, run.files))
    model, state = resume_or_build(run, ckpt, inputs, features, resources.cache)
    _log_start(model, run, protocol)
    stage = main_stage(run)
    run_stage(model, run.train_ds, stage, run.valid, state, ckpt)
    keep_weights(model, stage, state, ckpt)
    params = run.settings["model_params"]
    if params.get("second_stage"):
        second_stage(
            model,
            run.valid,
            second_stage_rows(run),
            params=params,
            learning_rate=float(run.train_cfg["learning_rate"]),
            seed=run.seed,
            history=state["history"],
        )
    history = write_outputs(model, state["history"], out_model, out_history)
    ckpt.remove()
    return history


def second_stage_rows(run: Run) -> np.ndarray:
    """The pairs a second stage fits: its own split where the paper scheme has one (SPEID's
    retraining_model3, ``epipair.prep.splits.RETRAIN``), else the training pairs, unaugmented."""
    rows, _ = run.data.instances(RETRAIN)
    return rows if rows.size else np.unique(run.train_rows)


def _setup_backend(train_cfg: dict, threads: int | None) -> None:
    backend.select(train_cfg.get("backend", "tensorflow"))
    if threads:
        backend.set_threads(threads)
    backend.seed_everything(int(train_cfg["seed"]))


def prepare(model_name, protocol, inputs, features, train_cfg, model_params, resources) -> Run:
    """Open the data, check the splits, choose the training instances and batches, and collect
    what defines the run (its settings and input files)."""
    from .batches import PairBatches

    more = {"folds_path": inputs.folds_path, "fold": inputs.fold, "model_params": model_params}
    data = features.open(
        inputs.pairs_path, inputs.paper_path, inputs.features_dir, protocol, model_name, **more
    )
    spec = registry.spec(model_name)
    names = spec.inputs
    data.require(names, model_name, inputs.features_dir)
    (tr_rows, tr_shifts), (va_rows, va_shifts) = data.instances("train"), data.instances("valid")
    for what, rows in (("training", tr_rows), ("validation", va_rows)):
        if rows.size == 0 or data.labels[rows].sum() == 0:
            raise EpipairError(
                f"{inputs.pairs_path}: the {what} split of protocol {protocol} has no positive pair"
            )
    released, train_cfg = schedule_settings(spec, protocol, train_cfg, model_params)
    seed, bs = int(train_cfg["seed"]), int(train_cfg["batch_size"])
    in_full = released is not None and registry.released_rates(train_cfg)
    if in_full:  # the released Keras 1/2 semantics too
        model_params = registry.released_model_params(spec, model_params, bs)
    balanced = None  # None: not undersampled; else samples per epoch (0: one balanced pass)
    if released is not None and released.undersample:
        balanced = released.steps * bs if in_full and released.steps else 0
    instances = training_instances(
        protocol, balanced, data.labels, tr_rows, tr_shifts, features, seed
    )
    workers = int(resources.workers)
    train_ds = PairBatches(
        data.features,
        data.labels,
        instances,
        names,
        bs,
        shuffle=True,
        seed=seed,
        workers=workers,
        use_multiprocessing=workers > 1,
    )
    settings = {
        "model": model_name,
        "protocol": protocol,
        "fold": inputs.fold,
        "windows": features.windows,
        "augment": features.augment,
        "train": train_cfg,
        "model_params": spec.params(model_params),
        "marks": features.marks,
    }
    valid = ValidationSet(data.features, names, data.labels, va_rows, va_shifts, bs)
    files = run_files(inputs, names)
    return Run(
        spec, data, valid, tr_rows, train_ds, settings, files, seed, model_params, train_cfg,
        released, in_full,
    )  # fmt: skip


def schedule_settings(spec, protocol: str, train_cfg: dict, model_params):
    """``(released stage, train settings)`` of a run. Under ``paper`` the model's released
    training stage (``registry.ModelSpec.released_stage``) decides class weights, sampling,
    early stopping and the weights kept; with ``train.paper_schedule: released`` (the
    default) its learning rate, batch size and epochs too, else the config's (``config``: a
    quick run of the same protocol). Under the other protocols, epipair's schedule: the
    config's ``train`` section, and no released stage."""
    released = spec.released_stage("train", model_params) if protocol == "paper" else None
    if released is None or not registry.released_rates(train_cfg):
        return released, train_cfg
    schedule = {"learning_rate": released.learning_rate, "batch_size": released.batch_size}
    return released, {**train_cfg, **schedule, "epochs": released.epochs}


def training_instances(protocol, balanced: int | None, labels, rows, shifts, features, seed):
    """The sampler of the training instances: positives augmented on the fly (the protocols
    that augment after the split), balanced epochs (a released script that undersampled:
    ``balanced`` samples an epoch, 0 for one balanced pass), or the instances as drawn
    (``paper``)."""
    if protocol in AUGMENTED_AFTER_SPLIT:
        return AugmentedInstances.configured(rows, labels, features.augment, seed)
    if balanced is not None:
        return UndersampledInstances(rows, labels, seed, per_epoch=balanced or None)
    return FixedInstances(rows, shifts)


def run_files(inputs: TrainInputs, names) -> dict[str, Path]:
    """Every file that defines the run (:func:`input_files`), the pre-training cell lines' and
    the trained parts' included."""
    files = input_files(
        inputs.pairs_path, inputs.paper_path, inputs.folds_path, inputs.features_dir, names
    )
    for cell, src in sorted(inputs.pretrain.items()):  # pre-training data defines the run too
        other = input_files(src["pairs"], src["paper"], None, src["features_dir"], names)
        files.update({f"pretrain:{cell}:{role}": path for role, path in other.items()})
    files.update({f"part:{name}": Path(path) for name, path in inputs.parts.items()})
    return files


def resume_or_build(run: Run, ckpt, inputs, features, cache):
    """``(model, state)``: resumed from the checkpoint of this run, or built (or taken back
    from ``cache``), compiled and, for a model that pre-trains, pre-trained."""
    state = ckpt.load()
    if state is not None:
        state.setdefault("best", state.pop("best_aupr", -1.0))  # an earlier version's name
        log.info("resuming from %s after epoch %d", ckpt.folder, state["epoch"])
        return load_keras(ckpt.last), state
    model = build_model(run, inputs, cache)
    scale_over_pairs(model, run)
    state = {"epoch": 0, "history": [], "best": -1.0, "best_epoch": 0, "wait": 0, "stopped": False}
    if run.spec.pretrain:
        if not inputs.pretrain:
            raise EpipairError(
                f"{run.spec.name} pre-trains on the other cell lines, but none is configured"
            )
        held_out = held_out_chromosomes(run.data) if run.data.protocol == "leakage_free" else set()
        stage = pretrain_stage(run)
        released = run.spec.released_stage("pretrain", run.model_params)
        fresh_bn = run.released_schedule and released and "BatchNormalization" in released.reset
        for cell, src in inputs.pretrain.items():
            other = features.open(
                src["pairs"], src["paper"], src["features_dir"], run.data.protocol, run.spec.name,
                model_params=run.model_params,
            )  # fmt: skip
            if fresh_bn:  # the released script rebuilds the network's BN per cell line
                reset_batch_normalisation(model)
                log.info("pre-training on %s: batch normalisation reset, as released", cell)
            pretrain_on(model, other, cell, held_out, stage, features.augment, run, state)
    return model, state


def scale_over_pairs(model, run: Run) -> None:
    """Set the model's :class:`~epipair.model.architectures.PairScale` layers: each
    (position, dataset) divided by its L2 norm over every pair of the cell line, test pairs
    included, as menglix/EPI ResNetCNN_EPI.py L65-66 did (``normalize: over_pairs``), or by
    its root mean square over the training pairs (``train_pairs``: the same scale up to the
    constant ``sqrt(pairs)``, which leaves inputs near 1 whatever the number of pairs)."""
    from .architectures import PAIR_SCALED

    how = run.settings["model_params"].get("normalize")
    if how not in PAIR_SCALED:
        return
    rows = np.unique(run.train_rows) if how == "train_pairs" else np.arange(len(run.data.pairs))
    if how == "over_pairs" and run.data.protocol != "paper":
        log.warning(
            "normalize: over_pairs scales the inputs with the held-out pairs' signal too (as "
            "released): protocol %s is then not wholly leakage-free; train_pairs is",
            run.data.protocol,
        )
    for name in run.spec.inputs:
        norm = run.data.features.l2_over_pairs(name, rows)
        if how == "train_pairs":
            norm = norm / np.sqrt(rows.size)
        layer = model.get_layer(f"{name}_pairscale")
        layer.inverse_norm.assign((1.0 / norm).astype(np.float32))
    log.info("%s: inputs scaled over %d pairs (normalize: %s)", run.spec.name, rows.size, how)


def summed_loss(run: Run) -> bool:
    """A released schedule whose loss is summed over the batch (Zhuang et al.'s transfer
    learning, basic_general_training.py L25; compiled once, so its fine-tuning too)."""
    stages = (run.spec.released_stage(n, run.model_params) for n in ("pretrain", "train"))
    return run.released_schedule and any(s is not None and s.loss == "sum" for s in stages)


def pretrain_stage(run: Run) -> Stage:
    """Pre-training on each other cell line: the released schedule's epochs (with
    ``paper_schedule: released``) or ``model_params.pretrain_epochs``, at the run's batch."""
    released = run.spec.released_stage("pretrain", run.model_params)
    epochs = int(run.settings["model_params"]["pretrain_epochs"])
    if run.released_schedule and released is not None:
        epochs = released.epochs
    return Stage("pretrain", epochs, int(run.train_cfg["batch_size"]))


def build_model(run: Run, inputs: TrainInputs, cache):
    """A compiled model at its initial state: the one ``cache`` kept for the same model and
    settings, or a new one (on its trained parts, for a model that combines others)."""
    import keras

    from . import architectures as models

    spec, params, feats = run.spec, run.settings["model_params"], run.data.features
    train_cfg = run.train_cfg
    key = ModelCache.key(spec, params, feats.shapes(), train_cfg)
    model = cache.restore(key) if cache is not None else None
    if model is not None:
        log.info("%s: the model of this job's previous run, reset to its initial state", spec.name)
        return model
    if spec.parts:
        bs = int(train_cfg["batch_size"])
        model = build_combined(
            spec.name, inputs.parts, params, feats, spec.inputs, run.train_rows, bs
        )
    else:
        model = models.build(spec.name, feats.shapes(), run.model_params)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=float(train_cfg["learning_rate"])),
        loss=keras.losses.BinaryCrossentropy(reduction="sum")
        if summed_loss(run)
        else "binary_crossentropy",
    )
    if cache is not None:
        cache.keep(key, model)
    return model


def _log_start(model, run: Run, protocol: str) -> None:
    log.info(
        "model %s, protocol %s, fold %s: %d parameters; %d training instances per epoch "
        "(%d pairs), %d validation instances; device: %s",
        run.spec.name,
        protocol,
        run.settings["fold"],
        model.count_params(),
        run.train_ds.n_samples,
        np.unique(run.train_rows).size,
        run.valid.rows.size,
        backend.describe_device(),
    )


def main_stage(run: Run) -> Stage:
    """The training stage: the run's epochs and batch with early stopping on the validation
    AUPR (the config's patience) and the best epoch kept; under ``paper``, the released
    stage's stopping rule (``None``: every epoch), the weights it kept and its class weights."""
    cfg, released = run.train_cfg, run.released
    stage = Stage(
        "train", int(cfg["epochs"]), int(cfg["batch_size"]), patience=int(cfg["patience"])
    )
    if released is None:
        return stage
    labels = run.data.labels[run.train_rows]
    stage = replace(
        stage,
        monitor=released.monitor or "val_aupr",
        patience=released.patience if released.monitor else None,
        keep=released.keep,
        class_weight=class_weights(released.class_weight, labels),
    )
    log.info(
        "paper protocol, %s schedule: %s; class weights %s%s",
        "released" if run.released_schedule else "the config's",
        released.describe(rates=run.released_schedule),
        stage.class_weight,
        ", balanced epochs (negatives undersampled)" if released.undersample else "",
    )
    return stage


def run_stage(model, ds, stage: Stage, valid: ValidationSet, state: dict, ckpt) -> None:
    """The epochs of ``stage`` from ``state["epoch"]`` on, each checkpointed, until early
    stopping (``stage.patience`` epochs without a better ``stage.monitor``)."""
    patience = stage.patience if stage.patience is not None else stage.epochs + 1
    for epoch in range(state["epoch"], stage.epochs):
        if state["stopped"]:
            break
        row = fit_epoch(model, ds, epoch, stage.name, epoch + 1, valid, stage.class_weight)
        state["history"].append(row)
        improved = row[stage.monitor] > state["best"]
        if improved:
            state.update(best=row[stage.monitor], best_epoch=epoch + 1, wait=0)
        else:
            state["wait"] += 1
            state["stopped"] = state["wait"] >= patience
        state["epoch"] = epoch + 1
        log.info(
            "epoch %d/%d: loss %.4f, val AUPR %.4f (AUROC %.4f, F1 %.4f), %.1f samples/s%s",
            epoch + 1,
            stage.epochs,
            row["loss"],
            row["val_aupr"],
            row["val_auroc"],
            row["val_f1"],
            row["samples_per_s"],
            ", early stop" if state["stopped"] else "",
        )
        ckpt.save(model, state, improved)


def keep_weights(model, stage: Stage, state: dict, ckpt) -> None:
    """The last epoch's weights (``stage.keep == "last"``) or the best epoch's."""
    if stage.keep == "last":
        log.info("kept the last epoch's weights (val AUPR %.4f)", state["history"][-1]["val_aupr"])
        return
    model.load_weights(ckpt.best)
    log.info("best epoch %d (%s %.4f)", state["best_epoch"], stage.monitor, state["best"])


def write_outputs(model, history: list, out_model, out_history) -> pd.DataFrame:
    """``model.keras`` and ``history.tsv``, each written atomically."""
    with atomic_path(out_model, suffix=".keras") as tmp:
        model.save(tmp)
    table = pd.DataFrame(history, columns=list(HISTORY.columns))
    HISTORY.write(table, out_history)
    return table


def fit_epoch(
    model, ds, epoch: int, stage: str, number: int, valid: ValidationSet, class_weight=None
) -> dict:
    """One epoch of ``ds`` (drawn for ``epoch``), then ``valid`` scored: the history row
    (``number``: its ``epoch`` column)."""
    ds.set_epoch(epoch)
    t0 = time.perf_counter()
    loss = train_batches(model, ds, class_weight)
    seconds = time.perf_counter() - t0
    return {
        "epoch": number,
        "stage": stage,
        "loss": loss,
        **valid.scores(model),
        "seconds": round(seconds, 3),
        "samples_per_s": round(ds.n_samples / seconds, 1),
    }


def train_batches(model, ds, class_weight=None) -> float:
    """One pass over the batches of ``ds`` as drawn; returns the epoch's mean loss (the mean
    of the batches' losses weighted by their sizes, as ``fit`` reports it).

    With loader workers (``train.workers`` > 1) Keras's ``fit`` prepares batches in parallel
    processes; with one, the batches go to ``train_on_batch`` in order: the same updates
    without Keras's dataset adapter, which on the CPU cost as much as the model itself
    (SPEID's demo preset: 1.31 s an epoch through ``fit``, 0.65 s this way).

    The optimizer's slots are made before the first step: made inside it, they cost
    TensorFlow a second trace of the training step (1.5 s for the demo's epi_cnn)."""
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    if ds.workers > 1:
        fit = model.fit(ds, epochs=1, verbose=0, shuffle=False, class_weight=class_weight)
        return float(fit.history["loss"][-1])
    total = n = 0
    for i in range(len(ds)):
        x, y = ds[i]
        logs = model.train_on_batch(x, y, class_weight=class_weight, return_dict=True)
        total, n = total + float(logs["loss"]) * y.size, n + y.size  # fit's weighting
    return total / max(n, 1)


def class_weights(how, labels) -> dict | None:
    """Keras ``class_weight``: ``"balanced"`` is scikit-learn's ``n / (2 n_class)`` on the
    training ``labels`` (menglix/EPI BasicCNN_EPI.py L226-229); a mapping is used as given
    (``{0: 1, 1: 800}``, BasicCNN_seq.py L241); ``None``: none."""
    if how is None:
        return None
    if how == "balanced":
        labels = np.asarray(labels)
        counts = np.bincount(labels.astype(np.int64), minlength=2)
        return {c: float(labels.size / (2 * counts[c])) for c in (0, 1) if counts[c]}
    return {int(k): float(v) for k, v in dict(how).items()}


def build_combined(model_name: str, parts: dict | None, params: dict, features, names, rows, bs):
    """Xiao et al.'s combined model (menglix/EPI combined/Combine_seq_epigenomics.py) from the
    trained ``parts`` ``{model: file}``: their feature layers frozen, the standardisation
    adapted to the training pairs' features (StandardScaler fitted on the training set,
    L369-378), a new head."""
    import keras

    from .architectures import build_xiao_combined

    wanted = registry.spec(model_name).parts
    missing = [p for p in wanted if p not in (parts or {})]
    if missing:
        raise EpipairError(
            f"{model_name} combines trained {', '.join(wanted)}; not given: {missing}"
        )
    loaded = {p: load_keras(parts[p]) for p in wanted}
    model = build_xiao_combined(loaded, params)
    head_in = keras.Model(model.inputs, model.get_layer("features").output)
    rows = np.unique(rows)
    feats = predict_outputs(head_in, features, names, rows, np.zeros_like(rows), bs)
    norm = model.get_layer("standardise")
    norm.adapt(feats)
    # StandardScaler divides a constant feature by 1, Keras by max(sd, 1e-7): as the former
    variance = np.asarray(norm.adapt_variance)
    norm.adapt_variance.assign(np.where(variance > 0, variance, 1.0).astype(variance.dtype))
    norm.finalize_state()
    log.info(
        "combined %s: %d features from %s, standardised on %d training pairs",
        model_name,
        feats.shape[1],
        ", ".join(f"{p} ({parts[p]})" for p in wanted),
        rows.size,
    )
    return model


def held_out_chromosomes(data: CellData) -> set[str]:
    """Chromosomes of the pairs a ``leakage_free`` split (or fold) does not train on."""
    rows = np.setdiff1d(np.arange(len(data.pairs)), data.instances("train")[0])
    return set(data.pairs["enhancer_chrom"].to_numpy()[rows]) | set(
        data.pairs["promoter_chrom"].to_numpy()[rows]
    )


def pretrain_on(
    model, other: CellData, cell: str, held_out: set[str], stage: Stage, augment, run, state
) -> int:
    """Zhuang et al.'s pre-training (basic_general_training.py L46-116): ``stage.epochs``
    epochs on another cell line's pairs. Under ``leakage_free``: all its pairs but those on a
    ``held_out`` chromosome (the own cell line's test and validation chromosomes, of this fold:
    the genome is shared), training positives augmented on the fly; otherwise the training
    instances of its own split under the protocol, as the script draws them per cell line.
    The own cell line's validation set (``run.valid``) is scored after each epoch for the
    history (stage ``pretrain:<cell>``). Returns the instances used."""
    from .batches import PairBatches

    pairs = other.pairs
    if other.protocol == "leakage_free":
        rows = np.arange(len(pairs))
        shifts = np.zeros(rows.size, dtype=np.int64)
    else:
        rows, shifts = other.instances("train")
    keep = ~(
        pairs["enhancer_chrom"].isin(held_out).to_numpy()[rows]
        | pairs["promoter_chrom"].isin(held_out).to_numpy()[rows]
    )
    rows, shifts = rows[keep], shifts[keep]
    if other.protocol in AUGMENTED_AFTER_SPLIT:
        inst = AugmentedInstances.configured(rows, other.labels, augment, run.seed)
    else:
        inst = FixedInstances(rows, shifts)
    names = run.spec.inputs
    ds = PairBatches(
        other.features, other.labels, inst, names, stage.batch_size, shuffle=True, seed=run.seed
    )
    log.info(
        "pre-training on %s: %d instances per epoch (%d left out on held-out chromosomes %s)",
        cell,
        ds.n_samples,
        int((~keep).sum()),
        ",".join(sorted(held_out)) or "none",
    )
    history, valid = state["history"], replace(run.valid, batch_size=stage.batch_size)
    for epoch in range(stage.epochs):
        history.append(fit_epoch(model, ds, epoch, f"pretrain:{cell}", epoch + 1, valid))
        log.info(
            "pre-training on %s, epoch %d/%d: loss %.4f, own val AUPR %.4f",
            cell,
            epoch + 1,
            stage.epochs,
            history[-1]["loss"],
            history[-1]["val_aupr"],
        )
    return ds.n_samples


SECOND_STAGE_FROZEN = ("Conv1D", "Bidirectional", "LSTM", "GRU")


def second_stage(
    model,
    valid: ValidationSet,
    rows,
    *,
    params: dict,
    learning_rate: float,
    seed: int,
    history: list,
):
    """SPEID's second stage (ma-compbio/SPEID@edb9d9b pairwise/frozen_model/
    retraining_model3.py, lines 117-156, with build_model.py's ``build_frozen_model``).

    - fresh batch normalisation: every BatchNormalization layer back to its initial state
      (gamma 1, beta 0, moving mean 0, moving variance 1), as the script rebuilds the model
      with new BN layers "to reset/remove the batch normalization layers";
    - convolutions and the (Bi)LSTM frozen; the dense layers keep their weights and train;
    - Adam at the training learning rate, ``second_stage_epochs`` epochs (360) of batch
      ``second_stage_batch_size`` (50) on ``rows`` (:func:`second_stage_rows`), unaugmented,
      at their natural class ratio; no early stopping, the last epoch's weights are kept (the script
      saves no checkpoint in this stage);
    - class weights ``as_released``: 1 and 1, since ``(1/(1 - pos_frac))**(1/2)`` is
      ``x**0`` under Python 2's integer division; ``sqrt``: the ``1/sqrt(class share)`` the
      script meant.

    ``valid``: the own cell line's validation set, scored after each epoch for the history
    (at this stage's batch size). Appends rows with stage ``second_stage`` to ``history``.
    """
    import keras

    from .batches import PairBatches

    frozen = freeze_for_second_stage(model)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy")
    labels = valid.labels
    if params["second_stage_class_weights"] == "sqrt":
        share = labels[rows].mean()
        weights = {0: float((1 / (1 - share)) ** 0.5), 1: float((1 / share) ** 0.5)}
    else:
        weights = {0: 1.0, 1: 1.0}
    batch = int(params["second_stage_batch_size"])
    ds = PairBatches(
        valid.features,
        labels,
        FixedInstances(rows),
        valid.names,
        batch,
        shuffle=True,
        seed=seed + 1,
    )
    log.info(
        "second stage: frozen %s; batch normalisation reset; %d pairs (%.1f%% positive); "
        "class weights %s",
        frozen,
        rows.size,
        100 * labels[rows].mean(),
        weights,
    )
    valid = replace(valid, batch_size=batch)
    for epoch in range(int(params["second_stage_epochs"])):
        row = fit_epoch(model, ds, epoch, "second_stage", len(history) + 1, valid, weights)
        history.append(row)
        log.info(
            "second stage epoch %d: loss %.4f, val AUPR %.4f",
            epoch + 1,
            row["loss"],
            row["val_aupr"],
        )
    return frozen


def freeze_for_second_stage(model) -> list[str]:
    """Freeze the convolutions and (Bi)LSTMs and put every batch normalisation layer back to
    its initial state (gamma 1, beta 0, moving mean 0, moving variance 1); returns the names
    of the frozen layers."""
    frozen = []
    for layer in model.layers:
        if type(layer).__name__ in SECOND_STAGE_FROZEN:
            layer.trainable = False
            frozen.append(layer.name)
    reset_batch_normalisation(model)
    return frozen


def reset_batch_normalisation(model) -> None:
    """Every BatchNormalization layer back to its initial state (gamma 1, beta 0, moving mean
    0, moving variance 1), as a network rebuilt with new BN layers has them."""
    import keras

    initial = (("gamma", 1.0), ("beta", 0.0), ("moving_mean", 0.0), ("moving_variance", 1.0))
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            for name, value in initial:  # gamma is None without scale, beta without center
                variable = getattr(layer, name, None)
                if variable is not None:
                    variable.assign(np.full(variable.shape, value, dtype=variable.dtype))
