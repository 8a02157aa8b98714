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

from .errors import EpipairError
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
MAX_COORD = 2**53  # coordinates at or beyond this are out of range (and not exact as floats)
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
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise EpipairError(
            f"{path}:1: missing column(s) {', '.join(missing)} "
            f"(TargetFinder CSV header needs {', '.join(required)})"
        )
    df["source_line"] = np.arange(2, len(df) + 2)
    return df


def _lines(fh, path):
    """Numbered lines, with a damaged gzip stream or undecodable bytes as one-line errors."""
    lineno = 0
    try:
        for lineno, line in enumerate(fh, 1):
            yield lineno, line
    except (EOFError, OSError, gzip.BadGzipFile) as exc:
        raise EpipairError(f"{path}: damaged gzip file after line {lineno}: {exc}") from None
    except UnicodeDecodeError as exc:
        raise EpipairError(f"{path}:{lineno + 1}: not UTF-8 text ({exc.reason})") from None


def data_lines(path, min_columns: int, need: str):
    """``(line number, fields)`` of each data line of a tab-separated BED-like file, plain or
    gzip; blank, ``#``, ``track`` and ``browser`` lines are skipped. A line of fewer than
    ``min_columns`` fields stops with ``<file>:<line>: <need>, found <n>``."""
    with _open_text(path) as fh:
        for lineno, line in _lines(fh, path):
            if not line.strip() or line.startswith(("#", "track", "browser")):
                continue
            parts = line.rstrip("\r\n").split("\t")
            if len(parts) < min_columns:
                raise EpipairError(f"{path}:{lineno}: {need}, found {len(parts)}")
            yield lineno, parts


def _read_bedpe(path: Path, labelled: bool = True) -> pd.DataFrame:
    rows, lines = [], []
    ncol = None
    with _open_text(path) as fh:
        for lineno, line in _lines(fh, path):
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
        for lineno, line in _lines(fh, path):
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
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raw = df[field].iloc[i]
            raise EpipairError(f"{path}:{lines[i]}: field '{field}' {what}, got {raw!r}")
    df["distance"], df["enhancer_name"], df["promoter_name"] = distance, enhancer, gene
    return df[REQUIRED + ["source_line", "distance", "enhancer_name", "promoter_name"]]


def _read_crispri(path: Path, genes: pd.DataFrame | None, cell_type=None) -> pd.DataFrame:
    """ABC's CRISPRi table (see the module docstring) -> rows with the pair fields; the
    promoter is the target gene's TSS nearest the element."""
    if genes is None:
        raise EpipairError(f"{path}: format crispri needs the config key 'genes' (a TSS BED)")
    with _open_text(path) as fh:
        try:
            df = pd.read_csv(fh, sep="\t", dtype=str, keep_default_na=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise EpipairError(f"{path}: not a tab-separated table with a header ({exc})") from None
    missing = [c for c in CRISPRI_COLUMNS if c not in df.columns]
    if missing:
        raise EpipairError(
            f"{path}:1: CRISPRi table lacks column(s) {', '.join(missing)} (header: "
            f"{', '.join(map(str, df.columns[:12]))})"
        )
    df["source_line"] = np.arange(2, len(df) + 2)
    for c in ("CellType", "Reference"):
        if c not in df.columns:
            df[c] = "NA"
    include = df["IncludeInModel"].str.strip().str.upper()
    include = include.replace({"1": "TRUE", "0": "FALSE"})
    bad = ~include.isin(["TRUE", "FALSE", "NA", ""])
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise EpipairError(
            f"{path}:{df['source_line'].iloc[i]}: field 'IncludeInModel' must be TRUE or FALSE, "
            f"got {df['IncludeInModel'].iloc[i]!r}"
        )
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
    label = df["Regulated"].str.strip().str.upper().map(TRUE_FALSE)
    if label.isna().any():
        i = int(np.flatnonzero(label.isna().to_numpy())[0])
        raise EpipairError(
            f"{path}:{df['source_line'].iloc[i]}: field 'Regulated' must be TRUE or FALSE, "
            f"got {df['Regulated'].iloc[i]!r}"
        )
    df["label"] = label.astype(int).astype(str)
    gene = df["TargetGene"].str.strip()
    by_name = genes.groupby("name")
    known = gene.isin(by_name.groups.keys())
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
    df = df.rename(
        columns={"chr": "enhancer_chrom", "start": "enhancer_start", "end": "enhancer_end"}
    )
    for c in ("enhancer_start", "enhancer_end"):
        df[c] = df[c].str.strip()
    centre = (
        pd.to_numeric(df["enhancer_start"], errors="coerce")
        + pd.to_numeric(df["enhancer_end"], errors="coerce")
    ) // 2
    cand = df[["TargetGene"]].assign(_row=np.arange(len(df)), _centre=centre.to_numpy())
    cand["TargetGene"] = cand["TargetGene"].str.strip()
    cand["_chrom"] = df["enhancer_chrom"].str.strip().str.removeprefix("chr").to_numpy()
    cand = cand.merge(genes, left_on="TargetGene", right_on="name")
    cand["_d"] = (cand["tss"] - cand["_centre"]).abs()
    # the TSS nearest the element, on the element's chromosome when the gene has one there
    cand["_other"] = cand["chrom"].str.removeprefix("chr") != cand["_chrom"]
    best = cand.sort_values(["_row", "_other", "_d"], kind="stable").drop_duplicates("_row")
    best = best.set_index("_row").loc[np.arange(len(df))]
    df["promoter_chrom"] = best["chrom"].to_numpy()
    df["promoter_start"] = best["tss"].to_numpy().astype(str)
    df["promoter_end"] = (best["tss"].to_numpy() + 1).astype(str)
    df["promoter_name"] = df["TargetGene"].str.strip()
    return df[REQUIRED + ["source_line", "promoter_name"]]


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
        out["source_line"].iloc[int(np.flatnonzero(trans)[0])],
    )
    if trans.all():
        raise EpipairError(f"{path}: no pairs left: every enhancer is on another chromosome")
    return out[~trans].reset_index(drop=True)


def _check_integer(df: pd.DataFrame, field: str, path: Path) -> np.ndarray:
    values = df[field].astype(str).str.strip()
    numeric = pd.to_numeric(values, errors="coerce").astype(float)
    bad = numeric.isna() | (numeric != np.floor(numeric))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raw = values.iloc[i]
        what = "missing" if raw == "" else f"not an integer: {raw!r}"
        raise EpipairError(f"{path}:{df['source_line'].iloc[i]}: field '{field}' {what}")
    huge = numeric.abs() >= MAX_COORD
    if huge.any():  # past any chromosome, and past int64 (it would wrap round to negative)
        i = int(np.flatnonzero(huge.to_numpy())[0])
        raise EpipairError(
            f"{path}:{df['source_line'].iloc[i]}: field '{field}' ({values.iloc[i]}) is out of "
            f"range (no chromosome is {MAX_COORD:.0e} bp long)"
        )
    out = numeric.to_numpy(dtype=np.int64)
    neg = out < 0
    if neg.any():
        i = int(np.flatnonzero(neg)[0])
        raise EpipairError(
            f"{path}:{df['source_line'].iloc[i]}: field '{field}' is negative ({out[i]})"
        )
    return out


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
    every pair gets label 0. ``genes`` (``epipair.abc.read_genes``) resolves the target
    genes of ``crispri`` tables, ``cell_type`` keeps that CellType's rows only.
    """
    path = Path(path)
    if not path.exists():
        raise EpipairError(f"{path}: pairs file not found")
    if fmt == "targetfinder":
        df = _read_targetfinder(path, labelled)
    elif fmt == "bedpe":
        df = _read_bedpe(path, labelled)
    elif fmt == "bengi":
        df = _read_bengi(path, labelled)
    elif fmt == "crispri":
        df = _read_crispri(path, genes, cell_type)
    else:
        raise EpipairError(f"{path}: unknown pairs format {fmt!r}; use one of {FORMATS}")
    if len(df) == 0:
        raise EpipairError(f"{path}: no pairs (the file has no data rows)")

    out = pd.DataFrame({"source_line": df["source_line"].to_numpy(dtype=np.int64)})
    # chromosomes: strip, reconcile naming, reject unknown names with their row
    for kind in ("enhancer", "promoter"):
        field = f"{kind}_chrom"
        chroms = df[field].astype(str).str.strip()
        empty = chroms == ""
        if empty.any():
            i = int(np.flatnonzero(empty.to_numpy())[0])
            raise EpipairError(f"{path}:{df['source_line'].iloc[i]}: field '{field}' missing")
        df[field] = chroms
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
        unknown = ~df[field].isin(mapping.keys())
        if unknown.any():
            i = int(np.flatnonzero(unknown.to_numpy())[0])
            n = int(unknown.sum())
            raise EpipairError(
                f"{path}:{df['source_line'].iloc[i]}: field '{field}': chromosome "
                f"{df[field].iloc[i]!r} is not in the genome"
                + (f" ({n} rows in all)" if n > 1 else "")
            )
        out[field] = df[field].map(mapping).to_numpy()
        start = _check_integer(df, f"{kind}_start", path)
        end = _check_integer(df, f"{kind}_end", path)
        bad = end <= start
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise EpipairError(
                f"{path}:{df['source_line'].iloc[i]}: field '{kind}_end' ({end[i]}) is not "
                f"after '{kind}_start' ({start[i]})"
            )
        limit = out[field].map(sizes).to_numpy(dtype=np.int64)
        past = end > limit
        if past.any():
            i = int(np.flatnonzero(past)[0])
            raise EpipairError(
                f"{path}:{df['source_line'].iloc[i]}: field '{kind}_end' ({end[i]}) is past "
                f"the end of {out[field].iloc[i]} ({limit[i]} bp)"
            )
        out[f"{kind}_start"] = start
        out[f"{kind}_end"] = end

    if not labelled:
        df["label"] = "0"
    labels = df["label"].astype(str).str.strip()
    label_num = pd.to_numeric(labels, errors="coerce")
    bad = ~label_num.isin([0, 1])
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise EpipairError(
            f"{path}:{df['source_line'].iloc[i]}: field 'label' must be 0 or 1, "
            f"got {labels.iloc[i]!r}"
        )
    out["label"] = label_num.to_numpy(dtype=np.int8)
    out = out[INGEST_COLUMNS]
    if fmt == "bengi":
        out = _closest_tss(out, df, path)

    # duplicates: identical coordinates; conflicting labels resolve to 1
    key = COORD_FIELDS
    n_before = len(out)
    conflicts = int((out.groupby(key, sort=False)["label"].nunique() > 1).sum())
    out = (
        out.sort_values(["label", "source_line"], ascending=[False, True], kind="stable")
        .drop_duplicates(key, keep="first")
        .sort_values("source_line", kind="stable")
        .reset_index(drop=True)
    )
    dropped = n_before - len(out)
    if dropped:
        log.warning("%s: dropped %d duplicate pair row(s)", path, dropped)
    # a pair whose enhancer is its promoter (same coordinates) is no interaction to learn
    same = np.ones(len(out), dtype=bool)
    for e, p in zip(COORD_FIELDS[:3], COORD_FIELDS[3:]):
        same &= (out[e] == out[p]).to_numpy()
    if same.any():
        i = int(np.flatnonzero(same)[0])
        log.warning(
            "%s: dropped %d pair(s) whose enhancer is the promoter (same coordinates; first at "
            "line %d)",
            path,
            int(same.sum()),
            out["source_line"].iloc[i],
        )
        out = out[~same].reset_index(drop=True)
        if len(out) == 0:
            raise EpipairError(f"{path}: no pairs left: every enhancer is its promoter")
    if labelled:
        out = _drop_trans(out, path)
    if conflicts:
        log.warning("%s: %d pair(s) listed with both labels were kept as label 1", path, conflicts)
    log.info(
        "%s: %d pairs, %d positives (%.1f%%)",
        path,
        len(out),
        int(out["label"].sum()),
        100.0 * out["label"].mean(),
    )
    return out
