"""Models and their training.

- ``registry``: the one list of models (kind, inputs, builder, released defaults and
  schedules); ``architectures``: the Keras 3 networks; ``backend``: Keras backend selection.
- ``data``: feature arrays and split instances (numpy); ``batches``: the Keras dataset;
  ``train``: resumable training by schedule; ``predict``: loading models and scoring pairs.
- ``baselines``: distance and gradient boosting (scikit-learn); ``abc``: the Activity-by-Contact
  model; ``e2g``: learned enhancer-gene links on ABC's features; ``metrics``: AUPR and AUROC
  with bootstrap intervals.

Importing this package loads no Keras: ``architectures`` does, when a model is built.
Imports go down only: to ``epipair.prep``, ``epipair.io`` and ``epipair.errors``.
"""
