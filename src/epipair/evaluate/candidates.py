"""Genome-wide candidates: every same-chromosome enhancer-promoter pair within a distance,
scored by a trained model in bounded memory, resumable after a kill.

Pairing is an interval operation of bedtools (through pybedtools): ``bedtools window -w D``
on 1-bp intervals at the element centres finds exactly the pairs whose centres lie at most
``D`` bp apart, the ``distance`` of ``pairs.tsv`` (``epipair.prep.regions.pair_distance``). One
genome-wide ``bedtools window -c`` first counts each enhancer's partners; the enhancers of each
chromosome are then cut into chunks of about ``chunk_pairs`` pairs (at most
``CHUNK_ENHANCERS`` enhancers), so the plan, the progress and the time left are known before
any scoring.

Each chunk is paired, its *distinct* elements' windows are gathered once (sequence tokens from
the memory-mapped FASTA, signal from the tracks, opened once for the run), the model scores
the chunk's pairs in batches, and the chunk is written as a gzip member of its own with its
top-k per promoter beside it. A finished chunk is never redone: after a kill, a rerun with the
same inputs and settings (a fingerprint in ``<scores>.chunks/fingerprint.json``) skips it.
The output is then the chunks' gzip members in order behind a header member (a valid gzip
file): rows sorted by chromosome (genome order), enhancer start, end, promoter start, end.
Memory is bounded by the chunk, not by the number of pairs.

Elements are read from BED files (``chrom, start, end[, name, ...]``, plain or gzip; a TSS
BED of 1-bp intervals is a promoter BED like any other): chromosome names reconciled with the
genome's (``1`` versus ``chr1``), each problem reported with its file and line, exact
duplicates dropped. Windows are placed as for training pairs
(``epipair.prep.regions.resize_windows``: centred, kept ``flank`` bp inside the chromosome ends).
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import __version__
from ..errors import EpipairError
from ..io.atomic import atomic_path, write_text
from ..io.bed import check_interval, check_within, data_lines, integers, unknown_chroms
from ..io.genome import chrom_name_map, read_chrom_sizes
from ..io.keys import digest, resume_key
from ..model import registry
from ..prep.elements import ElementFeatures
from ..prep.regions import resize_windows

log = logging.getLogger(__name__)

CHUNK_PAIRS = 100_000
CHUNK_ENHANCERS = 5_000  # distinct enhancers in one chunk at most (their windows are gathered)
SCORE_COLUMNS = [
    "chrom",
    "enhancer_start",
    "enhancer_end",
    "enhancer_name",
    "promoter_start",
    "promoter_end",
    "promoter_name",
    "distance",
    "score",
]
TOP_COLUMNS = SCORE_COLUMNS + ["rank"]


def read_elements(path, sizes: dict[str, int], kind: str) -> pd.DataFrame:
    """A BED file of elements -> ``chrom, start, end, name, source_line``, sorted by
    chromosome (genome order), start, end and name; exact duplicates dropped (logged)."""
    path = Path(path)
    if not path.exists():
        raise EpipairError(f"{path}: {kind} BED file not found")
    rows, lines = [], []
    need = "a BED line needs at least 3 tab-separated columns (chrom, start, end)"
    for lineno, parts in data_lines(path, 3, need):
        rows.append((parts[0].strip(), parts[1], parts[2], parts[3] if len(parts) > 3 else ""))
        lines.append(lineno)
    if not rows:
        raise EpipairError(f"{path}: no {kind}s (the file has no data lines)")
    df = pd.DataFrame(rows, columns=["chrom", "start", "end", "name"])
    df["source_line"] = lines
    mapping = chrom_name_map(sorted(set(df["chrom"])), sizes, source=str(path))
    unknown_chroms(df["chrom"], mapping.keys(), "chrom", path, lines)
    df["chrom"] = df["chrom"].map(mapping)
    for field in ("start", "end"):
        df[field] = integers(df[field], field, path, lines)
    check_interval(df["start"], df["end"], ("start", "end"), path, lines)
    check_within(df["chrom"], df["end"], sizes, "end", path, lines)
    unnamed = df["name"].isin(["", "."])
    df.loc[unnamed, "name"] = (
        df["chrom"] + ":" + df["start"].astype(str) + "-" + df["end"].astype(str)
    )[unnamed]
    n = len(df)
    order = {c: i for i, c in enumerate(sizes)}
    df = (
        df.assign(_order=df["chrom"].map(order))
        .sort_values(["_order", "start", "end", "name", "source_line"], kind="stable")
        .drop_duplicates(["chrom", "start", "end", "name"])
        .drop(columns="_order")
        .reset_index(drop=True)
    )
    if len(df) < n:
        log.warning("%s: dropped %d duplicate %s line(s)", path, n - len(df), kind)
    return df


def place_windows(
    df: pd.DataFrame, width: int, sizes: dict[str, int], source, flank: int = 0
) -> pd.DataFrame:
    """Add ``centre`` and ``window_start``: a ``width``-bp window centred on the element, kept
    ``flank`` bp inside the chromosome ends as training pairs' windows are (``augment.max_shift``),
    so a candidate gets the window its labelled pair had; elements on a chromosome shorter than
    ``width + 2 * flank`` are dropped (logged)."""
    ws, shifted, dropped = resize_windows(
        df["chrom"].to_numpy(), df["start"].to_numpy(), df["end"].to_numpy(), width, flank, sizes
    )
    df = df.assign(centre=(df["start"] + df["end"]) // 2, window_start=ws)
    if shifted.any():
        log.info("%s: %d window(s) shifted inside a chromosome end", source, int(shifted.sum()))
    if dropped.any():
        log.warning(
            "%s: %d element(s) dropped: a %d-bp window (+%d bp each side) does not fit on the "
            "chromosome",
            source,
            int(dropped.sum()),
            width,
            flank,
        )
        df = df[~dropped].reset_index(drop=True)
    return df


def _centres(df: pd.DataFrame, ids=None):
    """A BedTool of 1-bp intervals at element centres, named by element id."""
    import pybedtools

    ids = np.arange(len(df)) if ids is None else np.asarray(ids)
    sub = df.iloc[ids] if len(ids) != len(df) else df
    bed = pd.DataFrame(
        {"chrom": sub["chrom"].to_numpy(), "start": sub["centre"].to_numpy()},
    )
    bed["end"] = bed["start"] + 1
    bed["id"] = ids
    return pybedtools.BedTool.from_dataframe(bed)


def partner_counts(enh: pd.DataFrame, prom: pd.DataFrame, max_distance: int) -> np.ndarray:
    """Promoters within ``max_distance`` bp (centre to centre) of each enhancer
    (``bedtools window -c``), in the order of ``enh``."""
    counted = _centres(enh).window(_centres(prom), w=int(max_distance), c=True)
    table = counted.to_dataframe(header=None, names=["chrom", "start", "end", "id", "n"])
    out = np.zeros(len(enh), dtype=np.int64)
    out[table["id"].to_numpy(dtype=np.int64)] = table["n"].to_numpy(dtype=np.int64)
    return out


def chunk_pairs_of(
    enh: pd.DataFrame, prom: pd.DataFrame, e_lo: int, e_hi: int, max_distance: int
) -> tuple[np.ndarray, np.ndarray]:
    """``(enhancer ids, promoter ids)`` of every pair of enhancers ``e_lo..e_hi - 1`` within
    ``max_distance`` (``bedtools window``), sorted by enhancer then promoter."""
    chrom = enh["chrom"].iloc[e_lo]
    p_ids = np.flatnonzero((prom["chrom"] == chrom).to_numpy())
    if not p_ids.size:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    hits = _centres(enh, np.arange(e_lo, e_hi)).window(_centres(prom, p_ids), w=int(max_distance))
    fn = hits.fn
    if os.path.getsize(fn) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    table = pd.read_csv(fn, sep="\t", header=None, usecols=[3, 7], dtype=np.int64)
    e, p = table[3].to_numpy(), table[7].to_numpy()
    order = np.lexsort((p, e))
    return e[order], p[order]


@dataclass
class Chunk:
    chrom: str
    index: int
    e_lo: int
    e_hi: int
    n_pairs: int

    @property
    def key(self) -> str:
        return f"{self.chrom}.{self.index:05d}"


def plan_chunks(
    enh: pd.DataFrame, counts: np.ndarray, chunk_pairs: int, chunk_enhancers: int
) -> list[Chunk]:
    """Consecutive enhancers of one chromosome per chunk, about ``chunk_pairs`` pairs each (an
    enhancer with more partners than that is a chunk of its own); enhancers without a partner
    are left out."""
    chunks = []
    chroms = enh["chrom"].to_numpy()
    bounds = np.flatnonzero(np.r_[True, chroms[1:] != chroms[:-1], True])
    for a, b in zip(bounds[:-1], bounds[1:]):
        k, lo, n = 0, None, 0
        for i in range(a, b):
            if counts[i] == 0:
                continue
            if lo is not None and (n + counts[i] > chunk_pairs or i - lo >= chunk_enhancers):
                chunks.append(Chunk(chroms[a], k, lo, i, n))
                k, lo, n = k + 1, None, 0
            if lo is None:
                lo = i
            n += int(counts[i])
        if lo is not None:
            chunks.append(Chunk(chroms[a], k, lo, b, n))
    return chunks


class ChunkScorer:
    """Scores of one model (the mean of its fold models) for a chunk's pairs, from the windows
    of the chunk's distinct elements."""

    def __init__(
        self,
        model_name: str,
        models: list,
        *,
        windows: dict,
        fasta=None,
        tracks=None,
        neighbourhood=None,
        batch_size: int = 256,
    ):
        """``neighbourhood``: the cell line's ``epipair.model.e2g.Neighbourhood`` (e2g's
        features)."""
        self.spec = registry.spec(model_name)
        self.hood = neighbourhood
        self.name, self.models = model_name, models
        self.windows = {k: int(v) for k, v in windows.items()}
        self.fasta, self.tracks, self.batch_size = fasta, tracks, int(batch_size)
        if self.spec.reads_sequence and fasta is None:
            raise EpipairError(f"model {model_name} reads sequence: a FASTA is needed")
        if self.spec.reads_signal and tracks is None:
            raise EpipairError(f"model {model_name} reads signal: tracks are needed")
        if self.spec.reads_pair_features and neighbourhood is None:
            raise EpipairError(f"model {model_name} reads pair features: elements are needed")

    def element_arrays(self, kind: str, chrom: str, starts: np.ndarray) -> dict:
        """The model's inputs of one element kind for windows at ``starts`` on ``chrom``."""
        w = self.windows
        width = w[kind]
        chroms = np.full(starts.size, chrom, dtype=object)
        out = {}
        for name in self.spec.inputs:
            if not name.startswith(kind):
                continue
            if name in registry.SEQUENCE_INPUTS:
                out[name] = self.fasta.gather(chrom, starts, width)
            elif name in registry.SIGNAL_INPUTS:
                out[name] = self.tracks.binned(chroms, starts, width, w["signal_bin"])
            elif name in registry.SIGNAL_WINDOW_INPUTS:
                out[name] = self.tracks.sliding(
                    chroms, starts, width, w["signal_window"], w["signal_step"]
                )
        return out

    def score(self, enh: pd.DataFrame, prom: pd.DataFrame, e_ids, p_ids) -> np.ndarray:
        """Scores of the pairs ``(e_ids[i], p_ids[i])`` (element ids of ``enh`` and ``prom``)."""
        from ..model import baselines

        e_u, e_rows = np.unique(e_ids, return_inverse=True)
        p_u, p_rows = np.unique(p_ids, return_inverse=True)
        chrom = enh["chrom"].iloc[int(e_u[0])]
        arrays = self.element_arrays("enhancer", chrom, enh["window_start"].to_numpy()[e_u])
        arrays |= self.element_arrays("promoter", chrom, prom["window_start"].to_numpy()[p_u])
        if not self.spec.neural:
            if self.spec.needs_elements:
                x = pd.DataFrame(
                    {
                        "enhancer_chrom": chrom,
                        "enhancer_start": enh["start"].to_numpy()[e_ids],
                        "enhancer_end": enh["end"].to_numpy()[e_ids],
                        "promoter_chrom": chrom,
                        "promoter_start": prom["start"].to_numpy()[p_ids],
                        "promoter_end": prom["end"].to_numpy()[p_ids],
                    }
                )
                if self.spec.reads_pair_features:
                    from ..model.e2g import pair_features

                    x = pair_features(self.hood, x)
            elif self.spec.reads_signal:
                e_sum = baselines.element_summary(arrays["enhancer_sig"])
                p_sum = baselines.element_summary(arrays["promoter_sig"])
                x = baselines.summary_features(e_sum[e_rows], p_sum[p_rows])
            else:
                d = np.abs(enh["centre"].to_numpy()[e_ids] - prom["centre"].to_numpy()[p_ids])
                x = baselines.log_distance(d)
            return np.mean([m.predict_matrix(x) for m in self.models], axis=0)
        from ..model.predict import predict_scores

        feats = ElementFeatures(arrays, e_rows, p_rows)
        rows = np.arange(e_ids.size)
        shifts = np.zeros(rows.size, dtype=np.int64)
        return np.mean(
            [
                predict_scores(m, feats, self.spec.inputs, rows, shifts, self.batch_size)
                for m in self.models
            ],
            axis=0,
        )


def check_marks(track_set, enh: pd.DataFrame, prom: pd.DataFrame, windows: dict) -> None:
    """Stop before any scoring when a mark is zero over the windows of up to 2,000 elements of
    each kind spread over the genome (a track of another build, or naming no chromosome the
    elements use), as the feature rules stop (``epipair.io.tracks.empty_marks``)."""
    from ..io.tracks import empty_marks

    sample = []
    for kind, df in (("enhancer", enh), ("promoter", prom)):
        take = np.unique(np.linspace(0, len(df) - 1, min(len(df), 2000)).astype(np.int64))
        width = int(windows[kind])
        sample.append(
            track_set.binned(
                df["chrom"].to_numpy()[take], df["window_start"].to_numpy()[take], width, width
            )
        )
    empty_marks(sample, track_set.specs)


def top_per_promoter(table: pd.DataFrame, k: int) -> pd.DataFrame:
    """The ``k`` best-scored enhancers of each promoter (``promoter_id`` column), ranked
    (ties: the enhancer first in genome order)."""
    ranked = table.sort_values(
        ["promoter_id", "score", "enhancer_id"], ascending=[True, False, True], kind="stable"
    )
    top = ranked.groupby("promoter_id", sort=False).head(k).copy()
    top["rank"] = top.groupby("promoter_id", sort=False).cumcount() + 1
    return top


def fingerprint(settings: dict, files: list) -> str:
    """What a finished chunk depends on: the settings and each input file's size and time
    (``epipair.io.keys``)."""
    return digest(resume_key(settings, {str(f): f for f in files}, by="stat"))


def chunk_folder(out_scores) -> Path:
    """Where a run keeps its finished chunks: beside the output, named after it."""
    return Path(f"{out_scores}.chunks")


def _stamp(path: Path) -> str | None:
    """The fingerprint a chunk folder was made for (None: none, or unreadable)."""
    try:
        return json.loads(path.read_text()).get("fingerprint")
    except (OSError, ValueError, AttributeError):
        return None


def _prepare_chunk_dir(chunk_dir: Path, print_: str) -> None:
    """Keep finished chunks of the same run; anything else in the folder is removed."""
    stamp = chunk_dir / "fingerprint.json"
    if chunk_dir.exists():
        if _stamp(stamp) == print_:
            done = len(list(chunk_dir.glob("*.scores.gz")))
            log.info("%s: resuming, %d finished chunk(s) kept", chunk_dir, done)
            return
        log.info("%s: inputs or settings changed; earlier chunks removed", chunk_dir)
        shutil.rmtree(chunk_dir)
    chunk_dir.mkdir(parents=True)
    write_text(json.dumps({"fingerprint": print_}) + "\n", stamp)


def _chunk_tables(enh, prom, e_ids, p_ids, scores):
    table = pd.DataFrame(
        {
            "chrom": enh["chrom"].to_numpy()[e_ids],
            "enhancer_start": enh["start"].to_numpy()[e_ids],
            "enhancer_end": enh["end"].to_numpy()[e_ids],
            "enhancer_name": enh["name"].to_numpy()[e_ids],
            "promoter_start": prom["start"].to_numpy()[p_ids],
            "promoter_end": prom["end"].to_numpy()[p_ids],
            "promoter_name": prom["name"].to_numpy()[p_ids],
            "distance": np.abs(enh["centre"].to_numpy()[e_ids] - prom["centre"].to_numpy()[p_ids]),
            "score": np.round(np.asarray(scores, dtype=np.float64), 7),
            "enhancer_id": e_ids,
            "promoter_id": p_ids,
        }
    )
    return table


def _write_gzip_member(table: pd.DataFrame, columns, path) -> None:
    """A headerless TSV as one gzip member, byte for byte the same on a rerun (no time or
    file name in the gzip header)."""
    with atomic_path(path, suffix=".gz") as tmp, open(tmp, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=5, mtime=0) as gz:
            with io.TextIOWrapper(gz, encoding="utf-8", newline="") as fh:
                table.to_csv(fh, sep="\t", index=False, header=False, columns=columns)


def _eta(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def score_candidates(
    model_name: str,
    models: list,
    *,
    enhancers_path,
    promoters_path,
    chrom_sizes_path,
    max_distance: int,
    top_k: int,
    windows: dict,
    out_scores,
    out_top,
    fasta_path=None,
    tracks: list | None = None,
    fingerprint_files: list = (),
    element_tables: tuple | None = None,
    abc_params: dict | None = None,
    flank: int = 0,
    chunk_pairs: int = CHUNK_PAIRS,
    chunk_enhancers: int = CHUNK_ENHANCERS,
    batch_size: int = 256,
) -> dict:
    """Score every candidate pair (see the module docstring) into ``out_scores`` (gzip TSV of
    :data:`SCORE_COLUMNS`) and ``out_top`` (TSV of :data:`TOP_COLUMNS`: the ``top_k`` best
    enhancers of each promoter). ``models``: the loaded fold models (their scores are
    averaged); ``tracks``: ``[(mark, path, kind)]`` in the order the model was trained on;
    ``element_tables``: the cell line's ``abc_elements.tsv``, ``abc_tss.tsv`` and
    ``abc_contact.npz`` (e2g's pair features, with ``abc_params``' contact settings). Returns
    counts and timings."""
    t_start = time.perf_counter()
    sizes = read_chrom_sizes(chrom_sizes_path)
    enh, prom = _placed_elements((enhancers_path, promoters_path), sizes, windows, flank)
    settings = {
        "epipair": __version__,
        "model": model_name,
        "max_distance": int(max_distance),
        "top_k": int(top_k),
        "windows": windows,
        "flank": int(flank),
        "tracks": [list(t) for t in tracks or []],
        "chunk_pairs": int(chunk_pairs),
        "chunk_enhancers": int(chunk_enhancers),
        "abc": abc_params or {},
    }
    files = [enhancers_path, promoters_path, chrom_sizes_path, *fingerprint_files]
    files += list(element_tables or [])
    files += [p for _, p, _ in tracks or []] + ([fasta_path] if fasta_path else [])
    chunk_dir = chunk_folder(out_scores)
    _prepare_chunk_dir(chunk_dir, fingerprint(settings, files))
    readers = Readers.open(model_name, fasta_path, tracks, sizes, element_tables, abc_params)
    try:
        if readers.tracks is not None:
            check_marks(readers.tracks, enh, prom, windows)
        scorer = ChunkScorer(
            model_name, models, windows=windows, fasta=readers.fasta, tracks=readers.tracks,
            neighbourhood=readers.hood, batch_size=batch_size,
        )  # fmt: skip
        limits = (max_distance, top_k, int(chunk_pairs), int(chunk_enhancers))
        chunks, total, scored = _plan_and_score((enh, prom), scorer, readers, chunk_dir, limits)
    finally:
        readers.close()
    t_assemble = time.perf_counter()
    _assemble(chunks, chunk_dir, out_scores, out_top, top_k)
    shutil.rmtree(chunk_dir)
    times = (t_start, t_assemble, time.perf_counter())
    return _summary(total, scored, len(chunks), times, (out_scores, out_top))


def _summary(total: int, scored: int, chunks: int, times: tuple, outs: tuple) -> dict:
    """The run's counts and timings (``times``: start, assembly start, end), logged."""
    seconds = times[2] - times[0]
    log.info(
        "%d pairs in %.1f s (%d scored now, %.0f pairs/s overall); written %s and %s",
        total,
        seconds,
        scored,
        total / max(seconds, 1e-9),
        *outs,
    )
    return {
        "pairs": total,
        "scored": scored,
        "chunks": chunks,
        "seconds": seconds,
        "assemble_seconds": times[2] - times[1],
    }


def _placed_elements(paths: tuple, sizes: dict, windows: dict, flank: int):
    """The enhancers and promoters of ``paths`` (BED files), read and placed in their
    windows."""
    return tuple(
        place_windows(read_elements(path, sizes, kind), windows[kind], sizes, path, flank)
        for kind, path in zip(("enhancer", "promoter"), paths)
    )


@dataclass
class Readers:
    """What a model reads of each chunk's elements: the FASTA, the tracks and e2g's
    neighbourhood (each ``None`` when the model does not read it)."""

    fasta: object = None
    tracks: object = None
    hood: object = None

    @classmethod
    def open(cls, model_name, fasta_path, tracks, sizes, element_tables, abc_params) -> Readers:
        from ..io.sequence import FastaReader
        from ..io.tracks import TrackSet

        spec = registry.spec(model_name)
        out = cls(
            FastaReader(fasta_path) if spec.reads_sequence else None,
            TrackSet(tracks, list(sizes), sizes) if spec.reads_signal else None,
        )
        if spec.reads_pair_features:
            from ..model.e2g import neighbourhood

            if not element_tables:
                raise EpipairError(f"model {model_name} reads pair features: elements are needed")
            out.hood = neighbourhood(*element_tables, abc_params)
        return out

    def release(self) -> None:
        """Drop what a finished chunk held (bedtools' temporary files, FASTA pages)."""
        import pybedtools

        pybedtools.cleanup()
        if self.fasta is not None:
            self.fasta.release()

    def close(self) -> None:
        import pybedtools

        if self.fasta is not None:
            self.fasta.close()
        if self.tracks is not None:
            self.tracks.close()
        pybedtools.cleanup()


def _plan_and_score(elements, scorer, readers, chunk_dir: Path, limits: tuple):
    """``(chunks, pairs, pairs scored now)``: the pairs within ``max_distance`` counted,
    planned into chunks (of at most ``chunk_pairs`` pairs and ``chunk_enhancers`` enhancers)
    and scored; ``limits``: ``(max_distance, top_k, chunk_pairs, chunk_enhancers)``."""
    enh, prom = elements
    max_distance, top_k, chunk_pairs, chunk_enhancers = limits
    counts = partner_counts(enh, prom, max_distance)
    chunks = plan_chunks(enh, counts, chunk_pairs, chunk_enhancers)
    log.info(
        "%d enhancers x %d promoters: %d pairs within %d bp on %d chromosome(s), %d chunk(s)",
        len(enh),
        len(prom),
        int(counts.sum()),
        max_distance,
        len({c.chrom for c in chunks}),
        len(chunks),
    )
    scored = _score_chunks(chunks, chunk_dir, elements, scorer, readers, max_distance, top_k)
    return chunks, int(counts.sum()), scored


def _score_chunks(chunks, chunk_dir: Path, elements, scorer, readers, max_distance, top_k) -> int:
    """Score each chunk not finished yet into its ``<key>.scores.gz`` and ``<key>.top.gz``
    under ``chunk_dir`` (the scores written last: they mark the chunk finished), with progress
    in the log; returns the pairs scored now."""
    enh, prom = elements
    total = sum(c.n_pairs for c in chunks)
    done = scored = 0
    t_scoring = time.perf_counter()
    for i, chunk in enumerate(chunks, 1):
        part = chunk_dir / f"{chunk.key}.scores.gz"
        done += chunk.n_pairs
        if part.exists():
            continue
        e_ids, p_ids = chunk_pairs_of(enh, prom, chunk.e_lo, chunk.e_hi, max_distance)
        if e_ids.size != chunk.n_pairs:
            raise EpipairError(
                f"{chunk.chrom}: bedtools found {e_ids.size} pairs for chunk {chunk.index}, "
                f"its count said {chunk.n_pairs}"
            )
        table = _chunk_tables(enh, prom, e_ids, p_ids, scorer.score(enh, prom, e_ids, p_ids))
        top = top_per_promoter(table, top_k)
        _write_gzip_member(top, TOP_COLUMNS[:-1] + ["promoter_id", "enhancer_id"],
                           chunk_dir / f"{chunk.key}.top.gz")  # fmt: skip
        _write_gzip_member(table, SCORE_COLUMNS, part)  # last: marks the chunk finished
        readers.release()
        scored += chunk.n_pairs
        rate = scored / max(time.perf_counter() - t_scoring, 1e-9)
        log.info(
            "chunk %d/%d (%s): %d of %d pairs done (%.1f%%), %.0f pairs/s, about %s left",
            i,
            len(chunks),
            chunk.chrom,
            done,
            total,
            100 * done / max(total, 1),
            rate,
            _eta((total - done) / max(rate, 1e-9)),
        )
    return scored


def _read_top(path, names) -> pd.DataFrame:
    """A chunk's top-k table as written: names and chromosomes stay text (``NA``, ``007``)."""
    text = {"chrom": str, "enhancer_name": str, "promoter_name": str}
    return pd.read_csv(
        path, sep="\t", header=None, names=names, dtype=text, keep_default_na=False,
        na_filter=False,
    )  # fmt: skip


def _assemble(chunks, chunk_dir: Path, out_scores, out_top, top_k: int) -> None:
    """The chunks' gzip members behind a header member; the top-k per promoter merged per
    chromosome (a promoter's partners can span chunks) and sorted by promoter, then rank."""
    with atomic_path(out_scores, suffix=".gz") as tmp:
        with open(tmp, "wb") as out:
            out.write(gzip.compress(("\t".join(SCORE_COLUMNS) + "\n").encode(), mtime=0))
            for chunk in chunks:
                with open(chunk_dir / f"{chunk.key}.scores.gz", "rb") as fh:
                    shutil.copyfileobj(fh, out, 1 << 20)
    by_chrom: dict[str, list] = {}
    for chunk in chunks:
        by_chrom.setdefault(chunk.chrom, []).append(chunk_dir / f"{chunk.key}.top.gz")
    with atomic_path(out_top) as tmp:
        with open(tmp, "w", newline="") as fh:
            fh.write("\t".join(TOP_COLUMNS) + "\n")
            for paths in by_chrom.values():
                names = TOP_COLUMNS[:-1] + ["promoter_id", "enhancer_id"]
                part = pd.concat(
                    [_read_top(p, names) for p in paths],
                    ignore_index=True,
                )
                top = top_per_promoter(part, top_k)
                top = top.sort_values(["promoter_id", "rank"], kind="stable")
                top.to_csv(fh, sep="\t", index=False, header=False, columns=TOP_COLUMNS)
