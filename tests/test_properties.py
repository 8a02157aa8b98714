"""Property-based tests (hypothesis) for the pairs parser and the window arithmetic."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from epipair.errors import EpipairError
from epipair.io.pairs import read_pairs
from epipair.prep.regions import resize_windows

SIZES = {"chr1": 50_000, "chr2": 20_000, "chrX": 8_000}
HEADER = (
    "enhancer_chrom,enhancer_start,enhancer_end,promoter_chrom,promoter_start,promoter_end,label\n"
)


@st.composite
def element(draw):
    chrom = draw(st.sampled_from(sorted(SIZES)))
    start = draw(st.integers(0, SIZES[chrom] - 1))
    end = draw(st.integers(start + 1, SIZES[chrom]))
    return chrom, start, end


rows = st.lists(st.tuples(element(), element(), st.integers(0, 1)), min_size=1, max_size=30)
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def write_rows(path, data):
    path.write_text(
        HEADER + "".join(f"{e[0]},{e[1]},{e[2]},{p[0]},{p[1]},{p[2]},{lab}\n" for e, p, lab in data)
    )
    return path


@SETTINGS
@given(data=rows)
def test_valid_rows_round_trip(tmp_path, data):
    # one row per distinct pair: label 1 if any copy says 1, from the first line with that
    # label; a pair whose enhancer is its promoter, or on another chromosome, is dropped
    expected = {}
    for line, (e, p, lab) in enumerate(data, 2):
        key = (*e, *p)
        if e != p and e[0] == p[0] and (key not in expected or lab > expected[key][1]):
            expected[key] = (line, lab)
    if not expected:
        with pytest.raises(EpipairError, match="no pairs left: every enhancer"):
            read_pairs(write_rows(tmp_path / "p.csv", data), "targetfinder", SIZES)
        return
    df = read_pairs(write_rows(tmp_path / "p.csv", data), "targetfinder", SIZES)
    got = {tuple(r[:6]): (r[7], r[6]) for r in df.itertuples(index=False)}
    assert got == expected
    assert df["source_line"].is_monotonic_increasing  # file order kept


@SETTINGS
@given(
    data=rows,
    which=st.integers(0, 29),
    field=st.integers(0, 6),
    bad=st.sampled_from(["", "x", "-5", "1.5", "chrZ", "99999999"]),
)
def test_a_corrupted_field_is_reported_with_its_line(tmp_path, data, which, field, bad):
    which %= len(data)
    lines = [f"{e[0]},{e[1]},{e[2]},{p[0]},{p[1]},{p[2]},{lab}" for e, p, lab in data]
    parts = lines[which].split(",")
    if parts[field] == bad:
        return
    parts[field] = bad
    lines[which] = ",".join(parts)
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n")
    try:
        read_pairs(path, "targetfinder", SIZES)
    except EpipairError as exc:
        msg = str(exc)
        assert msg.startswith(f"{path}:") and "\n" not in msg
        return
    pytest.fail(f"line {which + 2}: field {field} set to {bad!r} was not reported")


@settings(max_examples=200, deadline=None)
@given(
    length=st.integers(1, 100_000),
    width=st.integers(1, 5000),
    flank=st.integers(0, 1000),
    a=st.floats(0, 1),
    b=st.floats(0, 1),
)
def test_window_arithmetic(length, width, flank, a, b):
    start = int(a * (length - 1))
    end = start + 1 + int(b * (length - start - 1))
    ws, shifted, dropped = resize_windows(
        np.array(["c"]), np.array([start]), np.array([end]), width, flank, {"c": length}
    )
    if length < width + 2 * flank:
        assert dropped[0] and not shifted[0]
        return
    assert not dropped[0]
    lo, hi = ws[0] - flank, ws[0] + width + flank
    assert 0 <= lo and hi <= length  # the stored extent lies on the chromosome
    centre = (start + end) // 2
    if not shifted[0]:
        assert ws[0] == centre - width // 2
    else:  # shifted inside only as far as needed: the extent touches a chromosome end
        assert lo == 0 or hi == length
