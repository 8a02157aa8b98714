"""epipair: enhancer-promoter interaction prediction, reproducible and leakage-aware.

The Snakemake workflow at the repository root calls into this library; every piece of logic
lives here so that unit tests reach it. Modules:

- ``errors``, ``io``: the one-line error type and temp-and-rename writers.
- ``genome``: chromosome sizes, chromosome naming, FASTA access.
- ``pairs``: ingest of TargetFinder CSV and BEDPE labels into the canonical table.
- ``regions``: window resizing, groups of shared elements.
- ``splits``: leakage-free and paper-protocol splits, leakage audit.
- ``sequence``: uint8 base tokens and one-hot encoding.
- ``signal``: binned bigWig / peak signal.
- ``demo``: the embedded synthetic genome, pairs and tracks.
- ``config``: config defaults and cross-field checks.
- ``download``: verified, resumable downloads, the lock file and the offline mirror.
- ``pipeline``: the workflow's feature stages, one function per rule.
- ``models``, ``data``, ``train``, ``backend``: Keras 3 architectures, the backend-neutral
  data pipeline, resumable training, backend selection.
- ``baselines``: distance and gradient-boosting baselines (scikit-learn).
- ``evaluate``, ``metrics``, ``report``: predictions, AUPR/AUROC with bootstrap intervals,
  figures and the summary.
- ``smk``: logging and one-line errors for the workflow scripts.
"""

__version__ = "0.1.0"
