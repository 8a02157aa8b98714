"""The row checks every BED-like reader shares (epipair.io.bed)."""

import numpy as np
import pandas as pd
import pytest

from epipair.errors import EpipairError
from epipair.io import bed


@pytest.mark.parametrize(
    "values, message",
    [
        (["10", "abc", "", "-1"], "f.bed:12: field 'start' not an integer: 'abc'"),
        (["10", "", "abc"], "f.bed:12: field 'start' missing"),
        (["10", "2.5"], "f.bed:12: field 'start' not an integer: '2.5'"),
        (["10", "-1"], r"f.bed:12: field 'start' is negative \(-1\)"),
        (["10", "99999999999999999999"], "f.bed:12: field 'start' .* is out of range"),
    ],
)
def test_the_first_bad_row_is_named_by_its_line(values, message):
    lines = np.arange(11, 11 + len(values))
    with pytest.raises(EpipairError, match=message):
        bed.integers(pd.Series(values), "start", "f.bed", lines)


def test_intervals_and_chromosome_ends():
    assert list(bed.integers(pd.Series([" 5", "7.0"]), "start", "f", [1, 2])) == [5, 7]
    bed.check_interval([5, 5], [6, 5], ("start", "end"), "f", [1, 2], empty=True)
    with pytest.raises(EpipairError, match=r"f:2: field 'end' \(5\) is not after 'start' \(5\)"):
        bed.check_interval([5, 5], [6, 5], ("start", "end"), "f", [1, 2])
    chroms = pd.Series(["chr1", "chr2"], index=[7, 9])  # filtered rows: positions count
    with pytest.raises(EpipairError, match=r"f:4: field 'end' \(60\) is past the end of chr2"):
        bed.check_within(chroms, [10, 60], {"chr1": 100, "chr2": 50}, "end", "f", [3, 4])
