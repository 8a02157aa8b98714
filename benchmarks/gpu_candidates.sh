#!/usr/bin/env bash
# The GPU figure of genome-wide scoring, as one script for a machine with a GPU, PyTorch and
# JAX but no TensorFlow (sequence models and epi_cnn at paper size): installs the carried keras
# wheels (.gpu/wheels) when keras is missing, then benchmarks/gpu_candidates.py on torch (fp32,
# bf16) and jax.
# Fill .gpu/wheels beforehand on a machine with PyPI (it is ignored by git), e.g.
#   pip download --no-deps --only-binary=:all: --python-version 3.12 \
#     --platform manylinux_2_28_x86_64 -d .gpu/wheels keras==3.15.1 absl-py rich \
#     markdown-it-py mdurl pygments namex h5py optree ml-dtypes packaging typing-extensions
set -uo pipefail
OUT=${OUT:-/tmp/gpu_out}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1 PYTHONPATH="src:${PYTHONPATH:-}"
python3 --version
export KERAS_BACKEND=torch
python3 -c "import keras" 2>/dev/null ||
    python3 -m pip install -q --no-index --find-links .gpu/wheels keras 2>&1 | tail -2
python3 -c "import numpy, keras, torch, jax; print(numpy.__version__, keras.__version__, torch.__version__, jax.__version__)"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$OUT/gpu.txt"
run() { timeout "$1" python3 benchmarks/gpu_candidates.py "${@:2}" 2>&1 | grep -v Warning; }
KERAS_BACKEND=torch run 150 --models simple_cnn --batch-sizes 256 1024 4096 --out "$OUT/torch_simple_cnn.tsv"
KERAS_BACKEND=torch run 150 --models speid --batch-sizes 256 1024 --out "$OUT/torch_speid.tsv"
KERAS_BACKEND=torch run 120 --models epi_cnn --batch-sizes 256 1024 4096 --out "$OUT/torch_epi_cnn.tsv"
KERAS_BACKEND=torch run 90 --models simple_cnn speid --batch-sizes 1024 --precision mixed_bfloat16 --out "$OUT/torch_bf16.tsv"
KERAS_BACKEND=jax run 180 --models simple_cnn speid epi_cnn --batch-sizes 1024 --out "$OUT/jax.tsv"
ls -la "$OUT"
