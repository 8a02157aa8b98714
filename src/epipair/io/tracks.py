"""Binned epigenomic signal around elements, from bigWig files and from peak files.

Both kinds of track answer one question, ``values(chrom, start, end)``: the per-base signal
as float32, NaN (no data) as 0. A bigWig answers with pyBigWig's bulk ``values``; a peak file
(narrowPeak/broadPeak, BED6+) answers with each peak's signalValue (column 7) over the peak and
0 elsewhere, the maximum where peaks overlap. A window's bin means (:func:`track_bins`) are the
means of those values, with no data counted as 0, read one of three ways:

- a peak file: differences of its integral at the bin edges;
- a bigWig in UCSC's block layout (the layout of bedGraphToBigWig, wigToBigWig and bigtools,
  so of ENCODE's and Roadmap's files): pybigtools' exact bin means, one call per window
  (``values(bins=..., exact=True, uncovered=0)``): the same bytes as the spans below, and 1.6x
  as fast on TargetFinder-like windows (1.0x on windows every 500 bp; benchmarks/README.md);
- any other bigWig (pyBigWig writes blocks of about 400 kb, where pybigtools measured 0.9x
  and 0.3x), one holding a NaN or infinite value (pybigtools makes the whole bin's mean NaN,
  where ours counts that base as 0), or with ``reader="pybigwig"``: windows merged into spans
  (windows up to 100 kb apart share one pyBigWig read, which decompresses each block once), each
  window's bins averaged from the span's values with a strided view and a reshape. pyBigWig's
  ``stats(nBins=...)`` is avoided: it was measured 25x slower than bulk values plus numpy.

A track's chromosome names are reconciled with the genome's (``1`` versus ``chr1``, ``MT``
versus ``chrM``), as pairs files are; a track without a chromosome gives zeros for that
chromosome and a warning naming both. A damaged bigWig block is an error naming the file and
the region. Output shape: ``[n_windows, n_marks, width // bin]`` float32.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from ..errors import EpipairError
from .bed import data_lines
from .genome import MITOCHONDRIA, other_spellings

log = logging.getLogger(__name__)

KINDS = ("bigwig", "peaks")
# signal is kept as float32: a larger value would become inf
FLOAT32_MAX = float(np.finfo(np.float32).max)


# how a bigWig's bin means are read: pybigtools where its means are ours and faster ("auto",
# :func:`exact_bin_reader`), or pyBigWig's merged spans always ("pybigwig": the benchmark's
# comparison, and a way around a pybigtools fault); both give the same values
READERS = ("auto", "pybigwig")


class BigWigTrack:
    def __init__(self, path, reader: str = "auto"):
        import pyBigWig

        if reader not in READERS:
            raise EpipairError(f"unknown bigWig reader {reader!r}; use one of {READERS}")
        self.path = Path(path)
        if not self.path.exists():
            raise EpipairError(f"{self.path}: track file not found")
        try:
            bw = pyBigWig.open(str(self.path))
        except RuntimeError:
            bw = None
        if bw is None or not bw.isBigWig():
            raise EpipairError(f"{self.path}: not a bigWig file")
        self._bw = bw
        self.chroms = dict(bw.chroms())
        self._bins = exact_bin_reader(self.path) if reader == "auto" else None

    @property
    def reader(self) -> str:
        """``pybigtools`` or ``pybigwig``: what reads this track's bin means."""
        return "pybigwig" if self._bins is None else "pybigtools"

    def bin_means(self, chrom: str, starts: np.ndarray, width: int, bin_size: int):
        """``[n, width // bin_size]`` float32 bin means of windows ``[s, s + width)`` by
        pybigtools, one call per window; None where this track reads them from pyBigWig (from
        the first window pybigtools fails to read on: pyBigWig then names the damage)."""
        if self._bins is None:
            return None
        nb, size = width // bin_size, self.chroms.get(chrom, 0)
        out = np.zeros((len(starts), nb), dtype=np.float32)
        for i, start in enumerate(np.asarray(starts, dtype=np.int64).tolist()):
            if start + width > size:  # to or past the chromosome's end: padded with 0 here,
                vals = self.values(chrom, start, start + width)  # where pybigtools drops the bin
                out[i] = vals.reshape(nb, bin_size).mean(axis=1, dtype=np.float64)
                continue
            try:
                out[i] = self._bins.values(
                    chrom, start, start + width, bins=nb, summary="mean", exact=True,
                    uncovered=0.0, oob=0.0, fillna=0.0,
                )  # fmt: skip
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:  # a damaged block is a Rust panic (BaseException)
                log.warning(
                    "pybigtools cannot read %s:%d-%d of %s (%s): pyBigWig reads this track",
                    chrom, start, start + width, self.path, str(exc).splitlines()[0][:200],
                )  # fmt: skip
                self._bins.close()
                self._bins = None
                return None
        return out

    def values(self, chrom: str, start: int, end: int) -> np.ndarray:
        stop = min(end, self.chroms.get(chrom, 0))
        if stop <= start:
            return np.zeros(end - start, dtype=np.float32)
        try:
            vals = self._bw.values(chrom, int(start), int(stop), numpy=True)
        except RuntimeError as exc:  # a damaged data block: pyBigWig names nothing
            raise EpipairError(
                f"{self.path}: damaged bigWig: cannot read {chrom}:{start}-{stop} ({exc})"
            ) from None
        vals = np.asarray(vals, np.float32)
        if stop < end:  # past the track's end of the chromosome: no data
            vals = np.concatenate([vals, np.zeros(end - stop, dtype=np.float32)])
        bad = ~np.isfinite(vals)
        if bad.any():
            vals[bad] = 0.0
        return vals

    def close(self):
        self._bw.close()
        if self._bins is not None:
            self._bins.close()


BIGWIG_MAGIC = 0x888FFC26  # UCSC kent's bigWigSig (bigWig.h); pyBigWig's libBigWig writes it


def items_per_slot(path: Path) -> int | None:
    """The ``itemsPerSlot`` of a bigWig's R-tree index (UCSC's writers and bigtools: 1,024;
    libBigWig, so pyBigWig: 1), or None where the header cannot be read."""
    import struct

    try:
        with open(path, "rb") as f:
            head = f.read(32)
            order = next(o for o in "<>" if struct.unpack(o + "I", head[:4])[0] == BIGWIG_MAGIC)
            # the bbi header's fullIndexOffset (bytes 24-31) points at the R-tree header, whose
            # itemsPerSlot follows magic, blockSize, itemCount, four bounds and endFileOffset
            # (bytes 40-43; kent's cirTree.h, libBigWig's bwWrite.c write the same fields)
            f.seek(struct.unpack(order + "Q", head[24:32])[0] + 40)
            return struct.unpack(order + "I", f.read(4))[0]
    except (OSError, StopIteration, struct.error):
        return None


def exact_bin_reader(path: Path):
    """pybigtools' reader of ``path`` where its bin means are ours and faster to read, else
    None (pyBigWig's spans read them). Faster: UCSC's block layout (more than one item per
    index slot). Ours: the file's summary is finite, as a NaN or infinite value makes
    pybigtools' mean of its bin NaN where ours counts the base as 0 (pyBigWig's ``header()``
    cannot tell: it gives the summary as integers, and crashed on a NaN sum)."""
    if (items_per_slot(path) or 0) <= 1:
        return None
    try:
        import pybigtools

        reader = pybigtools.open(str(path))
        summary = reader.info()["summary"]
    except ImportError:
        return None
    except Exception as exc:  # noqa: BLE001 - any failure: pyBigWig reads the file instead
        log.info("pybigtools cannot open %s (%s): its bins are read by pyBigWig", path, exc)
        return None
    if all(np.isfinite(summary.get(k, np.nan)) for k in ("sum", "min", "max")):
        return reader
    reader.close()
    log.info("%s holds a value that is not finite: its bins are read by pyBigWig", path)
    return None


class PeakTrack:
    """A narrowPeak/broadPeak file as a step function: signalValue over each peak."""

    def __init__(self, path):
        self.path = Path(path)
        if not self.path.exists():
            raise EpipairError(f"{self.path}: track file not found")
        per_chrom: dict[str, list] = {}
        need = "peak file needs at least 7 tab-separated columns (BED6 + signalValue)"
        try:
            for lineno, parts in data_lines(self.path, 7, need):
                try:
                    s, e, v = int(parts[1]), int(parts[2]), float(parts[6])
                except ValueError:
                    raise EpipairError(
                        f"{self.path}:{lineno}: start, end or signalValue is not a number"
                    ) from None
                if e <= s or s < 0:
                    raise EpipairError(
                        f"{self.path}:{lineno}: peak end ({e}) is not after start ({s})"
                    )
                if not np.isfinite(v) or v < 0 or v > FLOAT32_MAX:
                    raise EpipairError(
                        f"{self.path}:{lineno}: signalValue {parts[6]!r} is negative, not finite "
                        f"or beyond float32's range ({FLOAT32_MAX:.3g})"
                    )
                per_chrom.setdefault(parts[0], []).append((s, e, v))
        except (UnicodeDecodeError, OSError, EOFError) as exc:
            raise EpipairError(f"{self.path}: not a readable peak file ({exc})") from None
        self._peaks = {}
        self._steps: dict[str, tuple] = {}
        for chrom, rows in per_chrom.items():
            arr = np.array(rows, dtype=np.float64)
            order = np.argsort(arr[:, 0], kind="stable")
            arr = arr[order]
            self._peaks[chrom] = (
                arr[:, 0].astype(np.int64),
                arr[:, 1].astype(np.int64),
                arr[:, 2].astype(np.float32),
                int((arr[:, 1] - arr[:, 0]).max()),
            )
        self.chroms = {c: int(p[1].max()) for c, p in self._peaks.items()}

    def _step_function(self, chrom: str) -> tuple:
        """The track on ``chrom`` as a step function: breakpoints, the value from each
        breakpoint to the next (the largest signalValue of the peaks covering it, as
        :meth:`values` gives it) and the integral up to each breakpoint. Built on first use."""
        if chrom not in self._steps:
            ps, pe, pv, _ = self._peaks[chrom]
            bounds = np.unique(np.concatenate([ps, pe]))
            level = np.zeros(bounds.size, dtype=np.float64)  # the last runs to infinity at 0
            first = np.searchsorted(bounds, ps)
            n_seg = np.searchsorted(bounds, pe) - first  # segments each peak covers
            offset = np.arange(int(n_seg.sum())) - np.repeat(np.cumsum(n_seg) - n_seg, n_seg)
            np.maximum.at(level, np.repeat(first, n_seg) + offset, np.repeat(pv, n_seg))
            cum = np.zeros(bounds.size, dtype=np.float64)
            np.cumsum(level[:-1] * np.diff(bounds), out=cum[1:])
            self._steps[chrom] = (bounds, level, cum)
        return self._steps[chrom]

    def integral(self, chrom: str, pos) -> np.ndarray:
        """The track's sum over ``[0, pos)`` for each position (float64): a window's sum is
        ``integral(end) - integral(start)``, without reading the bases in between."""
        pos = np.asarray(pos, dtype=np.int64)
        if chrom not in self._peaks:
            return np.zeros(pos.shape)
        bounds, level, cum = self._step_function(chrom)
        i = np.searchsorted(bounds, pos, side="right") - 1
        ii = np.maximum(i, 0)
        return np.where(i < 0, 0.0, cum[ii] + level[ii] * (pos - bounds[ii]))

    def values(self, chrom: str, start: int, end: int) -> np.ndarray:
        out = np.zeros(end - start, dtype=np.float32)
        if chrom not in self._peaks:
            return out
        ps, pe, pv, maxlen = self._peaks[chrom]
        lo = np.searchsorted(ps, start - maxlen, side="left")
        hi = np.searchsorted(ps, end, side="left")
        for s, e, v in zip(ps[lo:hi], pe[lo:hi], pv[lo:hi]):
            if e <= start:
                continue
            a, b = max(s, start) - start, min(e, end) - start
            np.maximum(out[a:b], v, out=out[a:b])
        return out

    def close(self):
        pass


def open_track(path, kind: str, reader: str = "auto"):
    """Open a track of ``kind`` ``bigwig`` or ``peaks`` (``reader``: see :class:`BigWigTrack`)."""
    if kind == "bigwig":
        return BigWigTrack(path, reader)
    if kind == "peaks":
        return PeakTrack(path)
    raise EpipairError(f"{path}: unknown track kind {kind!r}; use one of {KINDS}")


def merge_spans(
    starts: np.ndarray, length: int, gap: int = 0, max_span: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge windows ``[s, s + length)`` into disjoint spans.

    Windows closer than ``gap`` bp join one span (one read serves them all), as long as the
    span stays within ``max_span`` bp. Returns ``(span_start, span_end, span_of_window)``,
    windows indexed as given.
    """
    order = np.argsort(starts, kind="stable")
    s = np.asarray(starts, dtype=np.int64)[order]
    new_span = np.ones(s.size, dtype=bool)
    if s.size > 1:
        # a window opens a new span when it starts beyond the running end plus the gap
        running_end = np.maximum.accumulate(s + length)
        new_span[1:] = s[1:] >= running_end[:-1] + gap
    if max_span is not None and s.size > 1:
        # split spans that grew too long (a sequential pass over the span openings only)
        span_first = s[0]
        for i in range(1, s.size):
            if new_span[i]:
                span_first = s[i]
            elif s[i] + length - span_first > max_span:
                new_span[i] = True
                span_first = s[i]
    span_id_sorted = np.cumsum(new_span) - 1
    n_spans = int(span_id_sorted[-1]) + 1 if s.size else 0
    span_start = s[new_span]
    span_end = np.zeros(n_spans, dtype=np.int64)
    np.maximum.at(span_end, span_id_sorted, s + length)
    span_of = np.empty_like(span_id_sorted)
    span_of[order] = span_id_sorted
    return span_start, span_end, span_of


SPAN_GAP = 100_000  # bp of unused signal worth reading to save a separate read
MAX_SPAN = 4_000_000  # bp read at once at most (16 MB of float32)


def track_bins(track, chrom: str, starts: np.ndarray, width: int, bin_size: int) -> np.ndarray:
    """Bin means ``[n, width // bin_size]`` of one track for windows on one chromosome.

    A peak file answers from its integral and a bigWig from pybigtools where that is exact
    and faster (:meth:`BigWigTrack.bin_means`). Otherwise nearby windows share one read of the
    track (:func:`merge_spans`); each span's windows are gathered from that read with a strided
    view and averaged per bin by a reshape.
    """
    nb = width // bin_size
    out = np.zeros((starts.size, nb), dtype=np.float32)
    if starts.size == 0:
        return out
    if hasattr(track, "integral"):  # a peak file: differences of its integral at bin edges
        edges = np.asarray(starts, np.int64)[:, None] + bin_size * np.arange(nb + 1)
        sums = np.diff(track.integral(chrom, edges), axis=1)
        return (sums / bin_size).astype(np.float32)
    means = track.bin_means(chrom, starts, width, bin_size)
    if means is not None:
        return means
    span_start, span_end, span_of = merge_spans(starts, width, SPAN_GAP, max(MAX_SPAN, width))
    by_span = np.argsort(span_of, kind="stable")
    bounds = np.searchsorted(span_of[by_span], np.arange(span_start.size + 1))
    for k in range(span_start.size):
        rows = by_span[bounds[k] : bounds[k + 1]]
        vals = track.values(chrom, span_start[k], span_end[k])
        view = np.lib.stride_tricks.sliding_window_view(vals, width)
        windows = view[starts[rows] - span_start[k]]
        out[rows] = windows.reshape(rows.size, nb, bin_size).mean(axis=2, dtype=np.float64)
    return out


def track_chrom_names(track_chroms, genome_chroms, mark: str, path) -> dict[str, str | None]:
    """``{genome chromosome: the track's name for it, or None}``: the name itself, else its
    other spelling (``1`` for ``chr1``, ``MT`` for ``chrM``), logged once per track."""
    out, renamed = {}, []
    for chrom in genome_chroms:
        if chrom in track_chroms:
            out[chrom] = chrom
            continue
        out[chrom] = next((c for c in other_spellings(chrom) if c in track_chroms), None)
        if out[chrom] is not None:
            renamed.append(f"{out[chrom]}->{chrom}")
    if renamed:
        log.info(
            "track %s (%s) names chromosomes otherwise than the genome; reconciled %s",
            mark,
            path,
            ", ".join(renamed),
        )
    return out


# below this many pairs an all-zero mark may be chance (a few pairs far from any peak)
EMPTY_MARK_MIN_PAIRS = 100


def empty_marks(signals, tracks) -> None:
    """Stop with one line when a mark is zero over every window of ``signals`` (arrays
    ``[n, marks, bins]``, e.g. the enhancers' and the promoters'): its track covers none of the
    pairs (another genome build, other chromosome names, an empty file). Under
    ``EMPTY_MARK_MIN_PAIRS`` pairs this is a warning, not an error."""
    n = max((int(s.shape[0]) for s in signals), default=0)
    for m, (mark, path, _) in enumerate(tracks):
        if n and not any(s[:, m].any() for s in signals):
            msg = (
                f"{path}: mark {mark} is zero over every enhancer and promoter window; check "
                "that the track is of this genome build and names its chromosomes as the pairs do"
            )
            if n < EMPTY_MARK_MIN_PAIRS:
                log.warning("%s (only %d pairs: not an error)", msg, n)
                continue
            raise EpipairError(msg)


def check_track_lengths(track, names: dict, sizes: dict[str, int], mark: str) -> None:
    """Stop when a track is of another assembly: a bigWig whose chromosome length differs
    from the genome's, or a peak past the genome's end of its chromosome; names the track,
    the chromosome and both lengths. (Same names, other lengths: read at the wrong places.)"""
    for chrom, name in names.items():
        # mitochondria: hg19's chrM (16,571 bp) is not GRCh37's MT (16,569): no EPI there
        if name is None or chrom not in sizes or chrom in MITOCHONDRIA:
            continue
        theirs, ours = track.chroms[name], sizes[chrom]
        if isinstance(track, BigWigTrack) and theirs != ours:
            what = f"is {theirs:,} bp in the track"
        elif isinstance(track, PeakTrack) and theirs > ours:
            what = f"has a peak ending at {theirs:,} in the track"
        else:
            continue
        raise EpipairError(
            f"{track.path}: mark {mark}: chromosome {chrom} {what} but is {ours:,} bp in the "
            "genome (chrom_sizes): a track of another assembly?"
        )


class TrackSet:
    """Tracks ``[(mark, path, kind), ...]`` opened once, for many extractions (a genome-wide
    scoring run extracts chunk after chunk; a peak file is parsed only once). Use as a context
    manager, or call :meth:`close`."""

    def __init__(self, tracks: list[tuple[str, str, str]], chroms=(), sizes=None, reader="auto"):
        """``chroms``: genome chromosomes to reconcile with each track's naming now (one log
        line per track); others are reconciled when first asked for. ``sizes`` (the genome's
        ``{chromosome: length}``): each track must agree with them on ``chroms``
        (:func:`check_track_lengths`). ``reader``: how bigWig bins are read (:data:`READERS`;
        the same values either way)."""
        self.specs = list(tracks)
        self._open: list = []
        self._names: list[dict] = []
        self._warned: set = set()
        try:
            for mark, path, kind in self.specs:
                track = open_track(path, kind, reader)
                self._open.append(track)
                names = track_chrom_names(track.chroms, list(chroms), mark, path)
                self._names.append(names)
                if sizes is not None:
                    check_track_lengths(track, names, sizes, mark)
        except BaseException:
            self.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        for track in self._open:
            track.close()
        self._open = []

    def _track_name(self, m: int, chrom: str):
        """The track's name for genome chromosome ``chrom`` (None: no such chromosome; the
        warning is given once per track and chromosome)."""
        names = self._names[m]
        if chrom not in names:
            mark, path, _ = self.specs[m]
            names.update(track_chrom_names(self._open[m].chroms, [chrom], mark, path))
        if names[chrom] is None and (m, chrom) not in self._warned:
            self._warned.add((m, chrom))
            mark, path, _ = self.specs[m]
            log.warning(
                "track %s (%s) has no chromosome %s: its windows get zeros", mark, path, chrom
            )
        return names[chrom]

    def binned(self, chroms, starts, width: int, bin_size: int, marks=None) -> np.ndarray:
        """Signal ``[n, marks, width // bin_size]`` (``marks``: indices, default all)."""
        if width % bin_size:
            raise EpipairError(f"window width {width} is not a multiple of signal_bin {bin_size}")
        chroms = np.asarray(chroms)
        starts = np.asarray(starts, dtype=np.int64)
        marks = range(len(self.specs)) if marks is None else marks
        out = np.zeros((starts.size, len(marks), width // bin_size), dtype=np.float32)
        for j, m in enumerate(marks):
            for chrom in sorted(set(chroms.tolist())):
                rows = np.flatnonzero(chroms == chrom)
                name = self._track_name(m, chrom)
                if name is not None:
                    out[rows, j] = track_bins(self._open[m], name, starts[rows], width, bin_size)
        return out

    def interval_sums(self, chroms, starts, ends) -> np.ndarray:
        """``[n, marks]`` float64: each track summed over each interval ``[start, end)`` (its
        per-base values; a peak file's signalValue over the bases its peaks cover). Intervals
        near one another share one read (:func:`merge_spans`)."""
        chroms = np.asarray(chroms)
        starts, ends = np.asarray(starts, np.int64), np.asarray(ends, np.int64)
        out = np.zeros((starts.size, len(self.specs)))
        if starts.size == 0:
            return out
        longest = int((ends - starts).max())
        for chrom in sorted(set(chroms.tolist())):
            rows = np.flatnonzero(chroms == chrom)
            s, e = starts[rows], ends[rows]
            spans = None  # the per-base reads' spans, merged once, for tracks without integral
            for m in range(len(self.specs)):
                name = self._track_name(m, chrom)
                if name is None:
                    continue
                if hasattr(self._open[m], "integral"):
                    sums = self._open[m].integral(name, np.stack([s, e]))
                    out[rows, m] = sums[1] - sums[0]
                    continue
                if spans is None:
                    spans = merge_spans(s, longest, SPAN_GAP, MAX_SPAN + longest)
                span_start, span_end, span_of = spans
                for k in range(span_start.size):
                    idx = np.flatnonzero(span_of == k)
                    vals = self._open[m].values(name, span_start[k], span_end[k])
                    csum = np.concatenate([[0.0], np.cumsum(vals, dtype=np.float64)])
                    a, b = s[idx] - span_start[k], e[idx] - span_start[k]
                    out[rows[idx], m] = csum[b] - csum[a]
        return out

    def sliding(self, chroms, starts, width: int, window: int, step: int) -> np.ndarray:
        """Mean signal over ``window`` bp every ``step`` bp (see :func:`sliding_signal`)."""
        if window % step or width % step or not step <= window <= width:
            raise EpipairError(
                f"signal windows of {window} bp every {step} bp do not tile a {width}-bp window: "
                "windows.signal_window must be a multiple of windows.signal_step and both must "
                "divide the element windows"
            )
        k = window // step
        n_pos = (width - window) // step + 1
        out = np.zeros((np.asarray(starts).size, len(self.specs), n_pos), dtype=np.float32)
        for m in range(len(self.specs)):
            fine = self.binned(chroms, starts, width, step, marks=[m])[:, 0]
            csum = np.zeros((fine.shape[0], fine.shape[1] + 1))
            np.cumsum(fine, axis=1, dtype=np.float64, out=csum[:, 1:])
            out[:, m] = (csum[:, k:] - csum[:, :-k]) / k
        return out


def binned_signal(
    tracks: list[tuple[str, str, str]],
    chroms: np.ndarray,
    starts: np.ndarray,
    width: int,
    bin_size: int,
    sizes: dict[str, int] | None = None,
    reader: str = "auto",
) -> np.ndarray:
    """Signal ``[n, marks, width // bin_size]`` for ``tracks`` = [(mark, path, kind), ...];
    with the genome's ``sizes``, the tracks' chromosome lengths are checked against them
    (``reader``: see :class:`TrackSet`)."""
    with TrackSet(tracks, sorted(set(np.asarray(chroms).tolist())), sizes, reader) as ts:
        out = ts.binned(chroms, starts, width, bin_size)
    log.info("%d tracks: %d windows binned", len(tracks), np.asarray(starts).size)
    return out


def sliding_signal(
    tracks: list[tuple[str, str, str]],
    chroms: np.ndarray,
    starts: np.ndarray,
    width: int,
    window: int,
    step: int,
    sizes: dict[str, int] | None = None,
) -> np.ndarray:
    """Mean signal over ``window`` bp every ``step`` bp (Xiao et al.'s input: 50 bp every 10 bp,
    296 positions over 3 kb): ``[n, marks, (width - window) // step + 1]`` float32.

    Exact: each mark is binned at ``step`` resolution (:meth:`TrackSet.binned`) and the
    ``window // step`` consecutive bin means are averaged. ``sizes``: as for
    :func:`binned_signal`.
    """
    with TrackSet(tracks, sorted(set(np.asarray(chroms).tolist())), sizes) as ts:
        return ts.sliding(chroms, starts, width, window, step)
