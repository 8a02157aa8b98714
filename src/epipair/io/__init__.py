"""File formats and transfers: what epipair reads and writes, and nothing it decides.

- ``atomic``: temp-and-rename writers (nothing half-written is left behind).
- ``genome``: chromosome sizes and naming, FASTA access; ``sequence``: uint8 base tokens and
  one-hot encoding; ``tracks``: binned bigWig and peak signal; ``hic``: Hi-C contact as the
  ABC model reads it.
- ``pairs``: TargetFinder CSV, BEDPE, BENGI and CRISPRi labels into the canonical pairs table;
  ``genes``: TSS BED files; ``tables``: the on-disk tables and their column contracts.
- ``motifs``: MEME and JASPAR motif files, motif matching (Tomtom).
- ``download``: verified, resumable downloads, the lock file and the offline mirror.
- ``schema``: the configuration schema shipped in the package, and the defaults it declares.

Modules here import only each other and ``epipair.errors`` (``tests/test_layout.py``).
"""
