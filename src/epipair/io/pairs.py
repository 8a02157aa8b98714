"""Ingest of enhancer-promoter pair labels into the canonical pairs table.

Three input formats (``format`` in the config):

``targetfinder``
    The CSV of the TargetFinder repository (``output-ep/pairs.csv``): a header with at least
    ``enhancer_chrom, enhancer_start, enhancer_end, promoter_chrom, promoter_start,
    promoter_end, label``; ``enhancer_name`` and ``promoter_name`` are kept when present.
``bedpe``
    Tab-separated, no header (``#`` and ``track``/``browser`` lines are skipped): columns 1-3
    the enhancer, 4-6 the promoter, the *last* column the label (0/1); with 8 or more columns,
    column 7 is the pair name.

``bengi``
    A BENGI benchmark (Moore et al., Genome Biology 2020; the v3 ``*-Benchmark.v3.tsv``
    files): tab-separated, no header; label, distance (enhancer centre to TSS), enhancer
    chrom/start/end, enhancer id (``chr:start-end|cell|cCRE``), promoter chrom/start/end (2 kb
    around the TSS: 1.5 kb upstream, 0.5 kb downstream), TSS id
    (``chr:pos|cell|gene|transcript|strand``). BENGI lists an enhancer-gene pair once per
    transcript; one row per enhancer-gene pair is kept, the one whose TSS is closest (ties:
    the first in the file), labelled 1 if any of its rows is (both counts logged).

``crispri``
    The combined CRISPRi table of the Activity-by-Contact repository (Fulco et al. 2019;
    ``comparison/data/ExperimentalData.*.txt`` of broadinstitute/ABC-Enhancer-Gene-Prediction):
    tab-separated with a header (a leading unnamed index column allowed); columns used:
    ``chr, start, end`` of the perturbed element, ``TargetGene`` (a gene symbol, resolved to
    its TSS through the ``genes`` file; when the gene has several, the one nearest the element;
    rows of unresolved genes are left out, counted and logged), ``Regulated`` (TRUE/FALSE, the
    label), ``IncludeInModel`` (only TRUE rows are kept), ``CellType`` and ``Reference``
    (logged); every other column is ignored and ``NA`` may appear anywhere but in the label of
    a kept row. The promoter of a pair is the TSS (1 bp).

Any of them may be gzip-compressed (``.gz``). Coordinates are 0-based, half-open (BED).

The result has one row per distinct pair with the columns of :data:`INGEST_COLUMNS`.
Every problem stops with one line naming the file, the line, the field and what is wrong.
"""

from __future__ import annotations

import gzip
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import EpipairError
from .bed import (
    check_interval,
    check_within,
    fail_at,
    first,
    integers,
    numbered_lines,
    require_columns,
    unknown_chroms,
)
from .genome import chrom_name_map
from .genome import open_text as _open_text

log = logging.getLogger(__name__)

COORD_FIELDS = [
    "enhancer_chrom",
    "enhancer_start",
    "enhancer_end",
    "promoter_chrom",
    "promoter_start",
    "promoter_end",
]
REQUIRED = COORD_FIELDS + ["label"]
INGEST_COLUMNS = REQUIRED + ["source_line"]
FORMATS = ("targetfinder", "bedpe", "bengi", "crispri")
CRISPRI_COLUMNS = ["chr", "start", "end", "TargetGene", "Regulated", "IncludeInModel"]
TRUE_FALSE = {"TRUE": 1, "FALSE": 0, "1": 1, "0": 0}
BENGI_COLUMNS = [
    "label", "distance", "enhancer_chrom", "enhancer_start", "enhancer_end", "enhancer_id",
    "promoter_chrom", "promoter_start", "promoter_end", "tss_id",
]  # fmt: skip


def _read_targetfinder(path: Path, labelled: bool = True) -> pd.DataFrame:
    with _open_text(path) as fh:
        try:
            df = pd.read_csv(fh, dtype=str, keep_default_na=False, na_filter=False)
        except pd.errors.EmptyDataError:
            raise EpipairError(f"{path}: empty file, expected a TargetFinder CSV header") from None
        except (pd.errors.ParserError, UnicodeDecodeError) as exc:
            raise EpipairError(f"{path}: not a readable CSV: {str(exc).splitlines()[0]}") from None
        except (EOFError, OSError, gzip.BadGzipFile) as exc:
            raise EpipairError(f"{path}: damaged gzip file: {exc}") from None
    df.columns = [c.strip() for c in df.columns]
    required = REQUIRED if labelled else COORD_FIELDS
    require_columns(
        path, df.columns, required, f"TargetFinder CSV header needs {', '.join(required)}"
    )
    df["source_line"] = np.arange(2, len(df) + 2)
    return df


def _read_bedpe(path: Path, labelled: bool = True) -> pd.DataFrame:
    rows, lines = [], []
    ncol = None
    with _open_text(path) as fh:
        for lineno, line in numbered_lines(fh, path):
            line = line.rstrip("\r\n")
            if not line.strip() or line.startswith(("#", "track", "browser")):
                continue
            parts = line.split("\t")
            need = 7 if labelled else 6
            if len(parts) < need:
                raise EpipairError(
                    f"{path}:{lineno}: BEDPE needs at least {need} tab-separated columns "
                    f"(6 coordinates{' and a label' if labelled else ''}), found {len(parts)}"
                )
            if ncol is None:
                ncol = len(parts)
            elif len(parts) != ncol:
                raise EpipairError(
                    f"{path}:{lineno}: {len(parts)} columns where earlier lines have {ncol}"
                )
            rows.append(parts)
            lines.append(lineno)
    if not rows:
        return pd.DataFrame(columns=INGEST_COLUMNS)
    arr = np.array(rows, dtype=object)
    df = pd.DataFrame(arr[:, :6], columns=COORD_FIELDS)
    if labelled:
        df["label"] = arr[:, -1]
    if ncol >= 8 or (not labelled and ncol >= 7):
        df["name"] = arr[:, 6]
    df["source_line"] = lines
    return df


def _read_bengi(path: Path, labelled: bool = True) -> pd.DataFrame:
    """BENGI rows as read, one per transcript; :func:`_closest_tss` collapses them to one per
    enhancer-gene pair once :func:`read_pairs` has checked every row's fields, so a bad value
    stops the run wherever it sits, not only in the rows that are kept."""
    rows, lines = [], []
    with _open_text(path) as fh:
        for lineno, line in numbered_lines(fh, path):
            line = line.rstrip("\r\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != len(BENGI_COLUMNS):
                raise EpipairError(
                    f"{path}:{lineno}: BENGI needs {len(BENGI_COLUMNS)} tab-separated columns "
                    f"({', '.join(BENGI_COLUMNS)}), found {len(parts)}"
                )
            rows.append(parts)
            lines.append(lineno)
    if not rows:
        return pd.DataFrame(columns=INGEST_COLUMNS)
    df = pd.DataFrame(rows, columns=BENGI_COLUMNS)
    df["source_line"] = lines
    distance = pd.to_numeric(df["distance"].str.strip(), errors="coerce")
    enhancer = df["enhancer_id"].str.strip()
    gene = df["tss_id"].str.split("|").str[2].fillna("").str.strip()
    problems = {
        "distance": (~(distance >= 0), "must be a distance >= 0"),
        "enhancer_id": (enhancer == "", "must be a cCRE id"),
        "tss_id": (gene == "", "has no gene id (chr:pos|cell|gene|transcript|strand)"),
    }
    for field, (bad, what) in problems.items():
        fail_at(path, lines, bad.to_numpy(), "field '{f}' {what}, got {v!r}", f=field, what=what,
                v=df[field].reset_index(drop=True))  # fmt: skip
    df["distance"], df["enhancer_name"], df["promoter_name"] = distance, enhancer, gene
    return df[REQUIRED + ["source_line", "distance", "enhancer_name", "promoter_name"]]


def _read_crispri(path: Path, genes: pd.DataFrame | None, cell_type=None) -> pd.DataFrame:
    """ABC's CRISPRi table (see the module docstring) -> rows with the pair fields; the
    promoter is the target gene's TSS nearest the element."""
    if genes is None:
        raise EpipairError(f"{path}: format crispri needs the config key 'genes' (a TSS BED)")
    df = _crispri_rows(path, cell_type)
    label = df["Regulated"].str.strip().str.upper().map(TRUE_FALSE)
    fail_at(path, df["source_line"], label.isna().to_numpy(), "field 'Regulated' must be TRUE "
            "or FALSE, got {v!r}", v=df["Regulated"])  # fmt: skip
    df["label"] = label.astype(int).astype(str)
    df = _with_known_genes(df, genes, path)
    df = df.rename(
        columns={"chr": "enhancer_chrom", "start": "enhancer_start", "end": "enhancer_end"}
    )
    for c in ("enhancer_start", "enhancer_end"):
        df[c] = df[c].str.strip()
    best = _nearest_tss(df, genes)
    df["promoter_chrom"] = best["chrom"].to_numpy()
    df["promoter_start"] = best["tss"].to_numpy().astype(str)
    df["promoter_end"] = (best["tss"].to_numpy() + 1).astype(str)
    df["promoter_name"] = df["TargetGene"].str.strip()
    return df[REQUIRED + ["source_line", "promoter_name"]]


def _crispri_rows(path: Path, cell_type) -> pd.DataFrame:
    """The table's rows with IncludeInModel TRUE (of ``cell_type`` when given), as text, with
    their ``source_line``; counted in the log per CellType and Reference."""
    with _open_text(path) as fh:
        try:
            df = pd.read_csv(fh, sep="\t", dtype=str, keep_default_na=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise EpipairError(f"{path}: not a tab-separated table with a header ({exc})") from None
    header = ", ".join(map(str, df.columns[:12]))
    require_columns(path, df.columns, CRISPRI_COLUMNS, f"CRISPRi table; its header: {header}")
    df["source_line"] = np.arange(2, len(df) + 2)
    for c in ("CellType", "Reference"):
        if c not in df.columns:
            df[c] = "NA"
    include = df["IncludeInModel"].str.strip().str.upper()
    include = include.replace({"1": "TRUE", "0": "FALSE"})
    bad = ~include.isin(["TRUE", "FALSE", "NA", ""]).to_numpy()
    fail_at(path, df["source_line"], bad, "field 'IncludeInModel' must be TRUE or FALSE, got "
            "{v!r}", v=df["IncludeInModel"])  # fmt: skip
    keep = include == "TRUE"
    if cell_type is not None:
        keep &= df["CellType"].str.strip() == cell_type
    log.info(
        "%s: %d rows, %d with IncludeInModel TRUE%s",
        path,
        len(df),
        int((include == "TRUE").sum()),
        f", {int(keep.sum())} of them of CellType {cell_type}" if cell_type else "",
    )
    df = df[keep].reset_index(drop=True)
    if df.empty:
        raise EpipairError(
            f"{path}: no row with IncludeInModel TRUE"
            + (f" and CellType {cell_type}" if cell_type else "")
        )
    for (ct, ref), n in df.groupby(["CellType", "Reference"]).size().items():
        log.info("%s: %d rows of CellType %s from %s", path, n, ct, ref)
    return df


def _with_known_genes(df: pd.DataFrame, genes: pd.DataFrame, path: Path) -> pd.DataFrame:
    """The rows whose TargetGene is in ``genes`` (the others left out, logged)."""
    gene = df["TargetGene"].str.strip()
    known = gene.isin(genes.groupby("name").groups.keys())
    if not known.all():
        names = sorted(set(gene[~known]))
        log.warning(
            "%s: %d row(s) of %d target gene(s) not in the genes file left out: %s%s",
            path,
            int((~known).sum()),
            len(names),
            ", ".join(names[:10]),
            " ..." if len(names) > 10 else "",
        )
    df = df[known.to_numpy()].reset_index(drop=True)
    if df.empty:
        raise EpipairError(f"{path}: no target gene is in the genes file")
    return df


def _nearest_tss(df: pd.DataFrame, genes: pd.DataFrame) -> pd.DataFrame:
    """Per row, the target gene's TSS nearest the element's centre, on the element's
    chromosome when the gene has one there (``chrom``, ``tss``; in row order)."""
    centre = (
        pd.to_numeric(df["enhancer_start"], errors="coerce")
        + pd.to_numeric(df["enhancer_end"], errors="coerce")
    ) // 2
    cand = df[["TargetGene"]].assign(_row=np.arange(len(df)), _centre=centre.to_numpy())
    cand["TargetGene"] = cand["TargetGene"].str.strip()
    cand["_chrom"] = df["enhancer_chrom"].str.strip().str.removeprefix("chr").to_numpy()
    cand = cand.merge(genes, left_on="TargetGene", right_on="name")
    cand["_d"] = (cand["tss"] - cand["_centre"]).abs()
    cand["_other"] = cand["chrom"].str.removeprefix("chr") != cand["_chrom"]
    best = cand.sort_values(["_row", "_other", "_d"], kind="stable").drop_duplicates("_row")
    return best.set_index("_row").loc[np.arange(len(df))]


def _closest_tss(out: pd.DataFrame, df: pd.DataFrame, path: Path) -> pd.DataFrame:
    """One row per BENGI enhancer-gene pair (``enhancer_name``, ``promoter_name`` of ``df``).

    A model sees one promoter per pair, so the row whose TSS is closest to the enhancer is kept
    (ties: the first in the file) with its source_line. An enhancer that interacts with any
    transcript of a gene interacts with the gene, so the pair takes the highest label of its
    rows. ``out`` holds the checked rows of ``df``, in the same order.
    """
    tmp = out.assign(
        _id=df["enhancer_name"].to_numpy(),
        _gene=df["promoter_name"].to_numpy(),
        _dist=df["distance"].to_numpy(),
    )
    # an enhancer is its coordinates: an id reused for another region is another enhancer
    tmp["_enh"] = (
        tmp["enhancer_chrom"].astype(str)
        + ":"
        + tmp["enhancer_start"].astype(str)
        + "-"
        + tmp["enhancer_end"].astype(str)
    )
    regions_per_id = tmp.groupby("_id", sort=False)["_enh"].nunique()
    reused = regions_per_id[regions_per_id > 1]
    if len(reused):
        name = reused.index[0]
        rows = tmp[tmp["_id"] == name].drop_duplicates("_enh")
        log.warning(
            "%s: %d enhancer id(s) name more than one region, each kept as its own enhancer: "
            "%r is %s (lines %s)",
            path,
            len(reused),
            name,
            " and ".join(rows["_enh"].head(2)),
            " and ".join(str(n) for n in rows["source_line"].head(2)),
        )
    by_pair = tmp.groupby(["_enh", "_gene"], sort=False)["label"]
    tmp["label"] = by_pair.transform("max")
    disagree = int((by_pair.nunique() > 1).sum())
    kept = (
        tmp.sort_values(["_dist", "source_line"], kind="stable")
        .drop_duplicates(["_enh", "_gene"])
        .sort_values("source_line", kind="stable")
    )
    log.info(
        "%s: %d rows, %d enhancer-gene pairs: kept the closest TSS of each (%d rows of other "
        "transcripts collapsed; %d pairs labelled 1 because one of their transcripts is)",
        path,
        len(tmp),
        len(kept),
        len(tmp) - len(kept),
        disagree,
    )
    return kept[INGEST_COLUMNS].reset_index(drop=True)


def _drop_trans(out: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Labelled pairs with the enhancer and the promoter on different chromosomes left out
    (counted in the log): no distance, no contact, and no benchmark asks about them."""
    trans = (out["enhancer_chrom"] != out["promoter_chrom"]).to_numpy()
    if not trans.any():
        return out
    log.warning(
        "%s: left out %d pair(s) whose enhancer and promoter lie on different chromosomes "
        "(first at line %d)",
        path,
        int(trans.sum()),
        out["source_line"].iloc[first(trans)],
    )
    if trans.all():
        raise EpipairError(f"{path}: no pairs left: every enhancer is on another chromosome")
    return out[~trans].reset_index(drop=True)


def read_pairs(
    path,
    fmt: str,
    sizes: dict[str, int],
    labelled: bool = True,
    genes: pd.DataFrame | None = None,
    cell_type: str | None = None,
) -> pd.DataFrame:
    """Read, check and normalise a pairs file; see the module docstring for the formats.

    ``sizes`` are the genome's chromosome sizes: chromosomes are renamed to the genome's
    naming where that is unambiguous, and every coordinate must lie on its chromosome.
    BENGI rows are first collapsed to one per enhancer-gene pair (see :func:`_closest_tss`).
    Exact duplicate pairs are dropped (counted in the log); a pair listed with both labels
    keeps label 1 (counted in the log). With ``labelled=False`` (pairs to score, not to
    train on) no label is read: BEDPE has 6 coordinate columns and an optional name, and
    every pair gets label 0. ``genes`` (``epipair.io.genes.read_genes``) resolves the target
    genes of ``crispri`` tables, ``cell_type`` keeps that CellType's rows only.
    """
    path = Path(path)
    if not path.exists():
        raise EpipairError(f"{path}: pairs file not found")
    df = _read_rows(path, fmt, labelled, genes, cell_type)
    if len(df) == 0:
        raise EpipairError(f"{path}: no pairs (the file has no data rows)")
    out = _coordinates(df, path, sizes)
    out["label"] = _labels(df, path, labelled)
    out = out[INGEST_COLUMNS]
    if fmt == "bengi":
        out = _closest_tss(out, df, path)
    out = _drop_duplicates(out, path)
    if labelled:
        out = _drop_trans(out, path)
    log.info(
        "%s: %d pairs, %d positives (%.1f%%)",
        path,
        len(out),
        int(out["label"].sum()),
        100.0 * out["label"].mean(),
    )
    return out


def _read_rows(path: Path, fmt: str, labelled: bool, genes, cell_type) -> pd.DataFrame:
    """The rows of a pairs file of format ``fmt``, as text, with their ``source_line``."""
    if fmt == "targetfinder":
        return _read_targetfinder(path, labelled)
    if fmt == "bedpe":
        return _read_bedpe(path, labelled)
    if fmt == "bengi":
        return _read_bengi(path, labelled)
    if fmt == "crispri":
        return _read_crispri(path, genes, cell_type)
    raise EpipairError(f"{path}: unknown pairs format {fmt!r}; use one of {FORMATS}")


def _coordinates(df: pd.DataFrame, path: Path, sizes: dict[str, int]) -> pd.DataFrame:
    """``source_line`` and the six coordinate fields, checked: chromosomes in the genome's
    naming (one mapping for both kinds), integers, each end after its start and on its
    chromosome."""
    lines = df["source_line"].to_numpy(dtype=np.int64)
    out = pd.DataFrame({"source_line": lines})
    for field in ("enhancer_chrom", "promoter_chrom"):
        df[field] = df[field].astype(str).str.strip()
        fail_at(path, lines, (df[field] == "").to_numpy(), "field '{f}' missing", f=field)
    names = set(df["enhancer_chrom"]) | set(df["promoter_chrom"])
    mapping = chrom_name_map(sorted(names), sizes, source=str(path))
    renamed = {k: v for k, v in mapping.items() if k != v}
    if renamed:
        log.info(
            "%s: renamed chromosomes to the genome's naming: %s",
            path,
            ", ".join(f"{k}->{v}" for k, v in sorted(renamed.items())),
        )
    for kind in ("enhancer", "promoter"):
        field = f"{kind}_chrom"
        unknown_chroms(df[field], mapping.keys(), field, path, lines)
        out[field] = df[field].map(mapping).to_numpy()
        start = integers(df[f"{kind}_start"], f"{kind}_start", path, lines)
        end = integers(df[f"{kind}_end"], f"{kind}_end", path, lines)
        check_interval(start, end, (f"{kind}_start", f"{kind}_end"), path, lines)
        check_within(out[field], end, sizes, f"{kind}_end", path, lines)
        out[f"{kind}_start"], out[f"{kind}_end"] = start, end
    return out


def _labels(df: pd.DataFrame, path: Path, labelled: bool) -> np.ndarray:
    """The ``label`` field as 0 or 1 (0 for every pair of an unlabelled file)."""
    if not labelled:
        return np.zeros(len(df), dtype=np.int8)
    labels = df["label"].astype(str).str.strip()
    label_num = pd.to_numeric(labels, errors="coerce")
    bad = (~label_num.isin([0, 1])).to_numpy()
    fail_at(path, df["source_line"], bad, "field 'label' must be 0 or 1, got {v!r}", v=labels)
    return label_num.to_numpy(dtype=np.int8)


def _drop_duplicates(out: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Exact duplicate pairs dropped, a pair listed with both labels kept as label 1, and
    pairs whose enhancer is the promoter (same coordinates: no interaction to learn) left
    out; each counted in the log."""
    key = COORD_FIELDS
    n_before = len(out)
    conflicts = int((out.groupby(key, sort=False)["label"].nunique() > 1).sum())
    out = (
        out.sort_values(["label", "source_line"], ascending=[False, True], kind="stable")
        .drop_duplicates(key, keep="first")
        .sort_values("source_line", kind="stable")
        .reset_index(drop=True)
    )
    if n_before > len(out):
        log.warning("%s: dropped %d duplicate pair row(s)", path, n_before - len(out))
    same = np.ones(len(out), dtype=bool)
    for e, p in zip(COORD_FIELDS[:3], COORD_FIELDS[3:]):
        same &= (out[e] == out[p]).to_numpy()
    if same.any():
        log.warning(
            "%s: dropped %d pair(s) whose enhancer is the promoter (same coordinates; first at "
            "line %d)",
            path,
            int(same.sum()),
            out["source_line"].iloc[first(same)],
        )
        out = out[~same].reset_index(drop=True)
        if len(out) == 0:
            raise EpipairError(f"{path}: no pairs left: every enhancer is its promoter")
    if conflicts:
        log.warning("%s: %d pair(s) listed with both labels were kept as label 1", path, conflicts)
    return out
