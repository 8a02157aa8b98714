"""Writers that never leave a half-written file behind.

Every output is written to a temporary name in the target folder and renamed into place only
when complete, so a killed job leaves either the old file, or nothing, never a truncated one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import EpipairError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path, suffix: str | None = None):
    """Yield a temporary path beside ``path``; rename it to ``path`` if the block succeeds.

    ``suffix`` keeps an extension that a writer insists on (numpy appends ``.npy``).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=suffix if suffix is not None else ".tmp", dir=path.parent
    )
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def open_no_follow(path, mode: str = "wb"):
    """Open ``path`` for writing (``"wb"``: truncate, ``"ab"``: append; ``"w"``/``"a"`` as
    text), never through a symbolic link: a link planted where epipair writes (a ``.part``
    file, a lock file) would otherwise send the bytes, or a truncation, to the file it points
    at. A link is refused with a message naming it."""
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    flags |= os.O_APPEND if mode.startswith("a") else os.O_TRUNC
    try:
        fd = os.open(path, flags, 0o666)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            refuse_link(path)
        raise
    return os.fdopen(fd, mode)


def refuse_link(path) -> None:
    """Stop, naming ``path``, when it is a symbolic link (see :func:`open_no_follow`)."""
    if Path(path).is_symlink():
        raise EpipairError(
            f"{path}: is a symbolic link; epipair never writes through one (remove it, and "
            "check where it points)"
        )


def write_tsv(df: pd.DataFrame, path, float_format: str | None = None) -> None:
    """Write a table as TSV atomically, with stable float formatting (``float_format``, e.g.
    ``"%.8g"``: significant digits, for values of many magnitudes)."""
    with atomic_path(path) as tmp:
        df.to_csv(tmp, sep="\t", index=False, lineterminator="\n", float_format=float_format)


def write_npy(array: np.ndarray, path) -> None:
    """Write a numpy array atomically."""
    with atomic_path(path, suffix=".npy") as tmp:
        np.save(tmp, np.ascontiguousarray(array), allow_pickle=False)


def write_text(text: str, path) -> None:
    """Write a text file atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text)
