"""Hi-C contact for the abc model (epipair.io.hic): a tiny balanced .cool processed as ABC processes
its matrix, checked against a dense computation written out step by step, and ABC scores from
it by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from epipair.errors import EpipairError
from epipair.io import hic
from epipair.model import abc

cooler = pytest.importorskip("cooler")

RES = 1000
SIZES = {"chr1": 40_000, "chr2": 12_500}
PARAMS = abc.check_params({"window": 10_000})  # a band of 10 bins
BAND = 10


def pl(d, gamma=0.87, min_distance=5000):
    """ABC's power law by hand (src/hic.py:185-209)."""
    return math.exp(-4.80 + 11.63 * gamma - gamma * math.log(max(d, min_distance) + 1))


def chrom_bins():
    rows = []
    for chrom, size in SIZES.items():
        for start in range(0, size, RES):
            rows.append((chrom, start, min(start + RES, size)))
    return pd.DataFrame(rows, columns=["chrom", "start", "end"])


def make_cool(path, seed=0, nan_bins=(("chr1", 7),), zero_rows=(("chr1", 30),)):
    """Counts falling with distance plus noise, some pixels missing, one bin without a weight
    (cooler's filters), one bin without contacts, and trans contacts; weights given."""
    rng = np.random.default_rng(seed)
    bins = chrom_bins()
    n = len(bins)
    offsets = {c: int(np.flatnonzero(bins["chrom"] == c)[0]) for c in SIZES}
    dist = np.abs(np.subtract.outer(bins["start"].to_numpy(), bins["start"].to_numpy()))
    counts = np.round(200.0 / (1 + dist / RES) ** 1.1 * rng.uniform(0.5, 1.5, (n, n)))
    counts = np.triu(counts) + np.triu(counts, 1).T  # symmetric
    counts[rng.uniform(size=(n, n)) < 0.1] = 0
    counts = np.triu(counts) + np.triu(counts, 1).T
    for chrom, b in zero_rows:
        i = offsets[chrom] + b
        counts[i, :] = counts[:, i] = 0
    weight = rng.uniform(0.5, 2.0, n)
    for chrom, b in nan_bins:
        weight[offsets[chrom] + b] = np.nan
    i, j = np.triu_indices(n)
    keep = counts[i, j] > 0
    pixels = pd.DataFrame({"bin1_id": i[keep], "bin2_id": j[keep], "count": counts[i, j][keep]})
    cooler.create_cooler(str(path), bins.assign(weight=weight), pixels, dtypes={"count": float})
    return bins, counts, weight


def dense_rows(bins, counts, weight, chrom, tss_bins, params=PARAMS):
    """ABC's steps on the dense cis matrix, in its order (module docstring of epipair.io.hic)."""
    idx = np.flatnonzero(bins["chrom"] == chrom)
    m = counts[np.ix_(idx, idx)] * np.outer(weight[idx], weight[idx])
    nan = np.isnan(m) & (counts[np.ix_(idx, idx)] > 0)
    m = np.nan_to_num(m)  # hic.py:76-77
    sums = m.sum(axis=0)
    mean = sums[sums > 0].mean()
    if abs(mean - 1) >= 0.001:
        m = m / mean
    n = len(idx)
    for k in range(n):  # hic.py:93-107
        if m[k, k] != 0:
            nb = [m[k, k - 1]] if k > 0 else []
            nb += [m[k, k + 1]] if k < n - 1 else []
            m[k, k] = max(nb) * params["tss_hic_contribution"] / 100
    out = np.zeros((len(tss_bins), 2 * BAND + 1))
    for r, t in enumerate(tss_bins):
        for o in range(-BAND, BAND + 1):
            b = t + o
            if 0 <= b < n:
                out[r, BAND + o] = pl(abs(o) * RES, params["hic_gamma"]) if nan[t, b] else m[t, b]
    return out


def test_tss_rows_are_abcs_processed_matrix(tmp_path, monkeypatch):
    bins, counts, weight = make_cool(tmp_path / "m.cool")
    tss = pd.DataFrame(
        {
            "chrom": ["chr1"] * 6 + ["chr2", "chr3"],
            "tss": [500, 3_200, 7_900, 7_100, 20_000, 39_999, 12_400, 500],
            "name": list("ABCDEFGH"),
        }
    )
    monkeypatch.setattr(hic, "CHUNK", 37)  # the pixels read across many chunks
    out = hic.tss_rows(tmp_path / "m.cool", tss, PARAMS)
    assert out["resolution"] == RES and out["band"] == BAND
    assert "chr3" not in out  # not in the file: the power law there
    for chrom, tss_bins in (("chr1", [0, 3, 7, 20, 39]), ("chr2", [12])):
        got_bins, rows = out[chrom]
        assert got_bins.tolist() == tss_bins
        want = dense_rows(bins, counts, weight, chrom, tss_bins)
        np.testing.assert_allclose(rows, want, rtol=1e-6, atol=1e-12)
    # a KR vector as hic2cool stores it (a divisor, as cooler reads it) gives the same rows
    bins_kr = chrom_bins().assign(KR=1.0 / weight)
    with cooler.Cooler(str(tmp_path / "m.cool")).open("r") as h5:
        pixels = {k: h5["pixels"][k][:] for k in ("bin1_id", "bin2_id", "count")}
    cooler.create_cooler(str(tmp_path / "kr.cool"), bins_kr, pd.DataFrame(pixels))
    kr = hic.tss_rows(tmp_path / "kr.cool", tss, {**PARAMS, "hic_weight": "KR"})
    np.testing.assert_allclose(kr["chr1"][1], out["chr1"][1], rtol=1e-6)
    # the bin without a weight: its contacts are the power law at the bins' distance
    rows = out["chr1"][1]
    assert rows[2, BAND + 3] == pytest.approx(pl(3000), rel=1e-6)
    # the first bin's diagonal from its one neighbour
    assert rows[0, BAND] == pytest.approx(rows[0, BAND + 1], rel=1e-6)


def test_scores_with_hic_by_hand(tmp_path):
    """ABC = A x C / sum(A x C) with C = Hi-C scaled to the reference power law plus the
    pseudocount (src/predictor.py:147-172), the TSS failing QC read from the power law."""
    make_cool(tmp_path / "m.cool", zero_rows=(("chr1", 30),))
    tss_table = pd.DataFrame(
        {"chrom": ["chr1", "chr1"], "tss": [15_500, 30_500], "name": ["G", "Q"]}
    )
    params = abc.check_params(
        {"window": 10_000, "hic_gamma": 1.0, "hic_pseudocount_distance": 5000}
    )
    contact = hic.tss_rows(tmp_path / "m.cool", tss_table, params)
    hic.write_contact(tmp_path / "c.npz", contact)
    elements = [
        ("chr1", 15_250, 15_750, 16.0, 1),  # G's promoter, same bin
        ("chr1", 18_000, 18_600, 4.0, 0),  # midpoint 18,300: bin 18, 2,800 bp
        ("chr1", 22_100, 22_500, 9.0, 0),  # bin 22, 6,800 bp
        ("chr1", 25_400, 25_800, 1.0, 0),  # bin 25, 10,100 bp: past the 10 kb window
        ("chr1", 30_250, 30_750, 5.0, 1),  # Q's promoter
    ]
    e = pd.DataFrame(elements, columns=["chrom", "start", "end", "activity", "promoter"])
    e["accessibility"] = e["h3k27ac"] = e["activity"]
    e[abc.ELEMENT_COLUMNS].to_csv(tmp_path / "e.tsv", sep="\t", index=False)
    tss_table.to_csv(tmp_path / "t.tsv", sep="\t", index=False)
    model = abc.AbcModel(params).load(tmp_path / "e.tsv", tmp_path / "t.tsv", tmp_path / "c.npz")
    bins, rows = contact["chr1"]
    g = rows[bins.tolist().index(15)]
    assert g[BAND] >= 0.01  # G passes ABC's QC

    def c_hic(value, d):
        scaled = value * pl(d) / pl(d, gamma=1.0)
        return scaled + min(pl(d, gamma=1.0), pl(5000, gamma=1.0))

    num = {
        "P": 16 * c_hic(g[BAND], 0),
        "E1": 4 * c_hic(g[BAND + 3], 2800),
        "E2": 9 * c_hic(g[BAND + 7], 6800),
    }  # the element 10,100 bp away and Q's promoter lie outside the 10 kb window
    den = sum(num.values())
    pairs = pd.DataFrame(
        {
            "enhancer_chrom": ["chr1"] * 3,
            "enhancer_start": [18_000, 22_100, 15_250],
            "enhancer_end": [18_600, 22_500, 15_750],
            "promoter_chrom": ["chr1"] * 3,
            "promoter_start": [15_000, 15_000, 15_000],
            "promoter_end": [16_000, 16_000, 16_000],
        }
    )
    got = model.score_pairs(pairs)
    np.testing.assert_allclose(got, [num["E1"] / den, num["E2"] / den, num["P"] / den], rtol=1e-6)
    # Q's own bin holds no contact (< 0.01): its contacts are the power law, min_distance the
    # resolution (the current release's qc_hic, workflow/scripts/predictor.py:479-495)
    q = pd.DataFrame(
        {
            "enhancer_chrom": ["chr1"],
            "enhancer_start": [22_100],
            "enhancer_end": [22_500],
            "promoter_chrom": ["chr1"],
            "promoter_start": [30_000],
            "promoter_end": [31_000],
        }
    )

    def c_pl(d):
        return pl(d, gamma=1.0, min_distance=RES) * pl(d) / pl(d, gamma=1.0) + min(
            pl(d, gamma=1.0), pl(5000, gamma=1.0)
        )

    q_num = {"E2": 9 * c_pl(8200), "Q": 5 * c_pl(0), "E3": 1 * c_pl(4900)}
    np.testing.assert_allclose(model.score_pairs(q), [q_num["E2"] / sum(q_num.values())], rtol=1e-6)
    # without the Hi-C file the same tables score with the power law, as before
    plain = abc.AbcModel(params).load(tmp_path / "e.tsv", tmp_path / "t.tsv")
    assert not np.allclose(plain.score_pairs(pairs), got)


def test_no_hic_is_written_and_read_as_none(tmp_path):
    hic.write_contact(tmp_path / "c.npz", None)
    assert hic.read_contact(tmp_path / "c.npz") is None
    assert [p.name for p in tmp_path.iterdir()] == ["c.npz"]  # nothing half-written beside


def test_hic_file_errors_name_the_file(tmp_path):
    bad = tmp_path / "x.cool"
    bad.write_text("not hdf5\n")
    with pytest.raises(EpipairError, match=r"x\.cool: not a \.cool/\.mcool"):
        hic.open_cooler(bad, 5000)
    bins = chrom_bins()
    pixels = pd.DataFrame({"bin1_id": [0], "bin2_id": [1], "count": [3]})
    cooler.create_cooler(str(tmp_path / "raw.cool"), bins, pixels)
    with pytest.raises(EpipairError, match=r"raw\.cool: no balancing weights.*cooler balance"):
        hic.open_cooler(tmp_path / "raw.cool", RES)
    for r in (1000, 2000):  # two levels of a .mcool (the second's bins are not checked here)
        uri = f"{tmp_path / 'm.mcool'}::resolutions/{r}"
        cooler.create_cooler(uri, bins.assign(weight=1.0), pixels, mode="a")
    with pytest.raises(EpipairError, match=r"m\.mcool: no 5000 bp level.*has 1000, 2000"):
        hic.open_cooler(tmp_path / "m.mcool", 5000)
    assert hic.open_cooler(tmp_path / "m.mcool", 1000).binsize == RES
    with pytest.raises(EpipairError, match="hic_gamma: must be a number > 0"):
        abc.check_params({"hic_gamma": 0})
    with pytest.raises(EpipairError, match="scale_hic_using_powerlaw: must be true or false"):
        abc.check_params({"scale_hic_using_powerlaw": "yes"})
