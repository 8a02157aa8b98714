"""Chromosome sizes and chromosome naming."""

from __future__ import annotations

import gzip
from pathlib import Path

from ..errors import EpipairError


def open_text(path):
    """Text of a plain or gzip file; a UTF-8 byte-order mark is dropped, CRLF read as LF."""
    with open(path, "rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", newline="", encoding="utf-8-sig")
    return open(path, newline="", encoding="utf-8-sig")


def read_chrom_sizes(path) -> dict[str, int]:
    """Read a UCSC ``chrom.sizes`` file (name, length; tab or space separated).

    Raises :class:`EpipairError` naming the file and line for a malformed line.
    """
    sizes: dict[str, int] = {}
    path = Path(path)
    if not path.exists():
        raise EpipairError(f"{path}: chromosome sizes file not found")
    try:
        with open_text(path) as fh:
            lines = fh.read().splitlines()
    except (EOFError, OSError) as exc:
        raise EpipairError(f"{path}: damaged gzip file: {exc}") from None
    except UnicodeDecodeError:
        raise EpipairError(f"{path}: not a text file of chromosome sizes") from None
    for lineno, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) < 2:
            raise EpipairError(f"{path}:{lineno}: expected 'name<TAB>length', got {line!r}")
        try:
            length = int(parts[1])
        except ValueError:
            raise EpipairError(
                f"{path}:{lineno}: length of {parts[0]!r} is not an integer: {parts[1]!r}"
            ) from None
        if length <= 0:
            raise EpipairError(f"{path}:{lineno}: length of {parts[0]!r} must be positive")
        if parts[0] in sizes:
            raise EpipairError(f"{path}:{lineno}: chromosome {parts[0]!r} listed twice")
        sizes[parts[0]] = length
    if not sizes:
        raise EpipairError(f"{path}: no chromosomes")
    return sizes


MITOCHONDRIA = {"M", "MT", "chrM", "chrMT"}


def other_spellings(name: str) -> list[str]:
    """Other spellings of a chromosome name under the UCSC/Ensembl conventions."""
    if name in MITOCHONDRIA:
        return ["chrM", "MT", "M", "chrMT"]
    if name.startswith("chr"):
        return [name[3:]]
    return ["chr" + name]


def chrom_name_map(names, sizes: dict[str, int], source: str = "input") -> dict[str, str]:
    """Map chromosome names used in ``source`` to the names of the genome (``sizes``).

    ``chr1`` versus ``1`` (and ``chrM``/``MT``) is reconciled when every name maps one way.
    Names that map to no chromosome are returned unmapped (the caller reports them with
    their row). A file that mixes both spellings of one chromosome is an error.
    """
    mapping: dict[str, str] = {}
    for name in names:
        if name in sizes:
            mapping[name] = name
            continue
        for cand in other_spellings(name):
            if cand in sizes:
                mapping[name] = cand
                break
    seen: dict[str, str] = {}
    for name, target in mapping.items():
        if target in seen and seen[target] != name:
            raise EpipairError(
                f"{source}: chromosome naming is ambiguous: both {seen[target]!r} and {name!r} "
                f"map to genome chromosome {target!r}; use one naming style"
            )
        seen[target] = name
    return mapping
