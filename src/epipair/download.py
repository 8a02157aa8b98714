"""Verified downloads: temp name in the target folder, sha256 check, then rename.

Sources: ``https://``, ``http://``, ``file://`` and plain local paths. A partial transfer
is kept as ``<target>.part`` and resumed with an HTTP Range request when the server allows it;
otherwise it starts over. A checksum mismatch removes the file and says sha256, the expected
and the observed value.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import shutil
import urllib.error
import urllib.request
from pathlib import Path

from .config import is_remote, local_path
from .errors import EpipairError
from .io import atomic_path

log = logging.getLogger(__name__)

CHUNK = 1 << 20


def sha256sum(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def _http_to(url: str, part: Path, timeout: float) -> None:
    have = part.stat().st_size if part.exists() else 0
    req = urllib.request.Request(url, headers={"User-Agent": "epipair"})
    if have:
        req.add_header("Range", f"bytes={have}-")
    try:
        resp = urllib.request.urlopen(req, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:  # range not satisfiable: start over
            part.unlink()
            return _http_to(url, part, timeout)
        raise EpipairError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise EpipairError(f"{url}: cannot connect: {getattr(exc, 'reason', exc)}") from None
    with resp:
        resumed = have and resp.status == 206
        if have and not resumed:
            log.info("%s: server ignored the Range request; starting over", url)
        expected = resp.headers.get("Content-Length")
        expected = int(expected) if expected is not None else None
        got = 0
        with open(part, "ab" if resumed else "wb") as fh:
            try:
                for block in iter(lambda: resp.read(CHUNK), b""):
                    fh.write(block)
                    got += len(block)
            except (TimeoutError, OSError) as exc:
                raise EpipairError(f"{url}: transfer interrupted after {got} bytes: {exc}") from None
        if expected is not None and got != expected:
            raise EpipairError(
                f"{url}: truncated body: Content-Length {expected}, received {got} bytes "
                f"(partial kept as {part.name} to resume)"
            )
        if resumed:
            log.info("%s: resumed at byte %d", url, have)


def fetch(url: str, dest, sha256: str | None = None, timeout: float = 60.0) -> str:
    """Fetch ``url`` to ``dest``; verify ``sha256`` when given; return the observed sha256."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    if is_remote(url):
        _http_to(url, part, timeout)
    else:
        src = Path(local_path(url))
        if not src.exists():
            raise EpipairError(f"{url}: local file not found")
        shutil.copyfile(src, part)
    observed = sha256sum(part)
    if sha256 and observed != sha256:
        part.unlink()
        raise EpipairError(
            f"{url}: sha256 mismatch: expected {sha256}, observed {observed}; file removed"
        )
    os.replace(part, dest)
    log.info("%s -> %s (%d bytes, sha256 %s)", url, dest, dest.stat().st_size, observed)
    return observed


def gunzip(src, dest) -> None:
    """Decompress ``src`` to ``dest`` atomically (for the genome FASTA)."""
    with atomic_path(dest) as tmp:
        with gzip.open(src, "rb") as fin, open(tmp, "wb") as fout:
            shutil.copyfileobj(fin, fout, CHUNK)
