"""The files a config names, where the rules read them, and their checks at start-up: the
workflow's side of ``epipair.io.download`` (which fetches and verifies one file and knows no
config)."""

from __future__ import annotations

from pathlib import Path

from .config import all_models
from .errors import EpipairError
from .io.download import (
    check_url,
    expected_blob,
    file_digests,
    is_remote,
    read_lock,
    read_manifest,
    redact_url,
    source_target,
)
from .model import registry


def config_files(config: dict, active_only: bool = False) -> list[tuple[str, str, dict]]:
    """``[(where, target, entry)]`` of every file the config names: its config key, the path
    the rules read (:func:`source_target`) and its entry (``url``, maybe ``sha256``,
    ``git_blob``). ``active_only``: the track set in use (``tracks``), not ``bigwig_tracks``."""
    out = []
    if "url" in config.get("genome", {}):
        genome = config["genome"]
        out.append(("genome", "genome", genome.get("name", "genome"), genome))
        if genome.get("chrom_sizes"):
            sizes = {"url": genome["chrom_sizes"]}
            out.append(("genome.chrom_sizes", "genome", "chrom_sizes", sizes))
    keys = ("tracks",) if active_only else ("tracks", "bigwig_tracks")
    for cell, entry in config.get("cell_lines", {}).items():
        out.append((f"cell_lines.{cell}.pairs", cell, "pairs", entry["pairs"]))
        elements = entry.get("elements") if registry.needs_elements(all_models(config)) else None
        if elements and not _is_track(elements, entry):
            out.append((f"cell_lines.{cell}.elements", cell, "elements", elements))
        if entry.get("hic") and registry.needs_elements(all_models(config)):
            out.append((f"cell_lines.{cell}.hic", cell, "hic", entry["hic"]))
        for key in keys:
            for mark, track in (entry.get(key) or {}).items():
                out.append((f"cell_lines.{cell}.{key}.{mark}", f"{cell}/tracks", mark, track))
    if config.get("genes"):
        out.append(("genes", "genes", "genes", config["genes"]))
    for name, entry in config.get("predict", {}).items():
        out.append((f"predict.{name}.pairs", f"predict/{name}", "pairs", entry["pairs"]))
    for name, entry in config.get("benchmarks", {}).items():
        out.append((f"benchmarks.{name}", f"benchmark/{name}", "pairs", entry))
    for name, entry in config.get("candidates", {}).items():
        for key in ("enhancers", "promoters"):
            out.append((f"candidates.{name}.{key}", f"candidates/{name}", key, entry[key]))
    return [
        (where, source_target(entry["url"], folder, key), entry)
        for where, folder, key, entry in out
    ]


def _is_track(elements: dict, entry: dict) -> bool:
    """Whether a cell line's ``elements`` peak file is one of its active tracks (read there)."""
    return any(t["url"] == elements["url"] for t in (entry.get("tracks") or {}).values())


def config_urls(config: dict) -> list[tuple[str, str]]:
    """``[(where, url)]`` of every file the config names."""
    return [(where, entry["url"]) for where, _, entry in config_files(config)]


def planned_downloads(config: dict, manifest_path) -> dict[str, dict]:
    """``{path under resources/: {url, sha256, git_blob, where}}`` of every remote file of the
    track set in use; ``git_blob`` as configured, else from the TargetFinder manifest."""
    manifest = read_manifest(manifest_path)
    out = {}
    for where, target, entry in config_files(config, active_only=True):
        if is_remote(entry["url"]):
            out[target.removeprefix("resources/")] = {
                "url": entry["url"],
                "sha256": entry.get("sha256"),
                "git_blob": entry.get("git_blob") or expected_blob(entry["url"], manifest),
                "where": where,
            }
    return out


def check_config_urls(config: dict, manifest_path) -> None:
    """Every URL of the config is one :func:`check_url` accepts, and every TargetFinder URL is
    in the manifest (run at start-up)."""
    manifest = read_manifest(manifest_path)
    for where, url in config_urls(config):
        try:
            check_url(url)
            expected_blob(url, manifest)
        except EpipairError as exc:
            raise EpipairError(f"config {where}: {exc}") from None


def verify_existing(config: dict, manifest_path, lock, cache) -> list[str]:
    """Check every configured file that is already in place against its checksums before the
    workflow uses it: download targets (sha256 configured or locked, git blob id) and local
    files with a configured sha256. Returns the paths checked; a mismatch is an error naming
    the file, the config key and both values."""
    manifest = read_manifest(manifest_path)
    locked = read_lock(lock)
    checked = []
    for where, target, entry in config_files(config, active_only=True):
        path = Path(target)
        remote = is_remote(entry["url"])
        if path.is_dir():
            raise EpipairError(f"config {where}: {entry['url']} is a directory, not a file")
        sha = entry.get("sha256") or (
            locked.get(redact_url(entry["url"]), {}).get("sha256") if remote else None
        )
        blob = entry.get("git_blob") or (expected_blob(entry["url"], manifest) if remote else None)
        if not (sha or blob) or not path.is_file():
            continue
        observed, observed_blob = file_digests(path, cache)
        fix = "delete it to download it again" if remote else "check the file or the config"
        if sha and observed != sha:
            raise EpipairError(
                f"{path}: sha256 {observed} differs from {sha} (config {where}); {fix}"
            )
        if blob and observed_blob != blob:
            raise EpipairError(
                f"{path}: git blob id {observed_blob} differs from {blob} (config {where}); {fix}"
            )
        checked.append(str(path))
    return checked
