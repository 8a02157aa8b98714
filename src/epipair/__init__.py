"""epipair: enhancer-promoter interaction prediction, reproducible and leakage-aware.

The Snakemake workflow at the repository root calls into this library; every piece of logic
lives here so that unit tests reach it. Modules:

- ``errors``, ``atomic``: the one-line error type and temp-and-rename writers.
- ``registry``: the one list of models (kind, inputs, file, builder, released defaults).
- ``tables``: the on-disk tables (pairs, splits, history, predictions, metrics) and their
  column contracts.
- ``genome``: chromosome sizes, chromosome naming, FASTA access.
- ``pairs``: ingest of TargetFinder CSV and BEDPE labels into the canonical table.
- ``regions``: window resizing, groups of shared elements.
- ``splits``: leakage-free and paper-protocol splits, split instances, leakage audit.
- ``sequence``: uint8 base tokens and one-hot encoding.
- ``tracks``: binned bigWig / peak signal.
- ``demo``: the embedded synthetic genome, pairs and tracks.
- ``config``: config defaults and cross-field checks.
- ``download``: verified, resumable downloads, the lock file and the offline mirror.
- ``pipeline``: the workflow's feature stages, one function per rule.
- ``data``: feature arrays and split instances (numpy); ``batches``: the Keras dataset.
- ``models``, ``train``, ``backend``: Keras 3 architectures, resumable training, backend
  selection.
- ``baselines``: distance and gradient-boosting baselines (scikit-learn).
- ``predict``, ``metrics``, ``report``: model loading and scores, AUPR/AUROC with bootstrap
  intervals, figures and the summary.
- ``smk``: logging and one-line errors for the workflow scripts.
"""

__version__ = "0.1.0"
