"""Tab-separated BED-like text as every epipair reader meets it.

Numbered lines (a damaged gzip stream or an undecodable byte is a one-line error), data lines
(blank, ``#``, ``track`` and ``browser`` lines skipped), and the checks of the rows: each stops
at the first row that fails, as ``<file>:<line>: field '<name>' ...``. Pairs, candidate
elements, genes and peaks read their coordinates through here.
"""

from __future__ import annotations

import gzip
import logging

import numpy as np
import pandas as pd

from ..errors import EpipairError
from .genome import chrom_name_map, open_text

log = logging.getLogger(__name__)

MAX_COORD = 2**53  # at or past it: out of range, and not exact as a float


def numbered_lines(fh, path):
    """``(line number, line)``, with a damaged gzip stream or undecodable bytes as one-line
    errors."""
    lineno = 0
    try:
        for lineno, line in enumerate(fh, 1):
            yield lineno, line
    except (EOFError, OSError, gzip.BadGzipFile) as exc:
        raise EpipairError(f"{path}: damaged gzip file after line {lineno}: {exc}") from None
    except UnicodeDecodeError as exc:
        raise EpipairError(f"{path}:{lineno + 1}: not UTF-8 text ({exc.reason})") from None


def is_data(line: str) -> bool:
    """Not blank, not a comment, ``track`` or ``browser`` line."""
    return bool(line.strip()) and not line.startswith(("#", "track", "browser"))


def data_lines(path, min_columns: int, need: str):
    """``(line number, fields)`` of each data line of a tab-separated BED-like file, plain or
    gzip. A line of fewer than ``min_columns`` fields stops with ``<file>:<line>: <need>,
    found <n>``."""
    with open_text(path) as fh:
        for lineno, line in numbered_lines(fh, path):
            if not is_data(line):
                continue
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) < min_columns:
                raise EpipairError(f"{path}:{lineno}: {need}, found {len(parts)}")
            yield lineno, parts


def first(mask) -> int | None:
    """The index of the first true value of ``mask``, or None."""
    hits = np.flatnonzero(np.asarray(mask))
    return int(hits[0]) if hits.size else None


def require_columns(path, columns, required, what: str) -> None:
    """Stop at the header when ``columns`` lacks any of ``required``:
    ``<path>:1: missing column(s) <names> (<what>)``."""
    missing = [c for c in required if c not in columns]
    if missing:
        raise EpipairError(f"{path}:1: missing column(s) {', '.join(missing)} ({what})")


def fail_at(path, lines, mask, message: str, **values) -> None:
    """Stop at the first row ``i`` where ``mask`` holds: ``<path>:<lines[i]>: <message>``,
    formatted with ``values`` (a Series or array gives its ``i``-th item, anything else is
    used as it is)."""
    i = first(mask)
    if i is None:
        return
    at = {
        k: v.iloc[i] if isinstance(v, pd.Series) else v[i] if isinstance(v, np.ndarray) else v
        for k, v in values.items()
    }
    raise EpipairError(f"{path}:{np.asarray(lines)[i]}: {message.format(**at)}")


def integers(values: pd.Series, field: str, path, lines) -> np.ndarray:
    """``values`` (text) as int64 coordinates >= 0: a missing, non-integer, huge or negative
    value stops at its line."""
    text = values.astype(str).str.strip()
    numeric = pd.to_numeric(text, errors="coerce").astype(float)
    bad = (numeric.isna() | (numeric != np.floor(numeric))).to_numpy()
    what = np.where(text == "", "missing", "not an integer: " + text.map(repr))
    fail_at(path, lines, bad, "field '{f}' {what}", f=field, what=what)
    huge = (numeric.abs() >= MAX_COORD).to_numpy()
    fail_at(path, lines, huge, "field '{f}' ({v}) is out of range (no chromosome is "
            "{m:.0e} bp long)", f=field, v=text, m=MAX_COORD)  # fmt: skip
    out = numeric.to_numpy(dtype=np.int64)
    fail_at(path, lines, out < 0, "field '{f}' is negative ({v})", f=field, v=out)
    return out


def check_interval(start, end, names: tuple[str, str], path, lines, empty: bool = False) -> None:
    """Each ``end`` after its ``start`` (``empty``: or at it); ``names``: the two fields."""
    start, end = np.asarray(start), np.asarray(end)
    bad = end < start if empty else end <= start
    how = "is before" if empty else "is not after"
    fail_at(path, lines, bad, "field '{e}' ({end}) {how} '{s}' ({start})",
            e=names[1], s=names[0], end=end, start=start, how=how)  # fmt: skip


def check_within(chroms: pd.Series, ends, sizes: dict, field: str, path, lines) -> None:
    """Each position ``ends`` on its chromosome (``chroms``, the genome's names), at most its
    size."""
    limit = chroms.map(sizes).to_numpy(dtype=np.int64)
    ends = np.asarray(ends)
    fail_at(path, lines, ends > limit, "field '{f}' ({end}) is past the end of {c} ({n} bp)",
            f=field, end=ends, c=chroms.reset_index(drop=True), n=limit)  # fmt: skip


def unknown_chroms(chroms: pd.Series, known, field: str, path, lines) -> None:
    """Stop at the first of ``chroms`` not among ``known`` names (with their count)."""
    unknown = ~chroms.isin(known).to_numpy()
    n = int(unknown.sum())
    more = f" ({n} rows in all)" if n > 1 else ""
    fail_at(path, lines, unknown, "field '{f}': chromosome {c!r} is not in the genome{more}",
            f=field, c=chroms.reset_index(drop=True), more=more)  # fmt: skip


def on_genome(df: pd.DataFrame, sizes: dict, path, what: str):
    """``(rows, mask)``: the rows of ``df`` on the genome's chromosomes, ``chrom`` renamed to
    its naming (``1`` as ``chr1`` where the genome says so), and the mask that kept them. Rows
    elsewhere are left out, counted in the log with their chromosomes; none left is an error
    naming ``what`` (``gene``, ``peak``)."""
    chroms = df["chrom"].astype(str).str.strip()
    mapping = chrom_name_map(sorted(set(chroms)), sizes, source=str(path))
    known = chroms.isin(mapping.keys()).to_numpy()
    if not known.any():
        raise EpipairError(f"{path}: no {what} lies on a chromosome of the genome")
    if not known.all():
        log.warning(
            "%s: %d %s row(s) on chromosomes not in the genome left out (%s)",
            path,
            int((~known).sum()),
            what,
            ", ".join(sorted(set(chroms[~known]))[:5]),
        )
    out = df[known].copy()
    out["chrom"] = chroms[known].map(mapping)
    return out, known
