"""What makes finished work still valid, written once.

A run's key is its settings in one canonical JSON form and each input file by its content
(sha256) or, where reading every byte again would cost too much, by its size and
modification time. Training checkpoints (``epipair.model.train``) are keyed by content,
finished candidate chunks (``epipair.evaluate.candidates``) and the download verification
cache (``epipair.io.download``) by size and time.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

CHUNK = 1 << 20


def canonical(value) -> str:
    """``value`` as JSON with sorted keys (what is not JSON as its ``str``)."""
    return json.dumps(value, sort_keys=True, default=str)


def digests(path) -> tuple[str, str]:
    """``(sha256, git blob id)`` of a file, read once; the blob id is what git gives the
    bytes: ``sha1(b"blob <size>\\0" + bytes)``."""
    sha, blob = hashlib.sha256(), hashlib.sha1()
    blob.update(b"blob %d\0" % Path(path).stat().st_size)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            sha.update(block)
            blob.update(block)
    return sha.hexdigest(), blob.hexdigest()


def stat_key(path) -> str:
    """A file by its size and modification time (nanoseconds)."""
    st = Path(path).stat()
    return f"{st.st_size}\t{st.st_mtime_ns}"


def resume_key(settings, files: dict, by: str = "content") -> dict:
    """``{"settings", "inputs"}``: ``settings`` in canonical form and each existing file of
    ``files`` (``{role: path}``) by its sha256 (``by="content"``) or :func:`stat_key`
    (``by="stat"``)."""
    read = (lambda p: digests(p)[0]) if by == "content" else stat_key
    return {
        "settings": json.loads(canonical(settings)),
        "inputs": {role: read(p) for role, p in sorted(files.items()) if Path(p).exists()},
    }


def digest(key: dict) -> str:
    """One sha256 of a key."""
    return hashlib.sha256(canonical(key).encode()).hexdigest()
