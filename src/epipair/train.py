"""Training of the neural models: seeded, checkpointed every epoch, resumable after a kill.

One call of :func:`train_neural` trains one model for one cell line under one protocol:

- instances per split come from ``epipair.splits.split_instances`` (``leakage_free``:
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
from pathlib import Path

import numpy as np
import pandas as pd

from . import backend, registry
from .atomic import atomic_path, write_text
from .data import AugmentedInstances, CellData, FixedInstances, UndersampledInstances
from .errors import EpipairError
from .metrics import aupr, auroc, f1_at_half
from .predict import load_keras, predict_outputs, predict_scores
from .splits import AUGMENTED_AFTER_SPLIT, PAPER_SCHEMES, SINGLE
from .tables import HISTORY

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
    """What defines a training run: ``settings`` (JSON-able) and the sha256 of each input."""
    from .download import sha256sum

    return {
        "settings": json.loads(json.dumps(settings, sort_keys=True, default=str)),
        "inputs": {role: sha256sum(p) for role, p in sorted(files.items()) if p.exists()},
    }


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


def train_neural(
    model_name: str,
    protocol: str,
    *,
    pairs_path,
    paper_path,
    folds_path=None,
    fold: str = SINGLE,
    features_dir,
    windows: dict,
    augment: dict,
    train_cfg: dict,
    model_params: dict | None,
    marks: list[str] | None,
    out_model,
    out_history,
    threads: int | None = None,
    workers: int = 1,
    pretrain: dict | None = None,
    parts: dict | None = None,
    cache: ModelCache | None = None,
) -> pd.DataFrame:
    """Train one model on the configured Keras backend; see the module docstring.

    ``train_cfg``: the settings that change the result (``epipair.config.train_params``);
    ``threads`` and ``workers`` (data-loading processes) are resources. ``pretrain``: for a
    model that pre-trains (``registry.ModelSpec.pretrain``), ``{cell line: {"pairs", "paper",
    "folds", "features_dir"}}`` of the other cell lines (:func:`pretrain_on`). ``parts``: for a
    model that combines others (``registry.ModelSpec.parts``), ``{model: trained model file}``
    of the same protocol, cell line and fold (:func:`build_combined`). ``cache``: a
    :class:`ModelCache` shared by the runs of one process (``train.jobs: per_model``). Returns
    the history.
    """
    backend.select(train_cfg.get("backend", "tensorflow"))
    if threads:
        backend.set_threads(threads)
    import keras

    from . import models
    from .batches import PairBatches

    seed = int(train_cfg["seed"])
    backend.seed_everything(seed)
    data = CellData.open(
        pairs_path,
        paper_path,
        features_dir,
        protocol=protocol,
        windows=windows,
        augment=augment,
        marks=marks,
        folds_path=folds_path,
        fold=fold,
        model=model_name,
    )
    spec = registry.spec(model_name)
    labels, features = data.labels, data.features
    names = spec.inputs
    data.require(names, model_name, features_dir)

    tr_rows, tr_shifts = data.instances("train")
    va_rows, va_shifts = data.instances("valid")
    for what, rows in (("training", tr_rows), ("validation", va_rows)):
        if rows.size == 0 or labels[rows].sum() == 0:
            raise EpipairError(
                f"{pairs_path}: the {what} split of protocol {protocol} has no positive pair"
            )
    # how the released script trained it under its own protocol (registry.PAPER_TRAINING)
    recipe = dict(spec.paper_training) if protocol == "paper" else {}
    class_weight = class_weights(recipe.get("class_weight"), labels[tr_rows])
    if protocol in AUGMENTED_AFTER_SPLIT:
        train_inst = AugmentedInstances.configured(tr_rows, labels, augment, seed)
    elif recipe.get("undersample"):
        train_inst = UndersampledInstances(tr_rows, labels, seed)
    else:
        train_inst = FixedInstances(tr_rows, tr_shifts)
    bs = int(train_cfg["batch_size"])
    workers = int(workers)
    train_ds = PairBatches(
        features,
        labels,
        train_inst,
        names,
        bs,
        shuffle=True,
        seed=seed,
        workers=workers,
        use_multiprocessing=workers > 1,
    )
    out_dir = Path(out_model).parent
    settings = {
        "model": model_name,
        "protocol": protocol,
        "fold": fold,
        "windows": windows,
        "augment": augment,
        "train": train_cfg,
        "model_params": spec.params(model_params),
        "marks": marks,
    }
    files = input_files(pairs_path, paper_path, folds_path, features_dir, names)
    for cell, src in sorted((pretrain or {}).items()):  # pre-training data defines the run too
        other = input_files(src["pairs"], src["paper"], None, src["features_dir"], names)
        files.update({f"pretrain:{cell}:{role}": path for role, path in other.items()})
    files.update({f"part:{name}": Path(path) for name, path in (parts or {}).items()})
    ckpt = Checkpoint(out_dir / "checkpoint", run_key(settings, files))

    state = ckpt.load()
    if state is not None:
        model = load_keras(ckpt.last)
        state.setdefault("best", state.pop("best_aupr", -1.0))  # an earlier version's name
        log.info("resuming from %s after epoch %d", ckpt.folder, state["epoch"])
    else:
        key = ModelCache.key(spec, settings["model_params"], features.shapes(), train_cfg)
        model = cache.restore(key) if cache is not None else None
        if model is not None:
            log.info(
                "%s: the model of this job's previous run, reset to its initial state", model_name
            )
        else:
            if spec.parts:
                model = build_combined(
                    model_name, parts, settings["model_params"], features, names, tr_rows, bs
                )
            else:
                model = models.build(model_name, features.shapes(), model_params)
            model.compile(
                optimizer=keras.optimizers.Adam(learning_rate=float(train_cfg["learning_rate"])),
                loss="binary_crossentropy",
            )
            if cache is not None:
                cache.keep(key, model)
        state = {
            "epoch": 0,
            "history": [],
            "best": -1.0,
            "best_epoch": 0,
            "wait": 0,
            "stopped": False,
        }
        if spec.pretrain:
            held_out = held_out_chromosomes(data) if protocol == "leakage_free" else set()
            for cell, src in (pretrain or {}).items():
                other = CellData.open(
                    src["pairs"],
                    src["paper"],
                    src["features_dir"],
                    protocol=protocol,
                    windows=windows,
                    augment=augment,
                    marks=marks,
                    model=model_name,
                )
                pretrain_on(
                    model,
                    other,
                    cell,
                    held_out,
                    names=names,
                    augment=augment,
                    epochs=int(settings["model_params"]["pretrain_epochs"]),
                    batch_size=int(train_cfg["batch_size"]),
                    seed=seed,
                    valid=(features, labels, va_rows, va_shifts),
                    history=state["history"],
                )
            if not pretrain:
                raise EpipairError(
                    f"{model_name} pre-trains on the other cell lines, but none is configured"
                )
    log.info(
        "model %s, protocol %s, fold %s: %d parameters; %d training instances per epoch "
        "(%d pairs), %d validation instances; device: %s",
        model_name,
        protocol,
        fold,
        model.count_params(),
        train_ds.n_samples,
        np.unique(tr_rows).size,
        va_rows.size,
        backend.describe_device(),
    )

    epochs = int(train_cfg["epochs"])
    patience = int(recipe.get("patience", train_cfg["patience"]))
    monitor = "val_f1" if recipe.get("monitor") == "f1" else "val_aupr"
    if recipe:
        log.info(
            "paper protocol as released: class weights %s, %s, early stopping on %s (patience %d)",
            class_weight,
            "balanced epochs (negatives undersampled)"
            if recipe.get("undersample")
            else "all pairs",
            monitor,
            patience,
        )
    # a paper scheme whose script kept its last epoch: no early stopping, last weights
    keep_last = protocol == "paper" and PAPER_SCHEMES[spec.paper][1]
    if keep_last:
        patience = epochs + 1
        log.info(
            "paper protocol %s: all %d epochs, last weights",
            spec.paper,
            epochs,
        )
    for epoch in range(state["epoch"], epochs):
        if state["stopped"]:
            break
        row = fit_epoch(
            model,
            train_ds,
            epoch,
            "train",
            epoch + 1,
            (features, names, labels, va_rows, va_shifts, bs),
            class_weight,
        )
        state["history"].append(row)
        improved = row[monitor] > state["best"]
        if improved:
            state.update(best=row[monitor], best_epoch=epoch + 1, wait=0)
        else:
            state["wait"] += 1
            state["stopped"] = state["wait"] >= patience
        state["epoch"] = epoch + 1
        log.info(
            "epoch %d/%d: loss %.4f, val AUPR %.4f (AUROC %.4f, F1 %.4f), %.1f samples/s%s",
            epoch + 1,
            epochs,
            row["loss"],
            row["val_aupr"],
            row["val_auroc"],
            row["val_f1"],
            row["samples_per_s"],
            ", early stop" if state["stopped"] else "",
        )
        ckpt.save(model, state, improved)
    if keep_last:
        log.info("kept the last epoch's weights (val AUPR %.4f)", state["history"][-1]["val_aupr"])
    else:
        model.load_weights(ckpt.best)
        log.info("best epoch %d (%s %.4f)", state["best_epoch"], monitor, state["best"])

    params = settings["model_params"]
    if params.get("second_stage"):
        second_stage(
            model,
            features,
            names,
            labels,
            np.unique(tr_rows),
            (va_rows, va_shifts),
            params=params,
            learning_rate=float(train_cfg["learning_rate"]),
            seed=seed,
            history=state["history"],
        )

    with atomic_path(out_model, suffix=".keras") as tmp:
        model.save(tmp)
    history = pd.DataFrame(state["history"], columns=list(HISTORY.columns))
    HISTORY.write(history, out_history)
    ckpt.remove()
    return history


def fit_epoch(model, ds, epoch: int, stage: str, number: int, valid, class_weight=None) -> dict:
    """One epoch of ``ds`` (drawn for ``epoch``), then the validation split scored: the
    history row (``number``: its ``epoch`` column). ``valid``: ``(features, names, labels,
    rows, shifts, batch_size)``."""
    features, names, labels, va_rows, va_shifts, bs = valid
    ds.set_epoch(epoch)
    t0 = time.perf_counter()
    loss = train_batches(model, ds, class_weight)
    seconds = time.perf_counter() - t0
    scores = predict_scores(model, features, names, va_rows, va_shifts, bs)
    y = labels[va_rows]
    return {
        "epoch": number,
        "stage": stage,
        "loss": loss,
        "val_aupr": aupr(y, scores),
        "val_auroc": auroc(y, scores),
        "val_f1": f1_at_half(y, scores),
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

    from .models.architectures import build_xiao_combined

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
    model,
    other: CellData,
    cell: str,
    held_out: set[str],
    *,
    names,
    augment: dict,
    epochs: int,
    batch_size: int,
    seed: int,
    valid,
    history: list,
) -> int:
    """Zhuang et al.'s pre-training (basic_general_training.py L46-116): ``epochs`` epochs on
    another cell line's pairs. Under ``leakage_free``: all its pairs but those on a
    ``held_out`` chromosome (the own cell line's test and validation chromosomes, of this fold:
    the genome is shared), training positives augmented on the fly; otherwise the training
    instances of its own split under the protocol, as the script draws them per cell line.
    ``valid``: ``(features, labels, rows, shifts)`` of the own cell line, scored after each
    epoch for the history (stage ``pretrain:<cell>``). Returns the instances used."""
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
    labels = other.labels
    if other.protocol in AUGMENTED_AFTER_SPLIT:
        inst = AugmentedInstances.configured(rows, labels, augment, seed)
    else:
        inst = FixedInstances(rows, shifts)
    ds = PairBatches(other.features, labels, inst, names, batch_size, shuffle=True, seed=seed)
    features, own_labels, va_rows, va_shifts = valid
    log.info(
        "pre-training on %s: %d instances per epoch (%d left out on held-out chromosomes %s)",
        cell,
        ds.n_samples,
        int((~keep).sum()),
        ",".join(sorted(held_out)) or "none",
    )
    for epoch in range(epochs):
        valid_args = (features, names, own_labels, va_rows, va_shifts, batch_size)
        history.append(fit_epoch(model, ds, epoch, f"pretrain:{cell}", epoch + 1, valid_args))
        log.info(
            "pre-training on %s, epoch %d/%d: loss %.4f, own val AUPR %.4f",
            cell,
            epoch + 1,
            epochs,
            history[-1]["loss"],
            history[-1]["val_aupr"],
        )
    return ds.n_samples


SECOND_STAGE_FROZEN = ("Conv1D", "Bidirectional", "LSTM", "GRU")


def second_stage(
    model,
    features,
    names,
    labels,
    rows,
    valid,
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
      ``second_stage_batch_size`` (50) on ``rows``: the training pairs, unaugmented, at their
      natural class ratio; no early stopping, the last epoch's weights are kept (the script
      saves no checkpoint in this stage);
    - class weights ``as_released``: 1 and 1, since ``(1/(1 - pos_frac))**(1/2)`` is
      ``x**0`` under Python 2's integer division; ``sqrt``: the ``1/sqrt(class share)`` the
      script meant.

    ``valid``: ``(rows, shifts)`` scored after each epoch for the history. Appends rows with
    stage ``second_stage`` to ``history``.
    """
    import keras

    from .batches import PairBatches

    frozen = []
    for layer in model.layers:
        if type(layer).__name__ in SECOND_STAGE_FROZEN:
            layer.trainable = False
            frozen.append(layer.name)
        elif isinstance(layer, keras.layers.BatchNormalization):
            gamma, beta, mean, var = layer.get_weights()
            layer.set_weights(
                [np.ones_like(gamma), np.zeros_like(beta), np.zeros_like(mean), np.ones_like(var)]
            )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy")
    if params["second_stage_class_weights"] == "sqrt":
        share = labels[rows].mean()
        weights = {0: float((1 / (1 - share)) ** 0.5), 1: float((1 / share) ** 0.5)}
    else:
        weights = {0: 1.0, 1: 1.0}
    batch = int(params["second_stage_batch_size"])
    ds = PairBatches(
        features, labels, FixedInstances(rows), names, batch, shuffle=True, seed=seed + 1
    )
    log.info(
        "second stage: frozen %s; batch normalisation reset; %d pairs (%.1f%% positive); "
        "class weights %s",
        frozen,
        rows.size,
        100 * labels[rows].mean(),
        weights,
    )
    va_rows, va_shifts = valid
    for epoch in range(int(params["second_stage_epochs"])):
        valid_args = (features, names, labels, va_rows, va_shifts, batch)
        row = fit_epoch(model, ds, epoch, "second_stage", len(history) + 1, valid_args, weights)
        history.append(row)
        log.info(
            "second stage epoch %d: loss %.4f, val AUPR %.4f",
            epoch + 1,
            row["loss"],
            row["val_aupr"],
        )
    return frozen
