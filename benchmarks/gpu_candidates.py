"""Genome-wide scoring throughput of the sequence models on whatever device Keras finds.

    KERAS_BACKEND=torch python benchmarks/gpu_candidates.py --out gpu_candidates.tsv
    KERAS_BACKEND=jax   python benchmarks/gpu_candidates.py --batch-sizes 512 2048

The model half of ``epipair.evaluate.candidates``: a chunk's distinct elements as tokens or signal
windows (400 enhancers, 300 promoters, paper-size windows: 3 kb / 2 kb of sequence, 296 / 196
positions of 22 marks), every pair of them scored in batches through
``epipair.prep.elements.ElementFeatures.batch`` (one-hot on the fly) and ``predict_on_batch``.
Pairing and window gathering run on the CPU (``benchmarks/bench_candidates.py``); the GPU
figure is the ceiling the model sets. Prints pairs/s per model and batch size, and the time of
the batch's inputs alone (the one-hot on the CPU) within each batch. ``--small``:
tiny sizes, to check the script on a CPU.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gpu_train import arguments, record, write_rows  # noqa: E402


def main(argv=None):
    ap = arguments(__doc__, ["simple_cnn", "speid"], [256, 1024, 4096])
    ap.add_argument("--batches", type=int, default=10)
    args = ap.parse_args(argv)

    import keras
    import numpy as np

    from epipair.model.architectures import build
    from epipair.model.backend import describe_device
    from epipair.model.registry import spec
    from epipair.prep.elements import ElementFeatures

    keras.mixed_precision.set_global_policy(args.precision)
    widths = {"enhancer": 3000, "promoter": 2000}
    positions = {"enhancer": 296, "promoter": 196}  # Xiao et al.'s 50-bp windows every 10 bp
    marks = 22
    params = {}
    if args.small:
        widths, positions, marks = (
            {"enhancer": 600, "promoter": 400},
            {"enhancer": 56, "promoter": 36},
            3,
        )
        params = {"filters": 16, "kernel": 12, "dense_units": 32}
    rng = np.random.default_rng(0)
    n_el = {"enhancer": 400, "promoter": 300}
    arrays, shapes = {}, {}
    for kind in ("enhancer", "promoter"):
        arrays[f"{kind}_seq"] = rng.integers(0, 5, (n_el[kind], widths[kind]), dtype=np.uint8)
        shapes[f"{kind}_seq"] = widths[kind]
        arrays[f"{kind}_sigwin"] = rng.random((n_el[kind], marks, positions[kind]), np.float32)
        shapes[f"{kind}_sigwin"] = (positions[kind], marks)
    e_rows, p_rows = (a.ravel() for a in np.meshgrid(np.arange(400), np.arange(300)))
    feats = ElementFeatures(arrays, e_rows, p_rows)
    device = describe_device()
    rows = []
    for name in args.models:
        p = dict(params)
        if args.small and name == "speid":
            p["lstm_units"] = 8
        keras.backend.clear_session()
        names = spec(name).inputs
        if not spec(name).reads_sequence:
            p = {"preset": "demo"} if args.small else {}
        model = build(name, {k: shapes[k] for k in names}, p)
        for bs in args.batch_sizes:
            times, inputs = [], []
            for step in range(2 + args.batches):  # two warm-up batches
                sel = np.arange(step * bs, (step + 1) * bs) % e_rows.size
                t0 = time.perf_counter()
                x = feats.batch(names, sel, np.zeros(bs, np.int64))
                t1 = time.perf_counter()
                np.asarray(model.predict_on_batch(x))  # waits for the device
                if step >= 2:
                    times.append(time.perf_counter() - t0)
                    inputs.append(t1 - t0)
            med = statistics.median(times)
            row = {
                "model": name,
                "batch_size": bs,
                "params": model.count_params(),
                "precision": args.precision,
                "batch_ms": round(1000 * med, 2),
                "inputs_ms": round(1000 * statistics.median(inputs), 2),
                "pairs_per_s": round(bs / med, 1),
                "device": device,
                "backend": keras.backend.backend(),
            }
            record(rows, row)
    write_rows(rows, args.out)


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    main()
