"""Keras 3 model builders for the neural entries of ``epipair.registry``.

Neural models are Keras 3 functional models built from standard layers (plus small layers
written with backend-neutral ``keras.ops``), so one model file runs on TensorFlow, JAX or
PyTorch. Inputs are named:

- ``enhancer_seq`` ``[batch, enhancer_window, 4]`` and ``promoter_seq``
  ``[batch, promoter_window, 4]``: one-hot sequence (float32; N is all zeros);
- ``enhancer_sigwin`` ``[batch, positions, marks]`` and ``promoter_sigwin``: Xiao et al.'s
  input, the raw mean signal over ``windows.signal_window`` bp every ``windows.signal_step``
  bp (the model scales each position to unit L2 norm itself, so a saved model needs no
  outside preprocessing). The binned signal (``enhancer_sig``, ``promoter_sig``) feeds the
  ``gbm`` baseline.

``build(name, shapes, params)`` returns an uncompiled model; the defaults (the released
code's sizes) live in ``epipair.registry.MODELS[name].defaults`` and
``config["model_params"][name]`` overrides them. Baselines are in ``epipair.baselines``.
Importing this package loads Keras and registers the custom layers for ``load_model``.
"""

from __future__ import annotations

from .architectures import build

__all__ = ["build"]
