"""DNA sequence as compact uint8 tokens, and one-hot encoding.

Extraction (:meth:`FastaReader.gather`) computes each base's file offset from the ``.fai``
index and gathers all windows of a chromosome with array indexing from a memory map: no
per-base Python loop, no copy of whole chromosomes, line breaks never read.

Tokens: A=0, C=1, G=2, T=3, anything else (N, IUPAC codes) = 4; lower-case (soft-masked)
bases are folded to upper case. One byte per base: 4x smaller than a uint8 one-hot and 16x
smaller than float32. Models one-hot the tokens on the fly (:func:`one_hot`), where N becomes
an all-zero column.

Feature files (``results/<cell>/features/<kind>_sequence.npy``) hold one row per pair of
``width + 2 * flank`` tokens: the model's window is ``[:, flank:flank + width]`` and a window
shifted by ``s`` (``|s| <= flank``) is ``[:, flank + s:flank + s + width]``. Storing the flanks
once replaces SPEID's 20 materialised copies of each positive.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from ..errors import EpipairError

log = logging.getLogger(__name__)

TOKEN_N = 4
ALPHABET = "ACGT"
LUT = np.full(256, TOKEN_N, dtype=np.uint8)
for _i, _b in enumerate(ALPHABET):
    LUT[ord(_b)] = _i
    LUT[ord(_b.lower())] = _i
# the gather maps bytes that cannot appear inside a sequence line to a sentinel (stale index)
_GATHER_LUT = LUT.copy()
_GATHER_LUT[[10, 13, ord(">")]] = 255
ONE_HOT = np.vstack([np.eye(4, dtype=np.float32), np.zeros((1, 4), dtype=np.float32)])


def tokenize(text: str | bytes) -> np.ndarray:
    """Tokens of a DNA string (for tests and small inputs)."""
    if isinstance(text, str):
        text = text.encode("ascii")
    return LUT[np.frombuffer(text, dtype=np.uint8)]


def one_hot(tokens: np.ndarray, dtype=np.float32) -> np.ndarray:
    """One-hot ``[..., L] -> [..., L, 4]`` through a lookup table; N (4) is all zeros."""
    return ONE_HOT.astype(dtype, copy=False)[tokens]


class FastaReader:
    """Windows of an indexed FASTA as uint8 tokens (:meth:`gather`).

    The ``.fai`` index is built with pyfaidx when missing (the workflow builds it with the
    ``index_fasta`` rule). :meth:`chrom_bytes` reads one whole chromosome's raw bytes (for
    checks and small genomes); a length that disagrees with the index means a stale index,
    reported.
    """

    def __init__(self, path):
        import pyfaidx

        self.path = Path(path)
        if not self.path.exists():
            raise EpipairError(f"{self.path}: FASTA file not found")
        try:
            self._fa = pyfaidx.Fasta(
                str(self.path), as_raw=True, sequence_always_upper=False, rebuild=False
            )
        except (
            pyfaidx.FastaIndexingError,
            pyfaidx.UnsupportedCompressionFormat,
            ValueError,
        ) as exc:
            raise EpipairError(f"{self.path}: cannot index FASTA: {_fasta_problem(exc)}") from None
        self.index = self._fa.faidx.index
        self._mm = None

    @property
    def sizes(self) -> dict[str, int]:
        return {name: rec.rlen for name, rec in self.index.items()}

    def chrom_bytes(self, chrom: str) -> np.ndarray:
        if chrom not in self.index:
            raise EpipairError(f"{self.path}: chromosome {chrom!r} is not in the FASTA")
        rec = self.index[chrom]
        full_lines, rest = divmod(rec.rlen, rec.lenc)
        nbytes = full_lines * rec.lenb + rest
        raw = np.fromfile(self.path, dtype=np.uint8, count=nbytes, offset=rec.offset)
        raw = raw[(raw != 10) & (raw != 13)]
        if raw.size != rec.rlen:
            raise EpipairError(
                f"{self.path}.fai: index is stale for {chrom!r} (index says {rec.rlen} bp, "
                f"file has {raw.size}); delete the .fai and rerun"
            )
        return raw

    def gather(
        self, chrom: str, starts, length: int, chunk: int = 1 << 22, out=None, rows=None
    ) -> np.ndarray:
        """Tokens ``[n, length]`` of windows on ``chrom``, read from a memory map.

        A base's file offset follows from the index (``offset + p + (p // lenc) * (lenb -
        lenc)``), so windows are gathered with array indexing straight from the file: only
        the pages they touch are read, and line breaks never enter a window. A line break or
        a ``>`` inside a window means a stale index, reported. With ``out`` and ``rows``, the
        windows are written into ``out[rows]`` (no second copy) and ``out`` is returned.
        """
        if chrom not in self.index:
            raise EpipairError(f"{self.path}: chromosome {chrom!r} is not in the FASTA")
        rec = self.index[chrom]
        starts = np.asarray(starts, dtype=np.int64)
        if out is None:
            out = np.empty((starts.size, length), dtype=np.uint8)
            rows = np.arange(starts.size)
        if starts.size == 0:
            return out
        if starts.min() < 0 or starts.max() + length > rec.rlen:
            raise EpipairError(
                f"{self.path}: {chrom}: window [{starts.min()}, {starts.max() + length}) runs off "
                f"a chromosome of {rec.rlen} bp"
            )
        if self._mm is None:
            self._mm = np.memmap(self.path, dtype=np.uint8, mode="r")
        last = rec.offset + (rec.rlen - 1) + ((rec.rlen - 1) // rec.lenc) * (rec.lenb - rec.lenc)
        if last >= self._mm.size:
            raise EpipairError(
                f"{self.path}.fai: index is stale for {chrom!r} (file too short); "
                "delete the .fai and rerun"
            )
        # file offset of each window's first base, and for each possible column of that base
        # within its line, the offsets of the following bases relative to it
        gap = rec.lenb - rec.lenc
        first = rec.offset + starts + (starts // rec.lenc) * gap
        cols = np.arange(length, dtype=np.int64)
        table = cols[None, :] + ((np.arange(rec.lenc)[:, None] + cols[None, :]) // rec.lenc) * gap
        # Windows whose first base sits at the same column of its line drop the same line-break
        # columns: copy each window's contiguous file bytes (a strided view of the memory map),
        # then keep that column set, one numpy take per group
        span = int(table[:, -1].max()) + 1
        fits = first + span <= self._mm.size
        view = np.lib.stride_tricks.sliding_window_view(self._mm, span)
        column = starts % rec.lenc
        step = max(1, chunk // span)
        for col in np.unique(column):
            group = np.flatnonzero(column == col)
            for i in range(0, group.size, step):
                sel = group[i : i + step]
                if fits[sel].all():
                    raw = view[first[sel]][:, table[col]]
                else:  # at the very end of the file: index each base
                    raw = self._mm[first[sel, None] + table[col][None, :]]
                tok = _GATHER_LUT[raw]
                if tok.max(initial=0) == 255:
                    raise EpipairError(
                        f"{self.path}.fai: index is stale for {chrom!r} (line "
                        "breaks inside windows); delete the .fai and rerun"
                    )
                out[rows[sel]] = tok
        return out

    def release(self) -> None:
        """Unmap the FASTA: the file pages that windows touched (and the kernel's read-ahead
        around them) leave this process's resident memory; the next gather maps it again."""
        self._mm = None

    def close(self):
        self.release()
        self._fa.close()


def extract_sequence(
    fasta: FastaReader, chroms: np.ndarray, starts: np.ndarray, length: int
) -> np.ndarray:
    """Tokens ``[n, length]`` for windows on many chromosomes (see :meth:`FastaReader.gather`)."""
    chroms = np.asarray(chroms)
    starts = np.asarray(starts, dtype=np.int64)
    out = np.empty((len(starts), length), dtype=np.uint8)
    for chrom in sorted(set(chroms.tolist())):
        rows = np.flatnonzero(chroms == chrom)
        fasta.gather(chrom, starts[rows], length, out=out, rows=rows)
    log.info(
        "%d windows of %d bp from %d chromosomes", len(starts), length, len(set(chroms.tolist()))
    )
    return out


def write_sequence(
    fasta: FastaReader, chroms: np.ndarray, starts: np.ndarray, length: int, path
) -> tuple[tuple[int, int], float]:
    """Tokens ``[n, length]`` of windows on many chromosomes, written to the ``.npy`` file
    ``path`` (atomically) chromosome by chromosome through a memory map of the output.

    Peak memory stays near one chromosome's windows whatever the number of pairs: after each
    chromosome the output map is flushed and closed and the FASTA unmapped, so neither keeps
    its touched pages resident. Returns ``(shape, fraction of N tokens)``.
    """
    from .atomic import atomic_path

    chroms = np.asarray(chroms)
    starts = np.asarray(starts, dtype=np.int64)
    shape = (int(starts.size), int(length))
    n_tokens = 0
    with atomic_path(path, suffix=".npy") as tmp:
        if not starts.size:  # a memory map cannot be empty
            np.save(tmp, np.zeros(shape, dtype=np.uint8), allow_pickle=False)
            return shape, 0.0
        out = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.uint8, shape=shape)
        del out
        names = sorted(set(chroms.tolist()))
        for k, chrom in enumerate(names, 1):
            rows = np.flatnonzero(chroms == chrom)
            out = np.lib.format.open_memmap(tmp, mode="r+")
            fasta.gather(chrom, starts[rows], length, out=out, rows=rows)
            n_tokens += int(np.count_nonzero(out[rows] == TOKEN_N))
            out.flush()
            del out
            fasta.release()
            log.info(
                "%s: %d windows of %d bp (%d/%d chromosomes)",
                chrom,
                rows.size,
                length,
                k,
                len(names),
            )
    return shape, n_tokens / (shape[0] * shape[1])


def _fasta_problem(exc: Exception) -> str:
    """pyfaidx's complaint in words: its duplicate-name error is a bare ``Duplicate key``."""
    text = str(exc)
    if text.startswith("Duplicate key"):
        return f"sequence name {text.split(' ', 2)[2]} appears twice"
    return text


def _check_line_ends(fasta_path) -> None:
    """Old Mac line endings (carriage returns, no line feeds) make the whole file one line
    (one "sequence" named after the first header and everything after it)."""
    with open(fasta_path, "rb") as fh:
        head = fh.read(1 << 20)
    if head[:2] == b"\x1f\x8b":  # bgzip: compressed bytes say nothing of line ends
        return
    if b"\r" in head and b"\n" not in head:
        raise EpipairError(
            f"{fasta_path}: lines end with carriage returns only (old Mac line endings); "
            "convert them, e.g. tr '\\r' '\\n' < in.fa > out.fa"
        )


def fai_lengths(fai_path) -> dict[str, int]:
    """``{sequence name: length}`` of a ``.fai`` index."""
    out = {}
    for line in Path(fai_path).read_text().splitlines():
        name, length = line.split("\t")[:2]
        out[name] = int(length)
    return out


def check_sizes_match(fai_path, sizes: dict[str, int], sizes_path) -> None:
    """Stop when ``genome.chrom_sizes`` and the FASTA disagree on a chromosome's length (the
    pairs are checked against the one, the sequence read from the other), naming the
    chromosome and both lengths; chromosomes only one of them lists are left alone."""
    fasta = fai_lengths(fai_path)
    fasta_file = str(fai_path).removesuffix(".fai")
    for chrom, length in sizes.items():
        if chrom in fasta and fasta[chrom] != length:
            raise EpipairError(
                f"{sizes_path}: chromosome {chrom!r} is {length:,} bp there but {fasta[chrom]:,} "
                f"bp in {fasta_file} (another assembly?); give the chromosome sizes of the FASTA's "
                "assembly"
            )
    if fasta and not set(fasta) & set(sizes):
        raise EpipairError(
            f"{sizes_path}: no chromosome in common with {fasta_file} (its first: "
            f"{next(iter(fasta))!r}); give the chromosome sizes of the FASTA's assembly"
        )


def check_existing_index(fasta_path, sizes_path) -> None:
    """:func:`check_sizes_match` for an index built by an earlier run, when both files are
    there (at start-up: the chromosome sizes may have changed since)."""
    from .genome import read_chrom_sizes

    fai = Path(str(fasta_path) + ".fai")
    if fai.is_file() and Path(sizes_path).is_file():
        check_sizes_match(fai, read_chrom_sizes(sizes_path), sizes_path)


def index_fasta(fasta_path, fai_path, sizes_path=None) -> None:
    """Build the ``.fai`` index of a FASTA with pyfaidx, written atomically to ``fai_path``;
    with ``sizes_path``, the FASTA's lengths must be those of the chromosome sizes file."""
    import pyfaidx

    from .atomic import atomic_path
    from .genome import read_chrom_sizes

    _check_line_ends(fasta_path)
    with atomic_path(fai_path) as tmp:
        tmp.unlink()
        try:
            fa = pyfaidx.Faidx(str(fasta_path), indexname=str(tmp), build_index=True)
        except (pyfaidx.FastaIndexingError, ValueError) as exc:  # ValueError: a duplicate name
            raise EpipairError(f"{fasta_path}: cannot index FASTA: {_fasta_problem(exc)}") from None
        fa.close()
        if sizes_path is not None:
            check_sizes_match(tmp, read_chrom_sizes(sizes_path), sizes_path)
    log.info("%s: indexed %s", fasta_path, fai_path)
