"""Verified, resumable downloads.

``fetch(url, dest, ...)`` accepts ``https://``, ``http://``, ``file://`` and plain local paths:

- the transfer goes to ``<dest>.part`` in the target folder; it is renamed to ``dest`` only
  after its checksums match, so an interrupted or damaged download never counts;
- an interrupted HTTP transfer is resumed with a Range request when the server answers 206,
  else it starts over: between attempts, and after a killed run, whose ``.part`` file the
  next run finds; a download that finally fails removes its ``.part``; a body shorter than its
  Content-Length is a (retried) error; 404 and other HTTP errors say the status;
- transient failures (connection errors, 5xx, truncated bodies) are retried ``attempts``
  times with a short back-off (Snakemake's ``retries`` adds an outer layer);
- a checksum mismatch removes the file and says sha256, the expected and the observed value;
- without a configured sha256, the first download records its checksum in the lock file
  (``resources/downloads.lock.tsv``: url, sha256, bytes, date) and later downloads are
  verified against it;
- ``git_blob``: files of a git repository pinned at a commit (TargetFinder's, listed in
  ``resources/targetfinder_manifest.tsv``) are verified against the blob id the repository
  publishes (``sha1(b"blob <size>\\0" + bytes)``): no sha256 needs guessing, and the lock
  file is neither read nor written for them (the repository's id is the stronger record);
  a configured sha256 is checked as well, so both must match;
- ``mirror``: a folder laid out as ``wget -x`` does (``<mirror>/<host>/<path>``) is looked at
  before the network, for offline cluster nodes; its files are verified like downloads;
- ``root``: the folder a download may write into (``resources/``); anything else is refused.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import fcntl
import gzip
import hashlib
import logging
import os
import shutil
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from .atomic import atomic_path
from .config import is_remote, local_path, url_basename
from .errors import EpipairError

log = logging.getLogger(__name__)

CHUNK = 1 << 20
LOCK_COLUMNS = ("url", "sha256", "bytes", "date")


class TransientError(EpipairError):
    """A failure worth retrying (connection, 5xx, truncated body)."""


def sha256sum(path) -> str:
    return _digests(path)[0]


def git_blob_id(path) -> str:
    """The id git gives the file's bytes: ``sha1(b"blob <size>\\0" + bytes)``."""
    return _digests(path)[1]


def _digests(path) -> tuple[str, str]:
    """``(sha256, git blob id)`` of a file, read once."""
    sha, blob = hashlib.sha256(), hashlib.sha1()
    blob.update(b"blob %d\0" % Path(path).stat().st_size)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            sha.update(block)
            blob.update(block)
    return sha.hexdigest(), blob.hexdigest()


# The TargetFinder repository: its tree at the pinned commit, with git blob ids
TARGETFINDER = ("shwhalen", "targetfinder")
RAW_HOST = "raw.githubusercontent.com"


def read_manifest(path) -> tuple[str, dict[str, str]]:
    """``(commit, {path: blob id})`` of a manifest written from ``git ls-tree -r -l``."""
    path = Path(path)
    commit, blobs = None, {}
    for lineno, line in enumerate(path.read_text().splitlines(), 1):
        if line.startswith("#"):
            if commit is None and " at commit " in line:
                commit = line.split(" at commit ")[1].split()[0]
            continue
        parts = line.split("\t")
        if parts == ["path", "size", "blob"] or not line.strip():
            continue
        if len(parts) != 3 or len(parts[2]) != 40:
            raise EpipairError(f"{path}:{lineno}: expected path, size and a 40-digit blob id")
        blobs[parts[0]] = parts[2]
    if commit is None:
        raise EpipairError(f"{path}: no '# ... at commit <sha>' header line")
    return commit, blobs


def expected_blob(url: str, manifest) -> str | None:
    """The blob id a TargetFinder URL must have (``None`` for any other URL).

    ``manifest``: ``(commit, blobs)`` from :func:`read_manifest`. A TargetFinder URL at
    another commit (a branch name included: it moves), or whose path is not in the tree, is an
    error naming the URL, so nothing unverifiable slips through. GitHub ignores the case of
    owner and repository names, and so does this check.
    """
    parsed = urlparse(url)
    parts = parsed.path.lstrip("/").split("/", 3)
    owner_repo = tuple(p.lower() for p in parts[:2])
    if parsed.netloc.lower() != RAW_HOST or len(parts) < 4 or owner_repo != TARGETFINDER:
        return None
    commit, blobs = manifest
    if parts[2] != commit:
        raise EpipairError(
            f"{url}: TargetFinder URL at {parts[2]!r}, but the manifest lists commit {commit}"
        )
    if parts[3] not in blobs:
        raise EpipairError(
            f"{url}: {parts[3]} is not in the TargetFinder tree at commit {commit[:12]} "
            "(resources/targetfinder_manifest.tsv); the peak files are at <cell>/peaks/, "
            "the pairs at paper/targetfinder/<cell>/output-ep/pairs.csv"
        )
    return blobs[parts[3]]


def config_files(config: dict, active_only: bool = False) -> list[tuple[str, str, dict]]:
    """``[(where, folder, entry)]`` of every file the config names: its config key, its folder
    under ``resources/`` when downloaded, and its entry (``url``, maybe ``sha256``,
    ``git_blob``). ``active_only``: the track set in use (``tracks``), not ``bigwig_tracks``."""
    out = []
    if "url" in config.get("genome", {}):
        out.append(("genome", "genome", config["genome"]))
    keys = ("tracks",) if active_only else ("tracks", "bigwig_tracks")
    for cell, entry in config.get("cell_lines", {}).items():
        out.append((f"cell_lines.{cell}.pairs", cell, entry["pairs"]))
        for key in keys:
            for mark, track in (entry.get(key) or {}).items():
                out.append((f"cell_lines.{cell}.{key}.{mark}", f"{cell}/tracks", track))
    for name, entry in config.get("predict", {}).items():
        out.append((f"predict.{name}.pairs", f"predict/{name}", entry["pairs"]))
    for name, entry in config.get("benchmarks", {}).items():
        out.append((f"benchmarks.{name}", f"benchmark/{name}", entry))
    return out


def config_urls(config: dict) -> list[tuple[str, str]]:
    """``[(where, url)]`` of every file the config names."""
    return [(where, entry["url"]) for where, _, entry in config_files(config)]


def source_target(url: str, folder: str) -> str:
    """Where a configured file is read from: its download target under ``resources/<folder>/``
    when remote, else the local path itself."""
    if is_remote(url):
        return f"resources/{folder}/{url_basename(url)}"
    return local_path(url)


def planned_downloads(config: dict, manifest_path) -> dict[str, dict]:
    """``{path under resources/: {url, sha256, git_blob}}`` of every remote file of the track
    set in use; ``git_blob`` as configured, else from the TargetFinder manifest."""
    manifest = read_manifest(manifest_path)
    out = {}
    for _, folder, entry in config_files(config, active_only=True):
        if is_remote(entry["url"]):
            out[source_target(entry["url"], folder).removeprefix("resources/")] = {
                "url": entry["url"],
                "sha256": entry.get("sha256"),
                "git_blob": entry.get("git_blob") or expected_blob(entry["url"], manifest),
            }
    return out


def check_config_urls(config: dict, manifest_path) -> None:
    """Every TargetFinder URL of the config must be in the manifest (run at start-up)."""
    manifest = read_manifest(manifest_path)
    for where, url in config_urls(config):
        try:
            expected_blob(url, manifest)
        except EpipairError as exc:
            raise EpipairError(f"config {where}: {exc}") from None


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
        kind = TransientError if exc.code >= 500 else EpipairError
        raise kind(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise TransientError(f"{url}: cannot connect: {getattr(exc, 'reason', exc)}") from None
    with resp:
        resumed = bool(have) and resp.status == 206
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
                raise TransientError(
                    f"{url}: transfer interrupted after {got} bytes ({exc})"
                ) from None
        if expected is not None and got != expected:
            raise TransientError(
                f"{url}: truncated body: Content-Length {expected}, received {got} bytes"
            )
        if resumed:
            log.info("%s: resumed at byte %d", url, have)


def mirror_path(mirror, url: str) -> Path:
    """Where ``wget -x`` would have saved ``url`` under ``mirror``."""
    parsed = urlparse(url)
    return Path(mirror) / parsed.netloc / parsed.path.lstrip("/")


@contextlib.contextmanager
def _locked(lock_path: Path):
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(str(lock_path) + ".flock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def read_lock(lock_path) -> dict[str, dict]:
    """``{url: {sha256, bytes, date}}`` from the lock file (empty when absent)."""
    lock_path = Path(lock_path)
    out = {}
    if not lock_path.exists():
        return out
    for lineno, line in enumerate(lock_path.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#") or line.startswith("url\t"):
            continue
        parts = line.split("\t")
        if len(parts) != len(LOCK_COLUMNS):
            raise EpipairError(f"{lock_path}:{lineno}: expected {len(LOCK_COLUMNS)} columns")
        out[parts[0]] = dict(zip(LOCK_COLUMNS[1:], parts[1:]))
    return out


def record_lock(lock_path, url: str, sha256: str, nbytes: int) -> None:
    lock_path = Path(lock_path)
    with _locked(lock_path):
        entries = read_lock(lock_path)
        entries[url] = {
            "sha256": sha256,
            "bytes": str(nbytes),
            "date": _dt.date.today().isoformat(),
        }
        text = (
            "\t".join(LOCK_COLUMNS)
            + "\n"
            + "".join(
                f"{u}\t{e['sha256']}\t{e['bytes']}\t{e['date']}\n"
                for u, e in sorted(entries.items())
            )
        )
        with atomic_path(lock_path) as tmp:
            tmp.write_text(text)


def lock_as_yaml(lock_path) -> str:
    """The lock's entries as ``url``/``sha256`` lines to paste into a config."""
    return "".join(
        f"- url: {u}\n  sha256: {e['sha256']}\n" for u, e in read_lock(lock_path).items()
    )


def _inside(dest: Path, root) -> None:
    if root is None:
        return
    root = Path(root).resolve()
    if not dest.resolve().is_relative_to(root):
        raise EpipairError(f"refusing to write {dest}: downloads go under {root}")


def fetch(
    url: str,
    dest,
    sha256: str | None = None,
    *,
    timeout: float = 60.0,
    attempts: int = 3,
    backoff: float = 1.0,
    mirror=None,
    lock=None,
    root=None,
    git_blob: str | None = None,
) -> str:
    """Fetch ``url`` to ``dest``; see the module docstring. Returns the observed sha256."""
    dest = Path(dest)
    _inside(dest, root)
    scheme = urlparse(url).scheme
    if scheme not in ("http", "https", "file", ""):
        raise EpipairError(f"{url}: URL scheme {scheme!r} not allowed (https, http, file, path)")
    expected = sha256
    locked = read_lock(lock).get(url) if (lock and not sha256 and not git_blob) else None
    if locked:
        expected = locked["sha256"]
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    source = url
    if is_remote(url) and mirror and mirror_path(mirror, url).is_file():
        source = str(mirror_path(mirror, url))
        log.info("%s: taken from the mirror %s", url, source)
    if is_remote(source):
        for attempt in range(1, attempts + 1):
            try:
                _http_to(source, part, timeout)
                break
            except EpipairError as exc:
                if attempt == attempts or not isinstance(exc, TransientError):
                    # a failure we report leaves nothing behind; only a killed process leaves
                    # its .part, which the next run resumes
                    part.unlink(missing_ok=True)
                    raise
                log.warning("%s (attempt %d of %d; retrying)", exc, attempt, attempts)
                time.sleep(backoff * attempt)
    else:
        src = Path(local_path(source))
        if not src.is_file():
            raise EpipairError(f"{url}: local file not found")
        shutil.copyfile(src, part)
    observed, blob = _digests(part)
    if git_blob and blob != git_blob:
        part.unlink()
        raise EpipairError(
            f"{url}: git blob id mismatch: expected {git_blob} (the repository's own, "
            f"resources/targetfinder_manifest.tsv), observed {blob}; file removed"
        )
    if expected and observed != expected:
        part.unlink()
        what = "lock file" if locked else "config"
        raise EpipairError(
            f"{url}: sha256 mismatch: expected {expected} ({what}), observed {observed}; "
            "file removed"
        )
    nbytes = part.stat().st_size
    os.replace(part, dest)
    if lock and not sha256 and not git_blob and not locked and is_remote(url):
        record_lock(lock, url, observed, nbytes)
        log.info("%s: no sha256 configured; recorded %s in %s", url, observed, lock)
    log.info(
        "%s -> %s (%d bytes, sha256 %s%s)",
        url,
        dest,
        nbytes,
        observed,
        f", git blob {blob} as published" if git_blob else "",
    )
    return observed


def gunzip(src, dest) -> None:
    """Decompress ``src`` to ``dest`` atomically (for the genome FASTA)."""
    with atomic_path(dest) as tmp:
        try:
            with gzip.open(src, "rb") as fin, open(tmp, "wb") as fout:
                shutil.copyfileobj(fin, fout, CHUNK)
        except (OSError, EOFError) as exc:
            raise EpipairError(f"{src}: cannot decompress: {exc}") from None


if __name__ == "__main__":  # python -m epipair.download lock [resources/downloads.lock.tsv]
    import sys

    if len(sys.argv) >= 2 and sys.argv[1] == "lock":
        print(
            lock_as_yaml(sys.argv[2] if len(sys.argv) > 2 else "resources/downloads.lock.tsv"),
            end="",
        )
    else:
        sys.exit("usage: python -m epipair.download lock [LOCKFILE]")
