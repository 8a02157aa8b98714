"""DNA sequence as compact uint8 tokens, and one-hot encoding.

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

from .errors import EpipairError

log = logging.getLogger(__name__)

TOKEN_N = 4
ALPHABET = "ACGT"
LUT = np.full(256, TOKEN_N, dtype=np.uint8)
for _i, _b in enumerate(ALPHABET):
    LUT[ord(_b)] = _i
    LUT[ord(_b.lower())] = _i
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
    """Reads whole chromosomes of an indexed FASTA as raw bytes, once each.

    The ``.fai`` index is built with pyfaidx when missing. The bytes of a chromosome are
    read with one ``numpy.fromfile`` using the index offsets, and line breaks are dropped
    with a mask; a length that disagrees with the index means a stale index, reported.
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
        except (pyfaidx.FastaIndexingError, pyfaidx.UnsupportedCompressionFormat) as exc:
            raise EpipairError(f"{self.path}: cannot index FASTA: {exc}") from None
        self.index = self._fa.faidx.index

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

    def close(self):
        self._fa.close()


def gather_windows(chrom_raw: np.ndarray, starts: np.ndarray, length: int) -> np.ndarray:
    """Tokens ``[n, length]`` of the windows ``[start, start + length)`` of one chromosome.

    Uses a strided view and one fancy-indexing gather; no per-base Python loop.
    """
    starts = np.asarray(starts, dtype=np.int64)
    if starts.size and (starts.min() < 0 or starts.max() + length > chrom_raw.size):
        raise EpipairError(
            f"window [{starts.min()}, {starts.max() + length}) runs off a chromosome of "
            f"{chrom_raw.size} bp"
        )
    if starts.size == 0:
        return np.empty((0, length), dtype=np.uint8)
    view = np.lib.stride_tricks.sliding_window_view(chrom_raw, length)
    return LUT[view[starts]]


def extract_sequence(
    fasta: FastaReader, chroms: np.ndarray, starts: np.ndarray, length: int
) -> np.ndarray:
    """Tokens ``[n, length]`` for windows on many chromosomes, reading each chromosome once."""
    chroms = np.asarray(chroms)
    starts = np.asarray(starts, dtype=np.int64)
    out = np.empty((len(starts), length), dtype=np.uint8)
    for chrom in sorted(set(chroms.tolist())):
        rows = np.flatnonzero(chroms == chrom)
        raw = fasta.chrom_bytes(chrom)
        try:
            out[rows] = gather_windows(raw, starts[rows], length)
        except EpipairError as exc:
            raise EpipairError(f"{fasta.path}: {chrom}: {exc}") from None
        log.info("%s: %d windows", chrom, rows.size)
    return out


def index_fasta(fasta_path, fai_path) -> None:
    """Build the ``.fai`` index of a FASTA with pyfaidx, written atomically to ``fai_path``."""
    import pyfaidx

    from .io import atomic_path

    with atomic_path(fai_path) as tmp:
        tmp.unlink()
        try:
            fa = pyfaidx.Faidx(str(fasta_path), indexname=str(tmp), build_index=True)
        except pyfaidx.FastaIndexingError as exc:
            raise EpipairError(f"{fasta_path}: cannot index FASTA: {exc}") from None
        fa.close()
    log.info("%s: indexed %s", fasta_path, fai_path)
