"""Paper-size training throughput of the sequence models on whatever device Keras finds.

    KERAS_BACKEND=torch python benchmarks/gpu_train.py --out gpu_train.tsv
    KERAS_BACKEND=jax   python benchmarks/gpu_train.py --models speid --batch-sizes 64 128

Synthetic uint8 tokens are one-hot encoded by the project's own lookup table (as the data
pipeline does) and fed to ``train_on_batch``; after warm-up steps, the median step time of
``--steps`` timed steps gives samples/s. Peak device memory is read from the backend
(torch: ``max_memory_allocated``; jax: ``memory_stats``). Nothing here is a test: it prints
figures. ``--small`` runs a tiny configuration, to check the script on a CPU.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


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


def main(argv=None):
    ap = arguments(__doc__, ["speid", "simple_cnn"], [64, 128, 256])
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    args = ap.parse_args(argv)

    import keras
    import numpy as np

    from epipair.backend import describe_device
    from epipair.models import build
    from epipair.sequence import ONE_HOT

    keras.mixed_precision.set_global_policy(args.precision)
    shapes = {"enhancer_seq": 3000, "promoter_seq": 2000}
    params = {}
    if args.small:
        shapes = {"enhancer_seq": 600, "promoter_seq": 400}
        params = {"filters": 16, "kernel": 12, "dense_units": 32}
    device = describe_device()
    rng = np.random.default_rng(0)
    rows = []
    for name in args.models:
        p = dict(params)
        if args.small and name == "speid":
            p["lstm_units"] = 8
        for bs in args.batch_sizes:
            keras.backend.clear_session()
            reset_peak()
            model = build(name, shapes, p)
            model.compile(optimizer=keras.optimizers.Adam(1e-5), loss="binary_crossentropy")
            tokens = {
                k: rng.integers(0, 5, size=(bs, n), dtype=np.uint8) for k, n in shapes.items()
            }
            y = (rng.random(bs) < 0.5).astype(np.float32)
            times = []
            for step in range(args.warmup + args.steps):
                t0 = time.perf_counter()
                x = {k: ONE_HOT[v] for k, v in tokens.items()}  # the pipeline's one-hot, per step
                loss = model.train_on_batch(x, y)
                float(np.asarray(loss).reshape(-1)[0])  # wait for the device
                if step >= args.warmup:
                    times.append(time.perf_counter() - t0)
            med = statistics.median(times)
            peak = peak_memory_bytes()
            row = {
                "model": name,
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
