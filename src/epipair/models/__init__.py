"""Model builders, one per name in ``config["models"]``.

Neural models are Keras 3 functional models built from standard layers (plus small layers
written with backend-neutral ``keras.ops``), so one model file runs on TensorFlow, JAX or
PyTorch. Inputs are named:

- ``enhancer_seq`` ``[batch, enhancer_window, 4]`` and ``promoter_seq`` ``[batch, promoter_window, 4]``:
  one-hot sequence (float32; N is all zeros);
- ``enhancer_sig`` ``[batch, bins, marks]`` and ``promoter_sig``: raw binned signal (the model
  applies ``log1p`` itself, so a saved model needs no outside preprocessing).

``build(name, shapes, params)`` returns a compiled-ready (uncompiled) model; ``DEFAULTS[name]``
holds the paper-size hyperparameters, which ``config["model_params"][name]`` overrides.
Baselines (``distance``, ``gbm``) are scikit-learn models in ``epipair.baselines``.
"""

from __future__ import annotations

from .architectures import BUILDERS, DEFAULTS, NEURAL, SEQUENCE_INPUTS, SIGNAL_INPUTS, build, input_names

__all__ = ["BUILDERS", "DEFAULTS", "NEURAL", "SEQUENCE_INPUTS", "SIGNAL_INPUTS", "build", "input_names"]
