"""Training throughput in samples/s at the registry's demo sizes and at paper sizes (CPU,
batch 64 and 16), and the data pipeline's batches/s.

python benchmarks/bench_train.py [--quick]
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
from common import PAPER_SHAPES, main, row, timed


def bench_train(quick=False):
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    from epipair.io.sequence import ONE_HOT
    from epipair.model.architectures import build
    from epipair.model.batches import PairBatches
    from epipair.model.data import FixedInstances

    rows = []
    rng = np.random.default_rng(0)
    sizes = {
        # config/demo.yaml: 500-bp windows, 46 sliding-window positions of 5 marks
        "demo": (
            {
                "enhancer_seq": 500,
                "promoter_seq": 500,
                "enhancer_sigwin": (46, 5),
                "promoter_sigwin": (46, 5),
            },
            64,
            5,
        ),
        "paper": (PAPER_SHAPES, 16, 2 if quick else 3),
    }
    for size, (shapes, bs, steps) in sizes.items():
        for name in ("speid", "simple_cnn", "epi_cnn", "epi_resnet"):
            params = {"preset": "demo"} if size == "demo" else {}  # the registry's demo size
            keras.backend.clear_session()
            model = build(name, shapes, params)
            model.compile(optimizer=keras.optimizers.Adam(1e-4), loss="binary_crossentropy")
            x = {}
            for k in (i.name for i in model.inputs):
                if k.endswith("_seq"):
                    x[k] = ONE_HOT[rng.integers(0, 5, (bs, shapes[k]), dtype=np.uint8)]
                else:
                    x[k] = rng.random((bs, *shapes[k]), dtype=np.float32)
            y = (rng.random(bs) < 0.5).astype(np.float32)
            t = timed(lambda m=model, x=x, y=y: m.train_on_batch(x, y), repeats=steps)
            rows.append(
                row(
                    f"train_throughput_{name}_{size}",
                    bs / t,
                    "samples/s",
                    None,
                    None,
                    f"{model.count_params()} parameters, batch {bs}, CPU, TensorFlow",
                )
            )
    # the data pipeline alone at paper size: it must outrun the models
    d = Path(tempfile.mkdtemp())
    n = 4000
    np.save(d / "enhancer_sequence.npy", rng.integers(0, 5, (n, 3600), dtype=np.uint8))
    np.save(d / "promoter_sequence.npy", rng.integers(0, 5, (n, 2600), dtype=np.uint8))
    from epipair.model.data import Features

    feats = Features(d, 300, {"enhancer": 3000, "promoter": 2000})
    ds = PairBatches(
        feats,
        np.zeros(n),
        FixedInstances(np.arange(n), rng.integers(-300, 301, n)),
        ("enhancer_seq", "promoter_seq"),
        64,
        shuffle=True,
        seed=0,
    )
    t = timed(lambda: [ds[i] for i in range(20)])
    rows.append(
        row(
            "data_pipeline_batches",
            20 / t,
            "batches/s",
            None,
            None,
            "paper size, batch 64, shifted windows one-hot on the fly, 1 process",
        )
    )
    return rows


if __name__ == "__main__":
    main(bench_train)
