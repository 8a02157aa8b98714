"""Choose the Keras backend before Keras is imported, and describe the device in use."""

from __future__ import annotations

import os
import re
import sys
import tempfile

from ..errors import EpipairError

BACKENDS = ("tensorflow", "jax", "torch")
# what TensorFlow's C++ side prints to stderr at import whatever TF_CPP_MIN_LOG_LEVEL says
# (absl logs before its InitializeLog; oneDNN's notice; the CPU-instructions notice)
STARTUP_NOISE = re.compile(
    r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|I0000 .*oneDNN custom operations are on"
    r"|.*cpu_feature_guard.*This TensorFlow binary is optimized"
    r"|To enable the following instructions: .* in other operations, rebuild TensorFlow"
)


def import_keras():
    """Import Keras, and with it the selected backend, leaving TensorFlow's start-up notices
    (:data:`STARTUP_NOISE`) out of stderr; every other line it prints is passed on."""
    if "keras" in sys.modules:
        return sys.modules["keras"]
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            import keras
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            sys.stderr.write(without_startup_noise(captured.read().decode(errors="replace")))
            sys.stderr.flush()
    return keras


def without_startup_noise(text: str) -> str:
    """``text`` without the lines of :data:`STARTUP_NOISE`."""
    lines = text.splitlines(keepends=True)
    return "".join(line for line in lines if not STARTUP_NOISE.match(line))


def select(name: str) -> None:
    """Set ``KERAS_BACKEND``; an error if Keras is already loaded with another backend."""
    if name not in BACKENDS:
        raise EpipairError(f"config train.backend: unknown backend {name!r}; use one of {BACKENDS}")
    if "keras" in sys.modules:
        import keras

        if keras.backend.backend() != name:
            raise EpipairError(
                f"Keras is already loaded with backend {keras.backend.backend()!r}, not {name!r}"
            )
        return
    os.environ["KERAS_BACKEND"] = name
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import_keras()


def check_installed(name: str) -> None:
    """Stop at workflow start-up, before any feature is built, when the configured backend's
    package cannot be imported here."""
    import importlib.util

    select_module = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}[name]
    if importlib.util.find_spec(select_module) is None:
        raise EpipairError(
            f"config train.backend: {name} is not installed in this environment (pip install "
            f"{select_module}, or use another backend: {', '.join(BACKENDS)})"
        )


def describe_device() -> str:
    """A short description of the accelerator (or CPU) the current backend computes on."""
    import keras

    backend = keras.backend.backend()
    try:
        if backend == "tensorflow":
            import tensorflow as tf

            gpus = tf.config.list_physical_devices("GPU")
            return f"tensorflow on {len(gpus)} GPU(s)" if gpus else "tensorflow on CPU"
        if backend == "torch":
            import torch

            if torch.cuda.is_available():
                return f"torch on {torch.cuda.get_device_name(0)}"
            return "torch on CPU"
        if backend == "jax":
            import jax

            return f"jax on {jax.devices()[0].device_kind}"
    except Exception as exc:  # describing the device must never stop training
        return f"{backend} (device unknown: {exc})"
    return backend


def seed_everything(seed: int, deterministic: bool = True) -> None:
    """Seed Python, numpy and the backend; on TensorFlow also ask for deterministic ops."""
    import keras

    keras.utils.set_random_seed(seed)
    if deterministic and keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()


def set_threads(n: int) -> None:
    """Limit the backend's CPU threads to the job's ``threads`` (call before building models)."""
    import keras

    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        try:
            tf.config.threading.set_intra_op_parallelism_threads(n)
            tf.config.threading.set_inter_op_parallelism_threads(min(n, 2))
        except RuntimeError:  # already initialised
            pass
    elif backend == "torch":
        import torch

        torch.set_num_threads(n)


def setup(model: str, name: str, threads: int) -> None:
    """Select the backend and its threads for ``model``: nothing for a baseline, so that
    scoring with scikit-learn models never loads a deep-learning framework."""
    from . import registry

    if registry.spec(model).neural:
        select(name)
        set_threads(threads)
