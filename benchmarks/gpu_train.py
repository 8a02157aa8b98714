"""Paper-size training throughput of the neural models on whatever device Keras finds.

    KERAS_BACKEND=torch python benchmarks/gpu_train.py --out gpu_train.tsv
    KERAS_BACKEND=jax   python benchmarks/gpu_train.py --models speid --batch-sizes 64 128
    python benchmarks/gpu_train.py --models epi_resnet speid@retraining_model3 --released

A model is ``name`` or ``name@preset``. Sequence inputs are synthetic uint8 tokens one-hot
encoded by the project's own lookup table (as the data pipeline does), signal windows
synthetic float32 (296 and 196 positions of 22 datasets, Xiao et al.'s); batches go to
``train_on_batch``; after warm-up steps, the median step time of ``--steps`` timed steps gives
samples/s. ``--released``: each model at its released schedule's batch size
(``epipair.model.registry``) instead of ``--batch-sizes``. Peak device memory is read from the
backend (torch: ``max_memory_allocated``; jax: ``memory_stats``). Nothing here is a test: it
prints figures (``benchmarks/schedules.py`` turns them into the released schedules' hours).
``--small`` runs a tiny configuration, to check the script on a CPU.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from common import PAPER_SHAPES  # noqa: E402 - beside this script (stdlib and numpy only)


def peak_memory_bytes():
    import keras

    backend = keras.backend.backend()
    try:
        if backend == "torch":
            import torch

            if torch.cuda.is_available():
                return torch.cuda.max_memory_allocated()
        if backend == "jax":
            import jax

            stats = jax.devices()[0].memory_stats() or {}
            return stats.get("peak_bytes_in_use")
        if backend == "tensorflow":
            import tensorflow as tf

            if tf.config.list_physical_devices("GPU"):
                return tf.config.experimental.get_memory_info("GPU:0")["peak"]
    except Exception:
        return None
    return None


def reset_peak():
    import keras

    if keras.backend.backend() == "torch":
        import torch

        if torch.cuda.is_available():
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats()


def arguments(doc: str, models: list, batch_sizes: list) -> argparse.ArgumentParser:
    """The options every GPU benchmark script takes."""
    ap = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--models", nargs="+", default=models)
    ap.add_argument("--batch-sizes", nargs="+", type=int, default=batch_sizes)
    ap.add_argument("--precision", default="float32", help="float32 or mixed_bfloat16")
    ap.add_argument("--small", action="store_true", help="tiny sizes, for a CPU check")
    ap.add_argument("--out", default=None, help="TSV to write")
    return ap


def record(rows: list, row: dict) -> None:
    """Keep a result row and print it at once (a long run shows its progress)."""
    rows.append(row)
    print("\t".join(f"{k}={v}" for k, v in row.items()), flush=True)


def write_rows(rows: list, path) -> None:
    """The rows (dicts with the same keys) as a TSV at ``path`` (nothing when None)."""
    if path and rows:
        cols = list(rows[0])
        with open(path, "w") as fh:
            fh.write("\t".join(cols) + "\n")
            for r in rows:
                fh.write("\t".join(str(r[c]) for c in cols) + "\n")


SMALL_SHAPES = {
    "enhancer_seq": 600,
    "promoter_seq": 400,
    "enhancer_sigwin": (56, 4),
    "promoter_sigwin": (36, 4),
}
# the models with a released schedule that train on their own inputs (seq_epi trains a head
# on its trained parts' features: a forward pass of each part per sample)
RELEASED_MODELS = [
    "speid",
    "speid@retraining_model3",
    "simple_cnn",
    "epi_cnn",
    "epi_resnet",
    "xiao_seq_cnn",
    "xiao_seq_attention",
    "xiao_seq_resnet",
]


def model_params(model: str, small: bool) -> tuple[str, dict, dict]:
    """``name@preset`` -> ``(name, model_params to build, model_params of the schedule)``;
    tiny sizes with ``small`` (the schedule stays the preset's)."""
    name, _, preset = model.partition("@")
    schedule = {"preset": preset} if preset else {}
    build = {"preset": "demo"} if small else dict(schedule, init_motifs="none") if preset else {}
    return name, build, schedule


def synthetic_batch(spec, shapes: dict, bs: int, rng) -> dict:
    """Tokens (sequence inputs) or signal windows of ``bs`` pairs: the model's inputs."""
    import numpy as np

    out = {}
    for name in spec.inputs:
        if name.endswith("_seq"):
            out[name] = rng.integers(0, 5, size=(bs, shapes[name]), dtype=np.uint8)
        else:
            out[name] = rng.gamma(1.0, 1.0, size=(bs, *shapes[name])).astype(np.float32)
    return out


def time_steps(model, batch: dict, y, warmup: int, steps: int) -> float:
    """Median seconds of a training step, one-hot encoding of the tokens included."""
    import numpy as np

    from epipair.io.sequence import ONE_HOT

    times = []
    for step in range(warmup + steps):
        t0 = time.perf_counter()
        x = {k: ONE_HOT[v] if v.dtype == np.uint8 else v for k, v in batch.items()}
        loss = model.train_on_batch(x, y)
        float(np.asarray(loss).reshape(-1)[0])  # wait for the device
        if step >= warmup:
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv=None):
    ap = arguments(__doc__, RELEASED_MODELS, [64, 128, 256])
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--released", action="store_true", help="each model's released batch")
    args = ap.parse_args(argv)

    import keras
    import numpy as np

    from epipair.model import registry
    from epipair.model.architectures import build
    from epipair.model.backend import describe_device

    keras.mixed_precision.set_global_policy(args.precision)
    shapes = SMALL_SHAPES if args.small else PAPER_SHAPES
    device = describe_device()
    rng = np.random.default_rng(0)
    rows = []
    for model_name in args.models:
        name, params, schedule = model_params(model_name, args.small)
        spec = registry.spec(name)
        sizes = args.batch_sizes
        if args.released:
            sizes = [spec.released_stage("train", schedule).batch_size]
        for bs in sizes:
            keras.backend.clear_session()
            reset_peak()
            model = build(name, {k: shapes[k] for k in spec.inputs}, params)
            model.compile(optimizer=keras.optimizers.Adam(1e-5), loss="binary_crossentropy")
            batch = synthetic_batch(spec, shapes, bs, rng)
            y = (rng.random(bs) < 0.5).astype(np.float32)
            med = time_steps(model, batch, y, args.warmup, args.steps)
            peak = peak_memory_bytes()
            row = {
                "model": model_name,
                "batch_size": bs,
                "params": model.count_params(),
                "precision": args.precision,
                "step_ms": round(1000 * med, 2),
                "samples_per_s": round(bs / med, 1),
                "peak_mem_gib": round(peak / 2**30, 2) if peak else "",
                "device": device,
                "backend": keras.backend.backend(),
            }
            record(rows, row)
    write_rows(rows, args.out)


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    main()
