"""What a trained model looks at: motifs of its first-layer filters, per-base attributions,
and the matching of both to known motifs (``epipair.io.motifs``).

Filter motifs: a sequence model's first convolution on each sequence input is run over the
test split's positive pairs; in each sequence, the window where a filter peaks is a *site* if
that peak reaches ``threshold`` times the filter's largest activation over all of them. One
site per sequence: Basset's recipe (Kelley et al. 2016) counts every window above half the
maximum instead, which on the demo buries each planted motif under thousands of partial
matches (no motif of a 40-epoch SPEID on 1,000-bp windows matched, against four of six
this way). The sites'
bases, aligned and counted, are the filter's position probability matrix (``n_sites`` behind
it); filters with fewer than ``min_sites`` sites give no motif. Flanks below ``trim_bits`` of
information are trimmed before matching, and a motif (of a filter or of TF-MoDISco) with
less than ``min_bits`` of information per position on average is left out: Tomtom gives
such near-uniform matrices tiny p-values against long, low-information profiles (on the
demo, JASPAR's 30-bp CTCF profiles, though no CTCF site is planted there).

Attributions, for chosen pairs, of the model's logit (``log p - log(1 - p)``, so a confident
prediction does not saturate them):

- gradient x input: the gradient with respect to each input, times the input. For a one-hot
  sequence the gradient is first centred over the four bases at each position (Majdandzic,
  Rajesh & Koo 2023: the component off the one-hot simplex is noise), so a base's attribution
  is its gradient minus the mean of the four; for signal inputs, per mark and position.
- in-silico mutagenesis (sequence inputs): the logit change of every single-base substitution,
  and per position the reference's effect, ``f(ref) - mean f(alt)``: a first-order expansion
  of which is exactly the centred gradient x input.

The models are written with ``keras.ops`` and run on every backend; the gradient itself is
each backend's own (TensorFlow's tape, ``jax.grad``, PyTorch's autograd), chosen by
:func:`gradients`.

Reproducibility: nothing here draws a random number. TF-MoDISco's Leiden clusterings run
from the fixed seeds 1..``modisco_leiden_runs`` (modisco-lite's ``LeidenCluster``: the best
modularity is kept, a tie goes to the first seed) and its merging subsample comes from
``RandomState(1234)``; its numba kernels and Tomtom's give the same result on any number of
threads; numpy's BLAS runs on one thread inside TF-MoDISco (:func:`one_blas_thread`); the
best-scored pairs are picked by a stable sort. The backend's gradients do change in the last
bits with its thread count, so the workflow runs it on one thread (with numba on the job's
threads). The same model and inputs then give the same ``motifs.tsv`` and attributions byte
for byte (tests/test_interpret_repro.py: two fresh runs, numba and BLAS on two threads and
on one). Across machines they need not: the backend's kernels (oneDNN, Eigen) pick their
instructions by CPU, so round-off differs in the attributions and, far more, in the trained
weights; a motif whose match sits near q = 0.05 can then pass on one machine and not on
another (docs/interpretation.md, "What it finds on the demo").
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

import numpy as np
import pandas as pd

from ..evaluate.plots import pyplot, save_png
from ..io import motifs as mt
from ..io.atomic import atomic_path
from ..io.schema import defaults
from ..io.tables import INTERPRET_MOTIFS
from ..model.registry import SEQUENCE_INPUTS

log = logging.getLogger(__name__)
EPS = 1e-7
# a TF-MoDISco pattern keeps the positions whose contribution reaches this share of its maximum
MODISCO_TRIM = 0.3


def first_convolutions(model) -> dict:
    """``{input name: Conv1D}``: the convolution applied directly to each sequence input."""
    import keras

    names = {id(t): t.name for t in model.inputs}
    out = {}
    for layer in model.layers:
        if not isinstance(layer, keras.layers.Conv1D):
            continue
        for node in layer._inbound_nodes:
            for t in node.input_tensors:
                if names.get(id(t)) in SEQUENCE_INPUTS:
                    out[names[id(t)]] = layer
    return {n: out[n] for n in SEQUENCE_INPUTS if n in out}


def filter_motifs(
    model,
    batches,
    *,
    threshold: float = 0.5,
    min_sites: int = 10,
    trim_bits: float = 0.3,
    prefix: str = "",
) -> list[mt.Motif]:
    """Motifs of the first-layer filters of a sequence ``model`` over ``batches``: a callable
    returning an iterable of ``{input name: one-hot [n, L, 4]}`` (called twice: maxima first,
    then sites). A site is the window where a filter peaks in one sequence, if that peak
    reaches ``threshold`` times the filter's largest activation over all of them. Motif ids
    ``<prefix><input>_f<filter>``; the PWM is trimmed to its informative core (``trim_bits``)."""
    convs = first_convolutions(model)
    if not convs:
        return []

    def acts(layer, x):
        return np.asarray(layer(x), dtype=np.float32)

    top = {n: np.zeros(c.filters, dtype=np.float32) for n, c in convs.items()}
    for batch in batches():
        for name, conv in convs.items():
            x = np.asarray(batch[name], dtype=np.float32)
            top[name] = np.maximum(top[name], acts(conv, x).max(axis=(0, 1)))
    counts = {n: np.zeros((c.filters, c.kernel_size[0], 4)) for n, c in convs.items()}
    sites = {n: np.zeros(c.filters, dtype=np.int64) for n, c in convs.items()}
    for batch in batches():
        for name, conv in convs.items():
            x = np.asarray(batch[name], dtype=np.float32)
            a = acts(conv, x)  # [n, positions, filters]
            peak, where = a.max(axis=1), a.argmax(axis=1)  # [n, filters]
            keep = (peak >= threshold * top[name][None, :]) & (top[name] > 0)[None, :]
            cols = where[:, :, None] + np.arange(conv.kernel_size[0])  # [n, filters, k]
            windows = x[np.arange(x.shape[0])[:, None, None], cols]  # [n, filters, k, 4]
            counts[name] += (windows * keep[:, :, None, None]).sum(axis=0)
            sites[name] += keep.sum(axis=0)
    out = []
    for name, conv in convs.items():
        for j in range(conv.filters):
            if sites[name][j] < max(min_sites, 1):
                continue
            pwm = mt.normalise(counts[name][j])
            a, b = mt.trim(pwm, trim_bits)
            out.append(mt.Motif(f"{prefix}{name}_f{j}", pwm[a:b], "", int(sites[name][j])))
    return out


def logit_model(model):
    """A callable ``inputs -> logit`` of a model whose output is a probability."""
    from keras import ops

    def f(inputs):
        p = ops.clip(ops.reshape(model(inputs, training=False), (-1,)), EPS, 1 - EPS)
        return ops.log(p) - ops.log(1 - p)

    return f


def gradients(fn, inputs: dict) -> dict:
    """``{name: d sum(fn(inputs)) / d inputs[name]}`` as numpy, on the loaded backend; an input
    ``fn`` does not depend on gets zeros."""
    import keras

    backend = keras.backend.backend()
    x = {k: np.asarray(v, dtype=np.float32) for k, v in inputs.items()}
    if backend == "tensorflow":
        import tensorflow as tf

        t = {k: tf.constant(v) for k, v in x.items()}
        with tf.GradientTape() as tape:
            tape.watch(list(t.values()))
            y = tf.reduce_sum(fn(t))
        g = tape.gradient(y, t)
        return {k: np.zeros_like(x[k]) if g[k] is None else g[k].numpy() for k in x}
    if backend == "jax":
        import jax
        import jax.numpy as jnp

        g = jax.grad(lambda t: jnp.sum(fn(t)))({k: jnp.asarray(v) for k, v in x.items()})
        return {k: np.asarray(g[k]) for k in x}
    if backend == "torch":
        import torch

        t = {k: torch.tensor(v, requires_grad=True) for k, v in x.items()}
        fn(t).sum().backward()
        return {k: np.zeros_like(x[k]) if t[k].grad is None else t[k].grad.cpu().numpy() for k in x}
    raise ValueError(f"no gradient for Keras backend {backend!r}")


def hypothetical_contributions(model, inputs: dict, batch_size: int = 32) -> dict:
    """The gradient of the logit for every input, batch by batch; for sequence inputs centred
    over the four bases at each position (the "hypothetical contributions" TF-MoDISco reads:
    what each base would contribute were it there)."""
    fn = logit_model(model)
    n = len(next(iter(inputs.values())))
    parts = [
        gradients(fn, {k: v[s : s + batch_size] for k, v in inputs.items()})
        for s in range(0, n, batch_size)
    ]
    out = {}
    for name, x in inputs.items():
        g = np.concatenate([p[name] for p in parts]) if parts else np.zeros(x.shape, np.float32)
        if name in SEQUENCE_INPUTS:
            g = g - g.mean(axis=-1, keepdims=True)
        out[name] = g.astype(np.float32)
    return out


def gradient_x_input(model, inputs: dict, batch_size: int = 32) -> dict:
    """Gradient x input of the logit for every input (see the module docstring)."""
    hyp = hypothetical_contributions(model, inputs, batch_size)
    return {k: hyp[k] * np.asarray(v, dtype=np.float32) for k, v in inputs.items()}


def in_silico_mutagenesis(model, inputs: dict, batch_size: int = 512) -> dict:
    """``{sequence input: [n, L, 4]}``: the logit of each pair with each single base replaced,
    minus the unchanged logit (zero at the reference base)."""
    import keras

    fn = logit_model(model)

    def logits(batch):
        return keras.ops.convert_to_numpy(fn(batch)).astype(np.float64)

    out = {}
    n = len(next(iter(inputs.values())))
    for name in [k for k in inputs if k in SEQUENCE_INPUTS]:
        x = np.asarray(inputs[name], dtype=np.float32)
        length = x.shape[1]
        res = np.zeros(x.shape, dtype=np.float32)
        for i in range(n):
            base = {k: np.asarray(v[i : i + 1], dtype=np.float32) for k, v in inputs.items()}
            pos = np.repeat(np.arange(length), 4)
            alt = np.tile(np.arange(4), length)
            for s in range(0, pos.size, batch_size):
                p, a = pos[s : s + batch_size], alt[s : s + batch_size]
                # row 0 is the unchanged pair, scored in the same batch as its mutants
                mutant = np.repeat(x[i : i + 1], p.size + 1, axis=0)
                mutant[1 + np.arange(p.size), p] = 0.0
                mutant[1 + np.arange(p.size), p, a] = 1.0
                batch = {k: np.repeat(v, p.size + 1, axis=0) for k, v in base.items()}
                batch[name] = mutant
                values = logits(batch)
                res[i, p, a] = values[1:] - values[0]
        out[name] = res
    return out


def reference_effect(ism: np.ndarray, onehot: np.ndarray) -> np.ndarray:
    """``[n, L]``: per position, the reference base's effect ``f(ref) - mean f(alt)`` from the
    mutagenesis deltas ``ism`` (zero at the reference base; at an N, all four are
    alternatives)."""
    alternatives = 4.0 - np.asarray(onehot, dtype=np.float32).sum(axis=-1)
    return -ism.sum(axis=-1) / alternatives


@contextmanager
def one_blas_thread():
    """numpy's BLAS on one thread inside the block (``threadpoolctl``, which scikit-learn
    brings): a dot product split over threads adds its partial sums in an order set by their
    number, so a result could depend on the machine's core count."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - scikit-learn requires it
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def modisco_motifs(
    onehot: np.ndarray, hypothetical: np.ndarray, *, prefix: str, trim_bits: float, **options
) -> list[mt.Motif]:
    """TF-MoDISco (modisco-lite) patterns of one sequence input's attributions: ids
    ``<prefix>pos<i>`` (raise the score) and ``<prefix>neg<i>`` (lower it); ``n_sites`` is the
    number of seqlets behind each. Each pattern is cut to the positions from the first to the
    last whose summed absolute contribution reaches 0.3 of its largest, as modisco-lite's
    report trims before Tomtom (report.py L70-72), then to ``trim_bits``. ``options`` go to
    ``modiscolite.tfmodisco.TFMoDISco``."""
    from modiscolite.tfmodisco import TFMoDISco

    with one_blas_thread():
        pos, neg = TFMoDISco(
            np.asarray(onehot, dtype=np.float32), np.asarray(hypothetical, np.float32), **options
        )
    out = []
    for sign, patterns in (("pos", pos), ("neg", neg)):
        for i, pattern in enumerate(patterns or []):
            score = np.abs(np.asarray(pattern.contrib_scores)).sum(axis=1)
            core = np.flatnonzero(score >= MODISCO_TRIM * score.max())
            ppm = mt.normalise(pattern.sequence)[core[0] : core[-1] + 1]
            a, b = mt.trim(ppm, trim_bits)
            out.append(mt.Motif(f"{prefix}{sign}{i}", ppm[a:b], "", len(pattern.seqlets)))
    return out


# the interpret settings that change a model's motifs and attributions (the rule's params);
# their defaults are the config schema's
SETTINGS = (
    "top_pairs", "threshold", "min_sites", "trim_bits", "min_bits", "logos", "modisco",
    "modisco_window", "modisco_leiden_runs",
)  # fmt: skip


def motif_settings(entry: dict | None = None) -> dict:
    """The :data:`SETTINGS` of a config ``interpret`` entry, the schema's defaults filled:
    what changes a model's motifs and attributions, the rule's params (not its models,
    protocols or databases)."""
    entry, default = entry or {}, defaults("interpret")
    return {k: entry.get(k, default[k]) for k in SETTINGS}


def interpret_model(
    model_name: str,
    protocol: str,
    *,
    model_paths: dict,
    sample_dir,
    windows: dict,
    augment: dict,
    marks,
    settings: dict,
    databases: dict,
    out_motifs,
    out_logos,
    out_attributions,
    model_params: dict | None = None,
    batch_size: int = 64,
) -> pd.DataFrame:
    """Filter and TF-MoDISco motifs of a trained model (one per fold under cross-validation,
    ids prefixed ``fold<k>_``) over the positives of its test split in ``sample_dir`` (a cell
    line's ``results/<cell>``, read by ``predict.open_sample``), matched to ``databases``
    (``{name: MEME file}``); attributions of the ``top_pairs`` best-scored test positives.
    ``model_params``: the configured ones (a preset may have its own paper scheme). Writes
    ``motifs.tsv``, the logos figure and ``attributions.npz``; returns the table."""
    from dataclasses import replace

    from ..model import registry
    from ..model.predict import load_model, open_sample

    s = motif_settings(settings)
    spec = registry.spec(model_name)
    seq_names = [n for n in spec.inputs if n in SEQUENCE_INPUTS]
    found: list[tuple[mt.Motif, str]] = []
    chosen = []  # (score, fold, row, shift)
    sample = open_sample(
        sample_dir, protocol, windows=windows, augment=augment, marks=marks, model=model_name,
        model_params=model_params,
    )  # fmt: skip
    models = {}
    for fold, path in sorted(model_paths.items()):
        model = models[fold] = load_model(path)
        data = replace(sample, fold=fold)  # the same tables and features, this fold's split
        prefix = f"fold{fold}_" if len(model_paths) > 1 else ""
        motifs, scored = _fold_motifs(model, data, spec, s, prefix, batch_size)
        found += motifs
        chosen += [(v, fold, r, h) for v, r, h in scored]
    kept = informative([m for m, _ in found], s["min_bits"])
    log.info(
        "%d of %d motifs carry >= %s bits per position on average; the others are left out",
        len(kept),
        len(found),
        s["min_bits"],
    )
    found = [(m, src) for m, src in found if m.id in kept]
    chosen.sort(key=lambda c: (-c[0], c[1], c[2]))
    write_attributions(chosen[: s["top_pairs"]], sample, models, spec.inputs, out_attributions)
    dbs = {name: mt.read_meme(path) for name, path in databases.items()}
    table = motif_table(found, dbs)
    INTERPRET_MOTIFS.write(table, out_motifs)
    if seq_names:
        motif_logos(table, {m.id: m for m, _ in found}, dbs, s["logos"], out_logos)
    else:
        attribution_profiles(out_attributions, out_logos)
    return table


def _fold_motifs(model, data, spec, s: dict, prefix: str, batch_size: int):
    """``(motifs, scored)`` of one fold's model over its test positives: its filter motifs
    and TF-MoDISco patterns (``(motif, source)``, for a sequence model), and ``(score, row,
    shift)`` of each positive."""
    from ..model.predict import predict_scores

    seq_names = [n for n in spec.inputs if n in SEQUENCE_INPUTS]
    rows, shifts = data.instances("test")
    keep = data.labels[rows] == 1
    rows, shifts = rows[keep], shifts[keep]
    log.info("%s fold %s: %d test positives", spec.name, data.fold, rows.size)
    found = []
    if rows.size == 0:
        return found, []

    def batches():
        for i in range(0, rows.size, batch_size):
            sl = slice(i, i + batch_size)
            yield data.features.batch(seq_names, rows[sl], shifts[sl])

    if seq_names:
        motifs = filter_motifs(
            model,
            batches,
            threshold=s["threshold"],
            min_sites=s["min_sites"],
            trim_bits=s["trim_bits"],
            prefix=prefix,
        )
        found += [(m, "filter") for m in motifs]
        log.info("%d filter motifs with >= %d sites", len(motifs), s["min_sites"])
    scores = predict_scores(model, data.features, spec.inputs, rows, shifts, batch_size)
    scored = [(float(v), int(r), int(h)) for v, r, h in zip(scores, rows, shifts)]
    if seq_names and s["modisco"]:
        x = data.features.batch(spec.inputs, rows, shifts)
        hyp = hypothetical_contributions(model, x)
        for name in seq_names:
            motifs = modisco_motifs(
                x[name],
                hyp[name],
                prefix=f"{prefix}{name}_modisco_",
                trim_bits=s["trim_bits"],
                sliding_window_size=s["modisco_window"],
                n_leiden_runs=s["modisco_leiden_runs"],
            )
            found += [(m, "modisco") for m in motifs]
            log.info("%s: %d TF-MoDISco patterns", name, len(motifs))
    return found, scored


def informative(motifs: list[mt.Motif], min_bits: float) -> set[str]:
    """Ids of the motifs with at least ``min_bits`` of information per position on average."""
    return {m.id for m in motifs if mt.information(m.pwm).mean() >= min_bits}


def motif_table(found: list, databases: dict) -> pd.DataFrame:
    """``motifs.tsv`` rows: each motif's best match in each database (or one row with an
    empty match when there is no database)."""
    queries = [m for m, _ in found]
    info = pd.DataFrame(
        {
            "motif_id": [m.id for m in queries],
            "source": [src for _, src in found],
            "n_sites": [m.n_sites for m in queries],
            "consensus": [mt.consensus(m.pwm) for m in queries],
        }
    )
    matches = mt.match(queries, databases)
    if not databases:
        out = info.assign(database="", match_id="", match_name="", q_value=np.nan, p_value=np.nan)
    else:
        out = info.merge(matches, on="motif_id", how="left", validate="one_to_many")
    cols = list(INTERPRET_MOTIFS.columns) + ["p_value"]
    return out[cols].reset_index(drop=True)


def write_attributions(chosen, data, models, names, path) -> None:
    """``attributions.npz`` of the chosen pairs ``[(score, fold, row, shift)]``: ``pair_id``,
    ``fold``, ``shift``, ``score``; per input ``<input>`` (the model's input),
    ``<input>_grad_x_input`` and, for sequence inputs, ``<input>_ism`` (``[n, L, 4]`` logit
    changes of every substitution) and ``<input>_ism_reference`` (``[n, L]``)."""
    arrays: dict[str, list] = {}
    meta = {"pair_id": [], "fold": [], "shift": [], "score": []}
    for fold in sorted({c[1] for c in chosen}):
        picked = [c for c in chosen if c[1] == fold]
        rows = np.array([c[2] for c in picked], dtype=np.int64)
        shifts = np.array([c[3] for c in picked], dtype=np.int64)
        model = models[fold]
        x = data.features.batch(names, rows, shifts)
        gxi = gradient_x_input(model, x)
        ism = in_silico_mutagenesis(model, x)
        for name in names:
            arrays.setdefault(name, []).append(x[name])
            arrays.setdefault(f"{name}_grad_x_input", []).append(gxi[name])
            if name in ism:
                arrays.setdefault(f"{name}_ism", []).append(ism[name])
                ref = reference_effect(ism[name], x[name])
                arrays.setdefault(f"{name}_ism_reference", []).append(ref)
        meta["pair_id"] += list(data.pairs["pair_id"].to_numpy()[rows].astype(str))
        meta["fold"] += [fold] * rows.size
        meta["shift"] += list(shifts)
        meta["score"] += [c[0] for c in picked]
    out = {k: np.concatenate(v) for k, v in arrays.items()}
    out |= {k: np.asarray(v) for k, v in meta.items()}
    with atomic_path(path, suffix=".npz") as tmp:
        np.savez_compressed(tmp, **out)


def _logo(ax, pwm, title):
    import logomaker

    bits = np.asarray(pwm) * mt.information(pwm)[:, None]
    logomaker.Logo(pd.DataFrame(bits, columns=list(mt.BASES)), ax=ax, color_scheme="classic")
    ax.set_ylim(0, 2)
    ax.set_title(title, fontsize=8)
    ax.set_xticks([])


def motif_logos(table: pd.DataFrame, queries: dict, databases: dict, n: int, path) -> None:
    """The ``n`` motifs with the smallest q-values, each beside its best match (any database)."""
    plt = pyplot()
    best = (
        table.dropna(subset=["q_value"])
        .sort_values(["q_value", "motif_id"], kind="stable")
        .drop_duplicates("motif_id")
        .head(n)
    )
    targets = {(name, m.id): m for name, db in databases.items() for m in db}
    fig, axes = plt.subplots(max(len(best), 1), 2, figsize=(9, 1.6 * max(len(best), 1)))
    axes = np.atleast_2d(axes)
    if best.empty:
        for ax in axes[0]:
            ax.axis("off")
        axes[0, 0].text(0, 0.5, "no motif (none reached min_sites and min_bits)")
    for ax_row, r in zip(axes, best.itertuples()):
        q = queries[r.motif_id]
        _logo(ax_row[0], q.pwm, f"{r.motif_id} ({r.source}, {r.n_sites} sites)")
        t = targets[(r.database, r.match_id)]
        _logo(ax_row[1], t.pwm, f"{r.database} {r.match_id} {r.match_name}: q = {r.q_value:.2g}")
    fig.tight_layout()
    save_png(fig, path)


def attribution_profiles(attributions_path, path) -> None:
    """For models without sequence inputs: the mean gradient x input of the chosen pairs per
    mark (rows) and position (columns), one panel per input."""
    plt = pyplot()
    with np.load(attributions_path) as z:
        keys = [k for k in z.files if k.endswith("_grad_x_input")]
        maps = {k.removesuffix("_grad_x_input"): z[k] for k in keys}
    fig, axes = plt.subplots(len(maps) or 1, 1, figsize=(9, 2.2 * max(len(maps), 1)), squeeze=False)
    for ax, (name, a) in zip(axes[:, 0], maps.items()):
        mean = a.mean(axis=0).T if a.size else np.zeros((1, 1))
        lim = float(np.abs(mean).max()) or 1.0
        im = ax.imshow(mean, aspect="auto", cmap="RdBu_r", vmin=-lim, vmax=lim)
        ax.set_title(f"{name}: mean gradient x input of the chosen pairs", fontsize=9)
        ax.set_xlabel("position")
        ax.set_ylabel("mark")
        fig.colorbar(im, ax=ax)
    fig.tight_layout()
    save_png(fig, path)
