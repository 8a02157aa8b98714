"""Preparation: from labels and reference files to training instances and features.

- ``regions``: windows around elements, groups of pairs that share an element.
- ``splits``: the protocols' splits (leakage-free, each paper scheme, random holdout) and the
  leakage audit.
- ``elements``: candidate elements; ``demo``: the embedded synthetic genome, pairs and tracks;
  ``pipeline``: the workflow's feature stages, one function per rule.

Imports go down only: to ``epipair.io`` and ``epipair.errors`` (``tests/test_layout.py``).
"""
