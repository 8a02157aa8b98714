"""Verified, resumable downloads.

``fetch(url, dest, ...)`` accepts ``https://``, ``http://``, ``file://`` and plain local paths:

- the transfer goes to ``<dest>.part`` in the target folder; it is renamed to ``dest`` only
  after its checksums match, so an interrupted or damaged download never counts;
- an interrupted HTTP transfer is resumed with a Range request only when the server proves
  the file unchanged: the ``.part`` file's validator (the strong ETag, else Last-Modified, of
  the answer that began it, kept in ``<dest>.part.json``) goes out as ``If-Range``, and only a
  206 answer is appended; a 200 answer (the file changed, or Range is not supported) or a
  ``.part`` without a validator starts over. This holds between attempts and after a killed
  run, whose ``.part`` file the next run finds; a download that finally fails removes its
  ``.part``; a body shorter than its Content-Length is a (retried) error; 404 and other HTTP
  errors say the status;
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
- ``root``: the folder a download may write into (``resources/``); anything else is refused;
- targets are unique per URL (:func:`target_name`: ``<key>.<8 hex digits of the URL's
  sha1><known suffixes>``), so two URLs with one file name never share a file, and a file
  already at a target is checked against its configured checksum before use
  (``epipair.sources.verify_existing``; digests cached by size and mtime in
  ``resources/downloads.verified.tsv``).
"""

from __future__ import annotations

import base64
import contextlib
import datetime as _dt
import fcntl
import gzip
import hashlib
import json
import logging
import netrc
import os
import shutil
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from ..errors import EpipairError
from .atomic import atomic_path, open_no_follow, refuse_link
from .keys import digests, stat_key

log = logging.getLogger(__name__)

CHUNK = 1 << 20
LOCK_COLUMNS = ("url", "sha256", "bytes", "date")


def is_remote(url: str) -> bool:
    return urlparse(url).scheme in ("http", "https")


def redact_url(url: str) -> str:
    """``url`` as epipair prints it and records it in the lock file: user information (a
    name may be a token) and the values of query parameters (tokens, signatures) replaced by
    ``***``; the request uses the URL itself."""
    parsed = urlparse(url)
    netloc = parsed.netloc
    if "@" in netloc:
        netloc = f"***@{netloc.rpartition('@')[2]}"
    query = "&".join(
        f"{key}=***" if sep else key
        for key, sep, _ in (part.partition("=") for part in parsed.query.split("&") if part)
    )
    return parsed._replace(netloc=netloc, query=query).geturl()


def local_path(url: str) -> str:
    """The filesystem path of a ``file://`` URL or plain path."""
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return parsed.path
    return url


class TransientError(EpipairError):
    """A failure worth retrying (connection, 5xx, truncated body)."""


def git_blob_id(path) -> str:
    """The id git gives the file's bytes: ``sha1(b"blob <size>\\0" + bytes)``."""
    return digests(path)[1]


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


# file name suffixes kept on download targets (readers and people recognise files by them)
KNOWN_SUFFIXES = {
    ".gz", ".bgz", ".bz2", ".zip", ".csv", ".tsv", ".txt", ".bed", ".bedpe", ".narrowpeak",
    ".broadpeak", ".bigwig", ".bw", ".bigbed", ".bb", ".fa", ".fasta", ".fna", ".2bit", ".cool",
    ".mcool",
}  # fmt: skip


def target_name(url: str, key: str) -> str:
    """A download target's file name, unique per URL and still readable:
    ``<key>.<first 8 hex digits of sha1(url)><the URL file name's known suffixes>``, e.g.
    ``H3K27ac.1f0c2a9e.broadPeak.gz``; a URL without a file name (``.../download?acc=...``)
    gets no suffix."""
    name = Path(urlparse(url).path).name
    suffixes = ""
    while "." in name:
        name, dot, ext = name.rpartition(".")
        if f".{ext}".lower() not in KNOWN_SUFFIXES or not name:
            break
        suffixes = f".{ext}{suffixes}"
    return f"{key}.{hashlib.sha1(url.encode()).hexdigest()[:8]}{suffixes}"


def source_target(url: str, folder: str, key: str) -> str:
    """Where a configured file is read from: its download target
    ``resources/<folder>/<target_name(url, key)>`` when remote, else the local path itself."""
    if is_remote(url):
        return f"resources/{folder}/{target_name(url, key)}"
    return local_path(url)


def check_url(url: str) -> None:
    """A URL epipair can fetch without printing a secret: scheme ``https``, ``http``, ``file``
    or a plain path; no user name or password (they go in ``~/.netrc``); a ``file`` URL
    without a host (``file://resources/x`` would silently read ``/x``)."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https", "file", ""):
        raise EpipairError(
            f"{redact_url(url)}: URL scheme {parsed.scheme!r} not allowed (https, http, file, path)"
        )
    if parsed.scheme == "file" and parsed.netloc not in ("", "localhost"):
        raise EpipairError(
            f"{url}: a file URL with a host part ({parsed.netloc!r}); write file:///absolute/path "
            f"(three slashes), or the path itself ({parsed.netloc}{parsed.path})"
        )
    if parsed.username is not None or parsed.password is not None:
        raise EpipairError(
            f"{redact_url(url)}: a URL must not carry a user name or password (they would be "
            f"printed in logs and the lock file); put them in ~/.netrc as 'machine "
            f"{parsed.hostname} login <user> password <password>', which downloads read"
        )


def _validator(headers) -> str | None:
    """What ``If-Range`` may carry: a strong ETag, else Last-Modified (RFC 9110 13.1.5)."""
    etag = headers.get("ETag")
    if etag and not etag.startswith("W/"):
        return etag
    return headers.get("Last-Modified")


def _netrc_auth(host: str) -> str | None:
    """``Basic`` credentials for ``host`` from ``~/.netrc`` (or the file ``$NETRC`` names), if
    it has them: the way to give a password, which a URL must not carry (it would be printed)."""
    try:
        found = netrc.netrc(os.environ.get("NETRC") or None).authenticators(host)
    except (FileNotFoundError, netrc.NetrcParseError):
        return None
    if not found:
        return None
    login, _, password = found
    return "Basic " + base64.b64encode(f"{login}:{password or ''}".encode()).decode()


def _http_to(url: str, part: Path, timeout: float) -> None:
    """Download ``url`` into ``part``, resumed from its bytes when the server proves the file
    unchanged (see the module docstring)."""
    shown = redact_url(url)
    url_id = hashlib.sha256(url.encode()).hexdigest()  # the URL may carry a token: not kept
    meta = part.with_name(part.name + ".json")
    have, validator = _resume_point(part, meta, url_id, shown)
    req = urllib.request.Request(url, headers={"User-Agent": "epipair"})
    auth = _netrc_auth(urlparse(url).hostname or "")
    if auth:  # not sent on to another host when redirected
        req.add_unredirected_header("Authorization", auth)
    if have:
        req.add_header("Range", f"bytes={have}-")
        req.add_header("If-Range", validator)
    try:
        resp = urllib.request.urlopen(req, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:  # range not satisfiable: start over
            part.unlink()
            return _http_to(url, part, timeout)
        kind = TransientError if exc.code >= 500 else EpipairError
        raise kind(f"{shown}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise TransientError(f"{shown}: cannot connect: {getattr(exc, 'reason', exc)}") from None
    with resp:
        resumed = bool(have) and resp.status == 206
        if have and not resumed:
            log.info(
                "%s: the server sent the whole file (it changed since %s began, or it ignores "
                "Range); starting over",
                shown,
                part.name,
            )
        if not resumed:  # a fresh start: remember what proves a later resume safe
            with open_no_follow(meta, "w") as fh:
                fh.write(json.dumps({"url": url_id, "validator": _validator(resp.headers)}))
        _write_body(resp, part, resumed, shown)
        if resumed:
            log.info("%s: resumed at byte %d (If-Range %s)", shown, have, validator)


def _resume_point(part: Path, meta: Path, url_id: str, shown: str) -> tuple[int, str | None]:
    """``(bytes to resume from, validator)`` of a ``.part`` file: 0 without one, or without a
    record (``meta``) of the validator of the answer that began it for this URL."""
    have = part.stat().st_size if part.exists() else 0
    if not have:
        return 0, None
    try:
        began = json.loads(meta.read_text())
    except (OSError, ValueError):
        began = {}
    validator = began.get("validator") if began.get("url") == url_id else None
    if validator is None:
        log.info(
            "%s: %s has no record that the server's file is unchanged; starting over",
            shown,
            part.name,
        )
        return 0, None
    return have, validator


def _write_body(resp, part: Path, resumed: bool, shown: str) -> None:
    """The answer's body appended to ``part`` (``resumed``) or written afresh; an interrupted
    or short body (against its Content-Length) is a transient error."""
    expected = resp.headers.get("Content-Length")
    expected = int(expected) if expected is not None else None
    got = 0
    with open_no_follow(part, "ab" if resumed else "wb") as fh:
        try:
            for block in iter(lambda: resp.read(CHUNK), b""):
                fh.write(block)
                got += len(block)
        except (TimeoutError, OSError) as exc:
            raise TransientError(
                f"{shown}: transfer interrupted after {got} bytes ({exc})"
            ) from None
    if expected is not None and got != expected:
        raise TransientError(
            f"{shown}: truncated body: Content-Length {expected}, received {got} bytes"
        )


def mirror_path(mirror, url: str) -> Path:
    """Where ``wget -x`` would have saved ``url`` under ``mirror``."""
    parsed = urlparse(url)
    return Path(mirror) / parsed.netloc / parsed.path.lstrip("/")


@contextlib.contextmanager
def _locked(lock_path: Path):
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open_no_follow(str(lock_path) + ".flock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def read_lock(lock_path) -> dict[str, dict]:
    """``{url: {sha256, bytes, date}}`` from the lock file (empty when absent); URLs as
    :func:`redact_url` shows them (look them up with that)."""
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
        entries[redact_url(url)] = {
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
    check_url(url)
    shown = redact_url(url)
    expected = sha256
    locked = read_lock(lock).get(shown) if (lock and not sha256 and not git_blob) else None
    if locked:
        expected = locked["sha256"]
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    refuse_link(part)
    refuse_link(part.with_name(part.name + ".json"))
    source = url
    if is_remote(url) and mirror and mirror_path(mirror, url).is_file():
        source = str(mirror_path(mirror, url))
        log.info("%s: taken from the mirror %s", shown, source)
    if is_remote(source):
        _http_with_retries(source, part, timeout, attempts, backoff)
    else:
        src = Path(local_path(source))
        if not src.is_file():
            raise EpipairError(f"{url}: local file not found")
        with open(src, "rb") as fin, open_no_follow(part, "wb") as fout:
            shutil.copyfileobj(fin, fout, CHUNK)
    observed, blob = _verified(part, shown, expected, "lock file" if locked else "config", git_blob)
    nbytes = part.stat().st_size
    os.replace(part, dest)
    if lock:
        remember_verified(Path(lock).parent / VERIFIED, dest, observed, blob)
    if lock and not sha256 and not git_blob and not locked and is_remote(url):
        record_lock(lock, url, observed, nbytes)
        log.info("%s: no sha256 configured; recorded %s in %s", shown, observed, lock)
    log.info(
        "%s -> %s (%d bytes, sha256 %s%s)",
        shown,
        dest,
        nbytes,
        observed,
        f", git blob {blob} as published" if git_blob else "",
    )
    return observed


def _http_with_retries(url: str, part: Path, timeout: float, attempts: int, backoff: float):
    """:func:`_http_to`, a transient failure retried ``attempts`` times with a growing pause;
    a failure reported leaves nothing behind (only a killed process leaves its ``.part``,
    which the next run resumes)."""
    for attempt in range(1, attempts + 1):
        try:
            return _http_to(url, part, timeout)
        except EpipairError as exc:
            if attempt == attempts or not isinstance(exc, TransientError):
                _discard(part)
                raise
            log.warning("%s (attempt %d of %d; retrying)", exc, attempt, attempts)
            time.sleep(backoff * attempt)


def _verified(part: Path, shown: str, expected, whose: str, git_blob) -> tuple[str, str]:
    """``(sha256, git blob id)`` of ``part``, which must match ``git_blob`` and ``expected``
    (from ``whose``: the config or the lock file); a mismatch removes it."""
    observed, blob = digests(part)
    part.with_name(part.name + ".json").unlink(missing_ok=True)
    if git_blob and blob != git_blob:
        part.unlink()
        raise EpipairError(
            f"{shown}: git blob id mismatch: expected {git_blob} (the repository's own, "
            f"resources/targetfinder_manifest.tsv), observed {blob}; file removed"
        )
    if expected and observed != expected:
        part.unlink()
        raise EpipairError(
            f"{shown}: sha256 mismatch: expected {expected} ({whose}), observed {observed}; "
            "file removed"
        )
    return observed, blob


def _discard(part: Path) -> None:
    part.unlink(missing_ok=True)
    part.with_name(part.name + ".json").unlink(missing_ok=True)


# digests of files already checked, by path, size and mtime: a file is hashed once, not at
# every start of the workflow
VERIFIED = "downloads.verified.tsv"


def _read_verified(cache: Path) -> dict[str, tuple[str, str, str]]:
    out = {}
    if cache.exists():
        for line in cache.read_text().splitlines():
            parts = line.split("\t")
            if len(parts) == 5:
                out[parts[0]] = ("\t".join(parts[1:3]), parts[3], parts[4])
    return out


def remember_verified(cache, path, sha256: str, blob: str) -> None:
    """Record the digests of ``path`` as it is now (size and mtime) in ``cache``."""
    cache, path = Path(cache), Path(path)
    with _locked(cache):
        entries = _read_verified(cache)
        entries[str(path.resolve())] = (stat_key(path), sha256, blob)
        with atomic_path(cache) as tmp:
            tmp.write_text(
                "".join(f"{p}\t{k}\t{s}\t{b}\n" for p, (k, s, b) in sorted(entries.items()))
            )


def file_digests(path, cache) -> tuple[str, str]:
    """``(sha256, git blob id)`` of ``path``, from ``cache`` when its size and mtime match."""
    path = Path(path)
    hit = _read_verified(Path(cache)).get(str(path.resolve()))
    if hit and hit[0] == stat_key(path):
        return hit[1], hit[2]
    sha, blob = digests(path)
    remember_verified(cache, path, sha, blob)
    return sha, blob


def stage_fasta(src, dest) -> None:
    """The genome FASTA at ``dest`` (under ``resources/``), where its index is written too:
    ``src`` decompressed when gzip-compressed, else a symbolic link to it. The user's file is
    read, never written: nothing is decompressed or indexed beside it."""
    src, dest = Path(src), Path(dest)
    if not src.is_file():
        raise EpipairError(f"{src}: genome FASTA not found")
    with open(src, "rb") as fh:
        compressed = fh.read(2) == b"\x1f\x8b"
    if compressed:
        gunzip(src, dest)
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.link")
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(src.resolve())
    os.replace(tmp, dest)  # not atomic_path: its chmod would follow the link to the user's file
    log.info("%s: linked from %s", dest, src)


def gunzip(src, dest) -> None:
    """Decompress ``src`` to ``dest`` atomically (for the genome FASTA)."""
    with atomic_path(dest) as tmp:
        try:
            with gzip.open(src, "rb") as fin, open(tmp, "wb") as fout:
                shutil.copyfileobj(fin, fout, CHUNK)
        except (OSError, EOFError) as exc:
            raise EpipairError(f"{src}: cannot decompress: {exc}") from None


if __name__ == "__main__":  # python -m epipair.io.download lock [resources/downloads.lock.tsv]
    import sys

    if len(sys.argv) >= 2 and sys.argv[1] == "lock":
        print(
            lock_as_yaml(sys.argv[2] if len(sys.argv) > 2 else "resources/downloads.lock.tsv"),
            end="",
        )
    else:
        sys.exit("usage: python -m epipair.io.download lock [LOCKFILE]")
