"""Gene TSS files: a TSS BED (one or more rows per gene) as ``chrom, tss, name``."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import EpipairError
from .bed import check_interval, data_lines, fail_at, integers, on_genome

log = logging.getLogger(__name__)

TSS_COLUMNS = ["chrom", "tss", "name"]


def read_genes(path, sizes: dict[str, int]) -> pd.DataFrame:
    """A TSS BED (chrom, start, end, name[, score, strand, ...]; one or more rows per gene;
    ``#``/``track``/``browser`` lines and one header line allowed) -> ``chrom, tss, name``.

    A row's TSS is its start when it is a point or a single base (``end - start <= 1``, as in
    GENCODE TSS files), else its centre (``(start + end) // 2``: a TSS500bp window's TSS, the
    TSS +-250 bp of ABC's ``CollapsedGeneBounds.*.TSS500bp.bed``). Chromosomes are renamed to
    the genome's naming (rows on other chromosomes are left out, logged); every problem names
    the file and the line.
    """
    df, lines = _gene_rows(Path(path))
    for field in ("start", "end"):
        df[field] = integers(df[field], field, path, lines)
    check_interval(df["start"], df["end"], ("start", "end"), path, lines, empty=True)
    df["name"] = df["name"].str.strip()
    fail_at(path, lines, (df["name"] == "").to_numpy(), "field 'name' empty")
    df, known = on_genome(df, sizes, path, "gene")
    lines = lines[known]
    width = df["end"] - df["start"]
    df["tss"] = np.where(width <= 1, df["start"], (df["start"] + df["end"]) // 2)
    if width.gt(1).any() and width[width > 1].nunique() > 1:
        log.warning(
            "%s: rows of several widths (%d-%d bp); each is taken as centred on its TSS (a "
            "gene-bounds file would need its TSSs instead)",
            path,
            int(width.min()),
            int(width.max()),
        )
    past = (df["tss"] >= df["chrom"].map(sizes)).to_numpy()
    at = df.reset_index(drop=True)
    fail_at(path, lines, past, "TSS {t} is past the end of {c}", t=at["tss"], c=at["chrom"])
    out = df[TSS_COLUMNS].drop_duplicates().sort_values(["chrom", "tss"], kind="stable")
    log.info("%s: %d TSSs of %d genes", path, len(out), out["name"].nunique())
    return out.reset_index(drop=True)


def _gene_rows(path: Path) -> tuple[pd.DataFrame, np.ndarray]:
    """The first four fields of each data row as text, and the rows' line numbers."""
    if not path.exists():
        raise EpipairError(f"{path}: genes file not found")
    need = "a genes BED line needs at least 4 tab-separated columns (chrom, start, end, name)"
    rows, lines = [], []
    for lineno, parts in data_lines(path, 4, need):
        if not rows and not parts[1].strip().lstrip("-").isdigit():
            continue  # one header line (chr start end name ...)
        rows.append(parts[:4])
        lines.append(lineno)
    if not rows:
        raise EpipairError(f"{path}: no genes (the file has no data rows)")
    return pd.DataFrame(rows, columns=["chrom", "start", "end", "name"]), np.asarray(lines)
