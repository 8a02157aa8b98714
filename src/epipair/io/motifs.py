"""Motifs as position probability matrices: MEME files, JASPAR, the demo's planted motifs, and
matching with Tomtom.

A motif is a :class:`Motif`: an id, a name, a ``[width, 4]`` matrix of base probabilities (A, C,
G, T per position) and the number of sites behind it. Databases are MEME motif files
(``letter-probability matrix``), the format MEME's tools and ``memelite`` read.

Matching (:func:`match`) runs Tomtom as ``memelite.tomtom`` implements it (Gupta et al. 2007,
Euclidean column distance, complete scores, both strands), every query against the targets of
all databases at once: Tomtom's p-values take each query column's background from the target
columns, so a small database (the demo's eight motifs) is compared on the background of a large
one. Each database's q-values are Benjamini-Hochberg over all its query x target comparisons.

No Keras here: this module is used by the rules that export databases too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import EpipairError
from .atomic import write_text

BASES = "ACGT"
MATCH_COLUMNS = ["motif_id", "database", "match_id", "match_name", "p_value", "q_value"]


@dataclass(frozen=True)
class Motif:
    id: str
    pwm: np.ndarray  # [width, 4] probabilities of A, C, G, T
    name: str = ""
    n_sites: int = 0

    @property
    def width(self) -> int:
        return int(self.pwm.shape[0])


def normalise(counts, pseudocount: float = 0.0) -> np.ndarray:
    """Rows of ``counts`` ``[width, 4]`` (plus ``pseudocount`` each) scaled to sum to 1."""
    counts = np.asarray(counts, dtype=np.float64) + pseudocount
    total = counts.sum(axis=1, keepdims=True)
    return counts / np.where(total > 0, total, 1.0)


def information(pwm) -> np.ndarray:
    """Information content (bits) of each position against a uniform background."""
    p = np.clip(np.asarray(pwm, dtype=np.float64), 1e-12, 1.0)
    return 2.0 + (p * np.log2(p)).sum(axis=1)


def consensus(pwm, min_probability: float = 0.5) -> str:
    """The most probable base per position, ``N`` where none reaches ``min_probability``."""
    pwm = np.asarray(pwm)
    best = pwm.argmax(axis=1)
    return "".join(BASES[b] if pwm[i, b] >= min_probability else "N" for i, b in enumerate(best))


def trim(pwm, min_bits: float, min_width: int = 4) -> tuple[int, int]:
    """``(start, end)`` of ``pwm`` without its flanking positions below ``min_bits``; the whole
    motif when fewer than ``min_width`` positions would remain."""
    keep = np.flatnonzero(information(pwm) >= min_bits)
    if keep.size == 0 or keep[-1] + 1 - keep[0] < min_width:
        return 0, len(pwm)
    return int(keep[0]), int(keep[-1] + 1)


def write_meme(path, motifs: list[Motif]) -> None:
    """A MEME (version 4) motif file of ``motifs`` (atomic; same motifs, same bytes)."""
    lines = [
        "MEME version 4",
        "",
        f"ALPHABET= {BASES}",
        "",
        "strands: + -",
        "",
        "Background letter frequencies",
        "A 0.25 C 0.25 G 0.25 T 0.25",
        "",
    ]
    for m in motifs:
        name = f" {m.name}" if m.name else ""
        lines += [
            f"MOTIF {m.id}{name}",
            f"letter-probability matrix: alength= 4 w= {m.width} nsites= {m.n_sites} E= 0",
        ]
        lines += [" ".join(f"{v:.6f}" for v in row) for row in m.pwm]
        lines.append("")
    write_text("\n".join(lines) + "\n", path)


def read_meme(path) -> list[Motif]:
    """The motifs of a MEME file; errors name the file and line."""
    path = Path(path)
    motifs: list[Motif] = []
    head = None  # (id, name, width, nsites, line number)
    rows: list[list[float]] = []

    def fail(lineno, why):
        raise EpipairError(f"{path}:{lineno}: {why}")

    def reading():  # inside a matrix, rows still to come
        return head is not None and head[2] is not None and len(rows) < head[2]

    for lineno, line in enumerate(path.read_text().splitlines(), start=1):
        fields = line.split()
        if reading():
            if not fields:
                continue
            if len(fields) != 4:
                fail(lineno, f"motif {head[0]}: expected 4 probabilities, got {len(fields)} fields")
            try:
                row = [float(v) for v in fields]
            except ValueError:
                fail(lineno, f"motif {head[0]}: not a number in {line.strip()!r}")
            if min(row) < 0 or abs(sum(row) - 1) > 0.02:
                fail(lineno, f"motif {head[0]}: probabilities must be >= 0 and sum to 1")
            rows.append(row)
            if len(rows) == head[2]:
                motifs.append(Motif(head[0], normalise(rows), head[1], head[3]))
            continue
        if fields[:1] == ["MOTIF"]:
            if reading():
                fail(head[4], f"motif {head[0]}: {len(rows)} of {head[2]} rows")
            if len(fields) < 2:
                fail(lineno, "MOTIF without an id")
            head, rows = (fields[1], " ".join(fields[2:]), None, 0, lineno), []
        elif line.startswith("letter-probability matrix"):
            if head is None:
                fail(lineno, "letter-probability matrix before any MOTIF line")
            keys = dict(zip(fields[2::2], fields[3::2]))
            try:
                width = int(keys["w="])
                nsites = int(float(keys.get("nsites=", 0)))
            except (KeyError, ValueError):
                fail(lineno, "letter-probability matrix: needs 'w= <width>'")
            if keys.get("alength=", "4") != "4":
                fail(lineno, "only DNA motifs (alength= 4) are read")
            head = (head[0], head[1], width, nsites, head[4])
    if reading():
        fail(head[4], f"motif {head[0]}: {len(rows)} of {head[2]} rows")
    if not motifs:
        raise EpipairError(f"{path}: no motifs (not a MEME motif file?)")
    return motifs


def jaspar(release: str, collection: str = "CORE", tax_group: str = "vertebrates") -> list[Motif]:
    """The non-redundant (latest version of each) profiles of a JASPAR release as shipped,
    offline, by ``pyjaspar``; probabilities from the counts, no pseudocount."""
    from pyjaspar import jaspardb

    try:
        db = jaspardb(release=release)
    except Exception as exc:  # pyjaspar raises a bare Exception for an unknown release
        raise EpipairError(f"JASPAR release {release!r}: {exc}") from None
    records = db.fetch_motifs(collection=[collection], tax_group=[tax_group], all_versions=False)
    out = []
    for r in records:
        counts = np.array([r.counts[b] for b in BASES], dtype=np.float64).T
        out.append(Motif(r.matrix_id, normalise(counts), r.name, int(round(counts[0].sum()))))
    if not out:
        raise EpipairError(f"JASPAR {release} has no {collection} {tax_group} profiles")
    return sorted(out, key=lambda m: m.id)


def planted(sequence: str, mutation_rate: float, name: str = "") -> np.ndarray:
    """The base probabilities of a motif planted as ``sequence`` with one base redrawn at random
    (any of four, the same one possible) in a fraction ``mutation_rate`` of the copies."""
    width = len(sequence)
    other = mutation_rate / width / 4  # a given position redrawn to a given base
    pwm = np.full((width, 4), other)
    for i, base in enumerate(sequence):
        pwm[i, BASES.index(base)] = 1 - 3 * other
    return pwm


def benjamini_hochberg(p) -> np.ndarray:
    """Benjamini-Hochberg q-values of the p-values ``p`` (any shape), over all of them:
    scipy's ``false_discovery_control``, in ``p``'s shape."""
    from scipy.stats import false_discovery_control

    p = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)  # Tomtom's may round past 1
    return false_discovery_control(p, axis=None).reshape(p.shape) if p.size else p.copy()


def match(queries: list[Motif], databases: dict[str, list[Motif]]) -> pd.DataFrame:
    """Each query's best match in each database (columns :data:`MATCH_COLUMNS`), by Tomtom
    p-value over all targets of all databases together; q-values Benjamini-Hochberg within
    each database over all its query x target comparisons."""
    rows = []
    names = list(databases)
    targets = [m for n in names for m in databases[n]]
    if not queries or not targets:
        return pd.DataFrame(rows, columns=MATCH_COLUMNS)
    import warnings

    from memelite import tomtom

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the small-database warning: see the module docstring
        p, *_ = tomtom(
            [np.ascontiguousarray(q.pwm.T) for q in queries],
            [np.ascontiguousarray(t.pwm.T) for t in targets],
            n_jobs=1,
        )
    p = np.nan_to_num(np.asarray(p, dtype=np.float64), nan=1.0)
    start = 0
    for name in names:
        db = databases[name]
        block = p[:, start : start + len(db)]
        start += len(db)
        q = benjamini_hochberg(block)
        best = block.argmin(axis=1)
        for i, query in enumerate(queries):
            t = db[best[i]]
            rows.append((query.id, name, t.id, t.name, block[i, best[i]], q[i, best[i]]))
    out = pd.DataFrame(rows, columns=MATCH_COLUMNS)
    out["p_value"] = out["p_value"].map(_sig)
    out["q_value"] = out["q_value"].map(_sig)
    return out


def _sig(x: float) -> float:
    """Four significant digits (stable text across platforms)."""
    return float(f"{x:.4g}") if math.isfinite(x) else x


def compile_tomtom() -> None:
    """Run Tomtom once on two small motifs. memelite compiles its numba kernels at their
    first call (about 50 s on 2 cores) and caches them beside its source; ``make setup`` calls
    this once, so that no workflow job or test pays it."""
    pwm = 0.01 + 0.96 * np.eye(4)[[0, 1, 2, 3, 3, 2, 1, 0, 0, 2]]
    motifs = [Motif("a", pwm, "a"), Motif("b", pwm[::-1, ::-1], "b")]
    match(motifs[:1], {"x": motifs})
