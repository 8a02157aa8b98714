"""epipair: enhancer-promoter interaction prediction, reproducible and leakage-aware.

The Snakemake workflow at the repository root calls into this library; every piece of logic
lives here so that unit tests reach it. Layers, from the bottom (a module imports only from its
own layer and those below; ``tests/test_layout.py`` checks it):

- ``errors``: the one-line error type, under every layer.
- ``io``: file formats and transfers (BED-like text, genome, sequence, tracks, Hi-C, pairs,
  genes, tables, motifs, downloads).
- ``prep``: regions, splits and the leakage audit, candidate elements, the demo, the feature
  stages.
- ``model``: the registry of models, the Keras 3 architectures, data and batches, training by
  schedule, prediction, the scikit-learn baselines, ABC and e2g, metrics.
- ``evaluate``: reports and figures, genome-wide candidate scoring.
- ``interpret``: what the models learned (filter motifs, attributions, TF-MoDISco).
- ``config`` (defaults and cross-field checks), ``sources`` (the files a config names) and
  ``smk`` (logging and one-line errors for the workflow scripts): the workflow's side, over
  every layer.
"""

__version__ = "0.1.0"
