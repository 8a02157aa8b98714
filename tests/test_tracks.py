import numpy as np
import pybigtools
import pyBigWig
import pytest

from epipair.errors import EpipairError
from epipair.io import tracks

from .conftest import write


def test_peaks_binned_by_hand(tmp_path):
    peaks = write(
        tmp_path / "p.narrowPeak",
        "c1\t10\t30\t.\t0\t.\t2.0\t-1\t-1\t5\n"
        "c1\t25\t40\t.\t0\t.\t4.0\t-1\t-1\t5\n"  # overlaps the first: max wins on [25, 30)
        "c1\t95\t100\t.\t0\t.\t1.0\t-1\t-1\t2\n",
    )
    out = tracks.binned_signal(
        [("m", str(peaks), "peaks")], np.array(["c1", "c1"]), np.array([0, 20]), 40, 10
    )
    assert out.shape == (2, 1, 4)
    # window [0, 40): bins [0,10)=0, [10,20)=2, [20,30)=(5*2+5*4)/10=3, [30,40)=4
    np.testing.assert_allclose(out[0, 0], [0, 2, 3, 4])
    # window [20, 60): [20,30)=3, [30,40)=4, then 0, 0
    np.testing.assert_allclose(out[1, 0], [3, 4, 0, 0])


def test_peak_sums_from_the_integral_equal_the_per_base_values(tmp_path):
    """Bins and interval sums of a peak file come from its step function's integral; on
    nested, chained and touching peaks they equal the per-base values summed."""
    rng = np.random.default_rng(3)
    lines = []
    for _ in range(300):
        s = int(rng.integers(0, 20_000))
        lines.append(f"c1\t{s}\t{s + int(rng.integers(1, 400))}\t.\t0\t.\t{rng.random() * 9:.3f}\n")
    lines.append("c1\t30000\t30100\t.\t0\t.\t2\nc1\t30100\t30200\t.\t0\t.\t5\n")  # touching
    track = tracks.PeakTrack(write(tmp_path / "p.bed", "".join(lines)))
    starts = rng.integers(0, 31_000, 200)
    got = tracks.track_bins(track, "c1", starts, 500, 50)
    want = [track.values("c1", s, s + 500).reshape(10, 50).mean(axis=1) for s in starts]
    np.testing.assert_allclose(got, np.array(want), rtol=1e-6)
    ends = starts + rng.integers(1, 3000, starts.size)
    with tracks.TrackSet([("m", str(tmp_path / "p.bed"), "peaks")]) as ts:
        sums = ts.interval_sums(np.array(["c1"] * starts.size), starts, ends)[:, 0]
    want = [track.values("c1", s, e).sum(dtype=np.float64) for s, e in zip(starts, ends)]
    np.testing.assert_allclose(sums, want, rtol=1e-9)
    assert track.integral("c1", [30_100, 30_200]).tolist() == [
        track.integral("c1", [30_000])[0] + 200,
        track.integral("c1", [30_000])[0] + 700,
    ]
    assert track.integral("c2", [10]).tolist() == [0.0]  # a chromosome without peaks


def write_bigwig(path, chroms, entries):
    bw = pyBigWig.open(str(path), "w")
    bw.addHeader(list(chroms.items()), maxZooms=0)
    for chrom, starts, ends, values in entries:
        bw.addEntries([chrom] * len(starts), starts, ends=ends, values=values)
    bw.close()
    return path


def test_bigwig_binned_by_hand_and_missing_chrom(tmp_path, caplog):
    bw = write_bigwig(
        tmp_path / "t.bw",
        {"c1": 1000, "c2": 500},
        [("c1", [0, 100, 150], [100, 150, 300], [1.0, 3.0, 5.0])],
    )
    caplog.set_level("WARNING")
    out = tracks.binned_signal(
        [("m", str(bw), "bigwig")], np.array(["c1", "c1", "c3"]), np.array([50, 200, 0]), 200, 50
    )
    # [50,100)=1, [100,150)=3, [150,200)=5, [200,250)=5 ; then [200,300)=5, beyond 300 no data = 0
    np.testing.assert_allclose(out[0, 0], [1, 3, 5, 5])
    np.testing.assert_allclose(out[1, 0], [5, 5, 0, 0])
    np.testing.assert_allclose(out[2, 0], [0, 0, 0, 0])
    assert "track m" in caplog.text and "has no chromosome c3" in caplog.text


def test_bigwig_and_peaks_one_code_path(tmp_path):
    """The same step function as bigWig and as peaks bins to the same numbers."""
    bw = write_bigwig(tmp_path / "t.bw", {"c1": 1000}, [("c1", [100, 400], [250, 420], [2.5, 7.0])])
    pk = write(tmp_path / "t.bed", "c1\t100\t250\t.\t0\t.\t2.5\nc1\t400\t420\t.\t0\t.\t7.0\n")
    starts = np.array([0, 130, 300, 700])
    a = tracks.binned_signal([("m", str(bw), "bigwig")], np.array(["c1"] * 4), starts, 300, 30)
    b = tracks.binned_signal([("m", str(pk), "peaks")], np.array(["c1"] * 4), starts, 300, 30)
    np.testing.assert_allclose(a, b, rtol=1e-6)


def test_merge_spans():
    s0, s1, of = tracks.merge_spans(np.array([100, 0, 50, 500, 499]), 60)
    assert s0.tolist() == [0, 499] and s1.tolist() == [160, 560]
    assert of.tolist() == [0, 0, 0, 1, 1]


@pytest.mark.parametrize(
    "text, message",
    [
        ("c1\t30\t10\t.\t0\t.\t1.0\n", r"p.bed:1: peak end \(10\) is not after start \(30\)"),
        ("c1\t10\t30\t.\t0\t.\t-1.0\n", r"p.bed:1: signalValue '-1.0' is negative"),
        # float32 would make it inf
        ("c1\t10\t30\t.\t0\t.\t1e39\n", r"p.bed:1: signalValue '1e39' .* beyond float32"),
        ("c1\t10\t30\n", r"p.bed:1: peak file needs at least 7"),
        ("c1\tx\t30\t.\t0\t.\t1\n", r"p.bed:1: start, end or signalValue is not a number"),
    ],
)
def test_bad_peak_files(tmp_path, text, message):
    with pytest.raises(EpipairError, match=message):
        tracks.PeakTrack(write(tmp_path / "p.bed", text))


def test_text_file_is_not_a_bigwig(tmp_path):
    with pytest.raises(EpipairError, match="not a bigWig file"):
        tracks.BigWigTrack(write(tmp_path / "x.bw", "this is text\n"))


def test_window_must_be_bin_multiple(tmp_path):
    pk = write(tmp_path / "t.bed", "c1\t100\t250\t.\t0\t.\t2.5\n")
    with pytest.raises(EpipairError, match="not a multiple of signal_bin"):
        tracks.binned_signal([("m", str(pk), "peaks")], np.array(["c1"]), np.array([0]), 105, 10)


def test_merge_spans_with_gap_and_cap():
    starts = np.array([0, 100, 1000, 5000])
    s0, s1, of = tracks.merge_spans(starts, 60, gap=1000)
    assert s0.tolist() == [0, 5000] and s1.tolist() == [1060, 5060]
    s0, s1, of = tracks.merge_spans(starts, 60, gap=10_000, max_span=500)
    assert s0.tolist() == [0, 1000, 5000] and of.tolist() == [0, 0, 1, 2]


def test_far_apart_windows_bin_like_near_ones(tmp_path):
    """Spans that join distant windows give the same bins as one read per window."""
    rng = np.random.default_rng(0)
    starts = np.sort(rng.integers(0, 400_000, 50)) // 10 * 10
    bw = write_bigwig(
        tmp_path / "t.bw",
        {"c1": 500_000},
        [
            (
                "c1",
                list(range(0, 500_000, 50)),
                list(range(50, 500_050, 50)),
                rng.random(10_000).tolist(),
            )
        ],
    )
    got = tracks.binned_signal([("m", str(bw), "bigwig")], np.array(["c1"] * 50), starts, 1000, 100)
    track = tracks.BigWigTrack(bw)
    want = np.stack([track.values("c1", s, s + 1000).reshape(10, 100).mean(axis=1) for s in starts])
    np.testing.assert_allclose(got[:, 0], want, rtol=1e-5)


@pytest.mark.parametrize("kind", ["bigwig", "peaks"])
def test_track_chromosome_naming_is_reconciled(tmp_path, kind, caplog):
    """A track that says 1 where the genome says chr1 (and MT for chrM) reads the same."""
    if kind == "bigwig":
        path = write_bigwig(tmp_path / "t.bw", {"1": 1000, "MT": 500}, [("1", [100], [200], [4.0])])
    else:
        path = write(tmp_path / "t.bed", "1\t100\t200\t.\t0\t.\t4.0\n")
    caplog.set_level("INFO")
    out = tracks.binned_signal(
        [("m", str(path), kind)], np.array(["chr1", "chrM"]), np.array([100, 0]), 100, 50
    )
    np.testing.assert_allclose(out[0, 0], [4, 4])
    assert "reconciled 1->chr1" in caplog.text


def test_a_mark_zero_over_every_pair_is_an_error(tmp_path, demo_features):
    """Another build's or naming's track: zero everywhere is one line naming mark and file."""
    from epipair.prep.pipeline import signal_features

    path = write_bigwig(tmp_path / "other.bw", {"chrUn": 1000}, [("chrUn", [0], [10], [1.0])])
    with pytest.raises(EpipairError, match=r"other.bw: mark DNase is zero over every enhancer"):
        signal_features(
            demo_features / "pairs.tsv",
            tracks=[("DNase", str(path), "bigwig")],
            windows={"enhancer": 1000, "promoter": 1000, "signal_bin": 50},
            out_enh=tmp_path / "e.npy",
            out_prom=tmp_path / "p.npy",
            out_marks=tmp_path / "marks.txt",
        )
    assert not list(tmp_path.glob("*.npy"))


def irregular_bigwig(path, size, nan_at=None, writer="pybigtools"):
    """Items of 1-300 bp with gaps, values over six orders of magnitude, data to the
    chromosome's end; ``nan_at``: that item's value is NaN. Written by pybigtools in UCSC's
    block layout (1,024 items a block), or by pyBigWig."""
    rng = np.random.default_rng(5)
    ends = np.cumsum(rng.integers(1, 300, size // 100))
    ends = np.append(ends[ends < size], size)
    starts = np.append(0, ends[:-1]) + rng.integers(0, 2, ends.size) * (
        np.diff(ends, prepend=0) > 1
    )
    values = rng.gamma(0.5, 1.0, ends.size) * 10.0 ** rng.integers(-3, 4, ends.size)
    if nan_at is not None:
        values[nan_at] = np.nan
    if writer == "pyBigWig":
        entries = [("c1", starts.tolist(), ends.tolist(), values.tolist())]
        return write_bigwig(path, {"c1": size, "c2": 100}, entries), starts, values
    bw = pybigtools.open(str(path), "w")
    items = zip(["c1"] * ends.size, starts.tolist(), ends.tolist(), values.tolist())
    bw.write(chroms={"c1": size, "c2": 100}, vals=items)
    return path, starts, values


@pytest.mark.parametrize("width, bin_size", [(3000, 100), (2000, 10), (1000, 1000)])
def test_pybigtools_bins_equal_the_pybigwig_spans_bit_for_bit(tmp_path, width, bin_size):
    """A bigWig in UCSC's block layout is binned by pybigtools, one call per window: exactly
    the values of pyBigWig's merged spans, over gaps and item edges, for a window straddling
    the chromosome's end (padded with 0) and one past it."""
    size = 200_000
    path, _, _ = irregular_bigwig(tmp_path / "t.bw", size)
    assert tracks.items_per_slot(path) == 1024
    starts = np.append(np.random.default_rng(0).integers(0, size - width, 400), [size - 150, size])
    chroms = np.array(["c1"] * starts.size)
    fast = tracks.BigWigTrack(path)
    assert fast.reader == "pybigtools"
    got = tracks.binned_signal([("m", str(path), "bigwig")], chroms, starts, width, bin_size)
    slow = tracks.binned_signal(
        [("m", str(path), "bigwig")], chroms, starts, width, bin_size, reader="pybigwig"
    )
    assert got.tobytes() == slow.tobytes()
    # by hand: the per-base values (past the end: 0), bin means; the last window is all 0
    some = np.r_[0:4, -2]
    by_hand = np.stack([fast.values("c1", s, s + width) for s in starts[some]])
    by_hand = by_hand.reshape(5, -1, bin_size).mean(axis=2, dtype=np.float64)
    np.testing.assert_allclose(got[some, 0], by_hand, rtol=1e-6)
    assert got[-1].max() == 0 and got[-2, 0, 0] > 0
    fast.close()


def test_pybigwig_reads_its_own_layout_and_a_bigwig_holding_nan(tmp_path):
    """pyBigWig's spans bin a file pyBigWig wrote (blocks of about 400 kb: pybigtools was
    slower there) and a file holding a NaN value, with NaN as 0 (pybigtools' mean of that
    bin would be NaN; the file's summary shows it)."""
    own, _, _ = irregular_bigwig(tmp_path / "own.bw", 20_000, writer="pyBigWig")
    assert tracks.items_per_slot(own) == 1 and tracks.BigWigTrack(own).reader == "pybigwig"
    path, starts, values = irregular_bigwig(tmp_path / "t.bw", 20_000, nan_at=10)
    track = tracks.BigWigTrack(path)
    assert tracks.items_per_slot(path) == 1024 and track.reader == "pybigwig"
    s = int(starts[10]) // 100 * 100
    got = tracks.track_bins(track, "c1", np.array([s]), 1000, 100)[0]
    want = np.nan_to_num(track._bw.values("c1", s, s + 1000, numpy=True))
    np.testing.assert_allclose(got, want.reshape(10, 100).mean(axis=1), rtol=1e-6)
    assert got[0] > 0 or got[1] > 0  # the bin with the NaN keeps its other bases
    with pytest.raises(EpipairError, match="unknown bigWig reader 'fast'"):
        tracks.BigWigTrack(path, reader="fast")
    assert tracks.items_per_slot(write(tmp_path / "x.bw", "not a bigWig")) is None


@pytest.mark.parametrize("writer", ["pyBigWig", "pybigtools"])
def test_a_damaged_bigwig_names_the_file(tmp_path, writer, caplog):
    """Either reader: one line naming the file and region (pybigtools, which panics on the
    block, hands the track to pyBigWig, which names it)."""
    starts = list(range(0, 1_000_000, 10))
    values = [float(i % 7) for i in range(len(starts))]
    path = tmp_path / "t.bw"
    if writer == "pyBigWig":
        write_bigwig(path, {"c1": 1_000_000}, [("c1", starts, [s + 10 for s in starts], values)])
    else:
        bw = pybigtools.open(str(path), "w")
        bw.write({"c1": 1_000_000}, ((("c1", s, s + 10, v) for s, v in zip(starts, values))))
        assert tracks.BigWigTrack(path).reader == "pybigtools"
    data = bytearray(path.read_bytes())
    i = int(len(data) * 0.3)
    data[i : i + 2000] = bytes((7 * k + 3) % 256 for k in range(2000))  # a damaged data block
    path.write_bytes(bytes(data))
    with pytest.raises(EpipairError, match=r"t.bw: damaged bigWig: cannot read c1:"):
        tracks.binned_signal(
            [("m", str(path), "bigwig")], np.array(["c1"]), np.array([0]), 1_000_000, 100
        )
    assert ("pybigtools cannot read c1:0-1000000" in caplog.text) == (writer == "pybigtools")


def test_an_all_zero_mark_over_a_few_pairs_is_only_a_warning(caplog):
    sig = np.zeros((3, 1, 4), dtype=np.float32)
    caplog.set_level("WARNING")
    tracks.empty_marks([sig, sig], [("CTCF", "p.bed", "peaks")])
    assert "mark CTCF is zero" in caplog.text and "only 3 pairs" in caplog.text
    with pytest.raises(EpipairError, match="mark CTCF is zero"):
        big = np.zeros((tracks.EMPTY_MARK_MIN_PAIRS, 1, 4), dtype=np.float32)
        tracks.empty_marks([big, big], [("CTCF", "p.bed", "peaks")])


def test_sliding_windows_by_hand_and_equal_to_the_bins_at_bin_offsets(tmp_path, demo_features):
    """Xiao et al.'s input: the mean over 50 bp every 10 bp, exactly."""
    peaks = write(tmp_path / "p.narrowPeak", "c1\t10\t30\t.\t0\t.\t2.0\t-1\t-1\t5\n")
    out = tracks.sliding_signal(
        [("m", str(peaks), "peaks")], np.array(["c1"]), np.array([0]), 80, 20, 10
    )
    # 7 windows of 20 bp every 10 bp over [0, 80): [0,20) = 10 bp of 2 -> 1, [10,30) -> 2, ...
    np.testing.assert_allclose(out[0, 0], [1, 2, 1, 0, 0, 0, 0])
    # on the demo tracks (bigWig and peaks): 46 positions per 500-bp window, and the windows
    # at offsets 0, 50, 100, ... (every fifth position) are the 50-bp bins of signal_bin
    n = sum(1 for _ in open(demo_features / "pairs.tsv")) - 1
    sig = np.load(demo_features / "features" / "enhancer_signal_windows.npy")
    marks = (demo_features / "features" / "signal_windows_marks.txt").read_text().split()
    assert sig.shape == (n, len(marks), (500 - 50) // 10 + 1) == (n, 5, 46)
    binned = np.load(demo_features / "features" / "enhancer_signal.npy")
    np.testing.assert_allclose(sig[:, :, ::5], binned, rtol=1e-5, atol=1e-6)


def test_sliding_windows_must_tile_the_element_window():
    with pytest.raises(EpipairError, match="signal_window must be a multiple of"):
        tracks.sliding_signal([], np.array(["c1"]), np.array([0]), 1000, 45, 10)


def test_a_track_of_another_assembly_is_named(tmp_path):
    """Same chromosome names, other lengths: read at the wrong places unless compared."""
    bw = write_bigwig(tmp_path / "t.bw", {"c1": 1000, "chrM": 90}, [("c1", [0], [10], [1.0])])
    spec = [("H3K27ac", str(bw), "bigwig")]
    chroms, starts = np.array(["c1"]), np.array([0])
    sizes = {"c1": 1200, "chrM": 92}  # mitochondria differ between hg19 and GRCh37: left alone
    with pytest.raises(EpipairError, match=r"t.bw: mark H3K27ac: chromosome c1 is 1,000 bp in the "
                       r"track but is 1,200 bp in the genome"):  # fmt: skip
        tracks.binned_signal(spec, chroms, starts, 100, 10, sizes)
    tracks.binned_signal(spec, chroms, starts, 100, 10, {"c1": 1000, "chrM": 92})
    peaks = write(tmp_path / "p.bed", "c1\t10\t30\t.\t0\t.\t1\nc1\t900\t1100\t.\t0\t.\t1\n")
    with pytest.raises(EpipairError, match=r"chromosome c1 has a peak ending at 1,100 in the"):
        tracks.sliding_signal(
            [("m", str(peaks), "peaks")], chroms, starts, 100, 20, 10, {"c1": 1000}
        )
    tracks.sliding_signal([("m", str(peaks), "peaks")], chroms, starts, 100, 20, 10, {"c1": 1200})
