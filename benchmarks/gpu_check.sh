#!/usr/bin/env bash
# The GPU check of the models issue, as one script for a machine with a GPU, PyTorch and JAX
# but no TensorFlow: paper-size throughput (benchmarks/gpu_train.py) on torch and jax, and
# one real training run through epipair.model.train on the demo's CellA features (copied to
# $FEATURES beforehand). Writes TSVs and logs to $OUT.
set -uo pipefail
OUT=${OUT:-/tmp/gpu_out}
FEATURES=${FEATURES:-.gpu/CellA}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1 PYTHONPATH="src:${PYTHONPATH:-}"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$OUT/gpu.txt"
# every released model at its released batch: benchmarks/schedules.py --throughput
# $OUT/released.tsv (run where ../shared/data is) projects the released schedules' hours
KERAS_BACKEND=torch timeout 240 python3 benchmarks/gpu_train.py --released --steps 10 \
    --out "$OUT/released.tsv" 2>&1 | grep -v Warning
KERAS_BACKEND=torch timeout 240 python3 benchmarks/gpu_train.py --models speid simple_cnn \
    --batch-sizes 64 128 256 --steps 10 --out "$OUT/torch_fp32.tsv" 2>&1 | grep -v Warning
KERAS_BACKEND=torch timeout 90 python3 benchmarks/gpu_train.py --models speid simple_cnn --batch-sizes 256 \
    --precision mixed_bfloat16 --steps 10 --out "$OUT/torch_bf16.tsv" 2>&1 | grep -v Warning
KERAS_BACKEND=jax timeout 120 python3 benchmarks/gpu_train.py --models speid simple_cnn --batch-sizes 64 256 \
    --steps 10 --out "$OUT/jax_fp32.tsv" 2>&1 | grep -v Warning
if [ -d "$FEATURES" ]; then
KERAS_BACKEND=torch timeout 120 python3 - "$FEATURES" "$OUT" <<'PY' 2>&1 | grep -v Warning
import logging, sys, pathlib
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s",
                    handlers=[logging.StreamHandler(), logging.FileHandler(sys.argv[2] + "/train_gpu.log")])
from epipair.model.train import FeatureSettings, TrainInputs, train_neural
f, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
w = {"enhancer": 1000, "promoter": 1000, "signal_bin": 50}
train_neural("speid", "leakage_free", TrainInputs(f / "pairs.tsv", f / "features"),
             FeatureSettings(w, {"positives": 5, "max_shift": 100}, None),
             {"epochs": 3, "batch_size": 64, "learning_rate": 1e-3, "patience": 5, "seed": 0},
             {"filters": 1024, "kernel": 40, "pool": 20},
             pathlib.Path("/tmp/gpu_model/model.keras"), out / "history.tsv")
PY
fi
ls -la "$OUT"
