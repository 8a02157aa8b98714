import numpy as np
import pandas as pd

from epipair.io.pairs import COORD_FIELDS
from epipair.prep import regions

SIZES = {"chr1": 10_000, "chr2": 2_000}


def test_resize_centres_windows():
    ws, shifted, dropped = regions.resize_windows(
        np.array(["chr1"]), np.array([4000]), np.array([4200]), 1000, 0, SIZES
    )
    # centre 4100, window [3600, 4600)
    assert ws.tolist() == [3600]
    assert not shifted.any() and not dropped.any()


def test_resize_shifts_inside_chromosome_ends():
    ws, shifted, dropped = regions.resize_windows(
        np.array(["chr1", "chr1", "chr1"]),
        np.array([10, 9_900, 5_000]),
        np.array([50, 9_990, 5_010]),
        1000,
        100,
        SIZES,
    )
    # the extent [ws - 100, ws + 1100) must lie in [0, 10000)
    assert ws.tolist() == [100, 10_000 - 1000 - 100, 4505]
    assert shifted.tolist() == [True, True, False]
    assert not dropped.any()


def test_resize_drops_when_chromosome_too_short():
    ws, shifted, dropped = regions.resize_windows(
        np.array(["chr2", "chr2"]), np.array([500, 900]), np.array([600, 1000]), 1900, 100, SIZES
    )
    assert dropped.tolist() == [True, True]
    assert not shifted.any()
    ws, shifted, dropped = regions.resize_windows(
        np.array(["chr2"]), np.array([500]), np.array([600]), 1800, 100, SIZES
    )
    assert dropped.tolist() == [False] and ws.tolist() == [100]


def _pairs(rows):
    return pd.DataFrame(
        rows,
        columns=COORD_FIELDS,
    )


def test_groups_by_overlap_not_name():
    df = _pairs(
        [
            ("chr1", 100, 200, "chr1", 5000, 6000),  # 0
            ("chr1", 150, 250, "chr1", 8000, 9000),  # 1: enhancer overlaps 0's
            ("chr1", 300, 400, "chr1", 8500, 8600),  # 2: promoter overlaps 1's
            ("chr1", 250, 260, "chr1", 7000, 7100),  # 3: touches 1's enhancer end only: own group
            ("chr2", 100, 200, "chr2", 5000, 6000),  # 4: same coordinates, other chromosome
        ]
    )
    ec, pc = regions.element_clusters(df)
    assert ec[0] == ec[1] and pc[1] == pc[2]
    groups = regions.pair_groups(ec, pc)
    assert groups.tolist() == [0, 0, 0, 1, 2]


def test_pair_distance():
    df = _pairs([("chr1", 100, 200, "chr1", 5000, 6000), ("chr1", 0, 10, "chr2", 0, 10)])
    assert regions.pair_distance(df).tolist() == [5350, -1]


def test_add_windows_logs_and_drops(caplog):
    df = _pairs([("chr1", 10, 50, "chr1", 5000, 5100), ("chr2", 10, 50, "chr2", 500, 600)])
    df["label"] = [1, 0]
    caplog.set_level("INFO")
    out = regions.add_windows(df, SIZES, {"enhancer": 1000, "promoter": 1900}, 100, "test")
    assert len(out) == 1
    assert out["enhancer_window_start"].tolist() == [100]
    assert "2 enhancer window(s) shifted" in caplog.text
    assert "1 pair(s) dropped" in caplog.text
