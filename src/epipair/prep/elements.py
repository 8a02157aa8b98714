"""Model inputs of many pairs built from the windows of their distinct elements (numpy only).

Genome-wide scoring (``epipair.evaluate.candidates``) pairs each enhancer with hundreds of
promoters; gathering every pair's windows would read each element hundreds of times. Instead a
chunk's distinct elements are gathered once and each batch indexes them.
"""

from __future__ import annotations

import numpy as np

from ..io.sequence import ONE_HOT


class ElementFeatures:
    """``arrays`` per model input (``enhancer_seq``: tokens ``[elements, width]``; signal:
    ``[elements, marks, bins]``) and each pair's element rows; :meth:`batch` answers as
    ``epipair.model.data.Features.batch`` does (one-hot sequence, signal as
    ``[batch, bins, marks]``), so the same prediction loop serves both."""

    def __init__(self, arrays: dict, enh_rows: np.ndarray, prom_rows: np.ndarray):
        self.arrays = arrays
        self.rows = {"enhancer": np.asarray(enh_rows), "promoter": np.asarray(prom_rows)}

    def batch(self, names, rows: np.ndarray, shifts: np.ndarray) -> dict:
        """Inputs of pairs ``rows`` (``shifts`` must be 0: candidates are not augmented)."""
        out = {}
        for name in names:
            el = self.rows[name.split("_")[0]][rows]
            arr = self.arrays[name]
            if name.endswith("_seq"):
                out[name] = ONE_HOT[arr[el]]
            else:
                out[name] = np.ascontiguousarray(arr[el].transpose(0, 2, 1))
        return out
