"""What the models learned: first-layer filter motifs, per-base attributions, TF-MoDISco, and
their matches to known motifs (``attributions``). The top layer of the library."""
