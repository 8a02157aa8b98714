"""The workflow's stages, one function each, called by the thin scripts in workflow/scripts.

Each stage reads its inputs, calls the library and writes its outputs atomically.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from ..errors import EpipairError
from ..io.atomic import write_npy, write_text, write_tsv
from ..io.genes import read_genes
from ..io.genome import read_chrom_sizes
from ..io.pairs import read_pairs
from ..io.sequence import FastaReader, write_sequence
from ..io.tables import FOLD_SPLITS, FOLDS, PAIRS, PAPER_SPLIT, read_pairs_table
from ..io.tracks import binned_signal, empty_marks, sliding_signal
from . import regions, splits

log = logging.getLogger(__name__)


def read_labels(pairs_path, fmt, sizes, labelled=True, genes_path=None, cell_type=None):
    """``read_pairs`` with the genes file that ``crispri`` tables need read first."""
    genes = read_genes(genes_path, sizes) if genes_path else None
    return read_pairs(pairs_path, fmt, sizes, labelled=labelled, genes=genes, cell_type=cell_type)


def ingest(pairs_path, *, fmt: str, chrom_sizes_path, out_path, genes_path=None) -> pd.DataFrame:
    """Labels file -> canonical, checked table (``results/<cell>/ingested.tsv``)."""
    sizes = read_chrom_sizes(chrom_sizes_path)
    df = read_labels(pairs_path, fmt, sizes, genes_path=genes_path)
    classes = sorted(set(df["label"].tolist()))
    if len(classes) < 2:
        raise EpipairError(
            f"{pairs_path}: all {len(df)} pairs are labelled {classes[0]}; training and "
            "evaluation need positive (1) and negative (0) pairs"
        )
    write_tsv(df, out_path)
    return df


def _with_windows_and_groups(df, sizes, windows, flank, prefix, source):
    """Windows (pairs that cannot fit dropped), pair ids, distance and groups of a table.

    Returns ``(table, enhancer_cluster, promoter_cluster)``.
    """
    df = regions.add_windows(df, sizes, windows, flank, source)
    df.insert(0, "pair_id", [f"{prefix}_{i:06d}" for i in range(len(df))])
    df["distance"] = regions.pair_distance(df)
    enh_c, prom_c = regions.element_clusters(df)
    df["group"] = regions.pair_groups(enh_c, prom_c)
    return df, enh_c, prom_c


def build_regions(
    ingested_path,
    *,
    chrom_sizes_path,
    cell: str,
    windows: dict,
    augment: dict,
    split: dict,
    out_pairs,
    out_folds,
    out_fold_splits,
) -> pd.DataFrame:
    """Windows, groups and the ``leakage_free`` split of one cell line.

    ``out_folds``/``out_fold_splits``: the held-out chromosomes and splits of the
    ``leakage_free`` models, per cross-validation fold when ``split["folds"]`` is set, else
    of the single split (fold ``all``). ``augment``: its ``max_shift`` (the flank stored
    around each window) is all that is read; the random protocols' splits are
    :func:`build_random_splits`'s.
    """
    sizes = read_chrom_sizes(chrom_sizes_path)
    df = pd.read_csv(ingested_path, sep="\t", dtype={"enhancer_chrom": str, "promoter_chrom": str})
    source = f"{cell} ({ingested_path})"
    flank = int(augment["max_shift"])
    df, enh_c, prom_c = _with_windows_and_groups(df, sizes, windows, flank, cell, source)
    df["split"] = splits.leakage_free_split(
        df, split["test_chroms"], split["valid_chroms"], source=source
    )
    counts = df.groupby("split")["label"].agg(["size", "sum"])
    for name, row in counts.iterrows():
        log.info("split %s: %d pairs, %d positives", name, row["size"], row["sum"])
    shared = splits.shares_element(enh_c, prom_c)
    log.info(
        "%d groups; %.1f%% of positives share an element with another pair",
        df["group"].nunique(),
        100 * shared[df["label"].to_numpy() == 1].mean(),
    )
    if split.get("folds"):
        folds = splits.chromosome_folds(df, int(split["folds"]), source=source)
        fold_table = splits.fold_splits(df, folds, split["valid_chroms"], source=source)
        for fold, sub in df.groupby(df["enhancer_chrom"].map(folds)):
            log.info(
                "fold %s: chromosomes %s; %d pairs, %d positives",
                fold,
                ",".join(sorted(c for c, f in folds.items() if f == fold)),
                len(sub),
                int(sub["label"].sum()),
            )
    else:
        folds, fold_table = splits.single_split_table(df, split["test_chroms"])
    PAIRS.write(df[list(PAIRS.columns)], out_pairs)
    FOLDS.write(pd.DataFrame({"chrom": list(folds), "fold": list(folds.values())}), out_folds)
    FOLD_SPLITS.write(fold_table, out_fold_splits)
    return df


def build_random_splits(
    pairs_path, *, cell: str, augment: dict, split: dict, out_paper, out_audit
) -> pd.DataFrame:
    """The random protocols' instances of one cell line (``splits_paper.tsv``: each paper
    scheme's, augmented before the split as published, and ``random_holdout``'s) and the
    leakage audit of every protocol. Its own rule: ``split.paper_*`` and ``augment.positives``
    change these alone, not pairs.tsv and what reads only it."""
    df = read_pairs_table(pairs_path)
    enh_c, prom_c = regions.element_clusters(df)
    paper = splits.paper_splits(
        df,
        augment["positives"],
        int(augment["max_shift"]),
        split["seed"],
        split["paper_test_fraction"],
        split["paper_valid_fraction"],
        augment.get("grid_step"),
        (split["test_chroms"], split["valid_chroms"]),
    )
    holdout = splits.random_holdout_instances(
        df, split["seed"], split["paper_test_fraction"], split["paper_valid_fraction"]
    )
    sides = [
        ("leakage_free", df["pair_id"], df["split"]),
        ("random_holdout", holdout["pair_id"], holdout["split"]),
    ]
    sides += [
        (f"paper:{scheme}", sub["pair_id"], sub["split"])
        for scheme, sub in paper.groupby("scheme", sort=False)
    ]
    paper = pd.concat([paper, holdout], ignore_index=True)
    audits = []
    for protocol, ids, side in sides:
        train_ids = ids[side.isin(("train", splits.RETRAIN))]  # a second stage's pairs too
        test_ids = ids[side == "test"]
        audit = splits.leakage_audit(df, enh_c, prom_c, train_ids, test_ids)
        audits.append({"cell_line": cell, "protocol": protocol, **audit})
        log.info(
            "leakage audit %s: %.1f%% of %d test pairs share an element with training; "
            "%.1f%% of test positives have a copy in training",
            protocol,
            100 * audit["test_share_element_in_train"],
            audit["n_test_pairs"],
            100 * audit["test_pos_copy_in_train"],
        )
    PAPER_SPLIT.write(paper, out_paper)
    write_tsv(pd.DataFrame(audits), out_audit)
    return paper


def prepare_pairs_to_score(
    pairs_path,
    *,
    fmt: str,
    labelled: bool,
    chrom_sizes_path,
    name: str,
    windows: dict,
    augment: dict,
    out_pairs,
    genes_path=None,
    cell_type=None,
) -> pd.DataFrame:
    """Your own pairs -> a pairs.tsv like a cell line's, every pair in split ``test``."""
    sizes = read_chrom_sizes(chrom_sizes_path)
    df = read_labels(pairs_path, fmt, sizes, labelled, genes_path, cell_type)
    df, _, _ = _with_windows_and_groups(
        df, sizes, windows, int(augment["max_shift"]), name, f"predict {name}"
    )
    df["split"] = "test"
    PAIRS.write(df[list(PAIRS.columns)], out_pairs)
    return df


def sequence_features(pairs_path, *, fasta_path, windows: dict, flank: int, out_enh, out_prom):
    """uint8 tokens ``[n, width + 2 * flank]`` per element kind (see ``epipair.io.sequence``),
    written chromosome by chromosome (:func:`epipair.io.sequence.write_sequence`)."""
    df = read_pairs_table(pairs_path)
    fasta = FastaReader(fasta_path)
    try:
        for kind, out in (("enhancer", out_enh), ("promoter", out_prom)):
            width = int(windows[kind])
            shape, n_frac = write_sequence(
                fasta,
                df[f"{kind}_chrom"].to_numpy(),
                df[f"{kind}_window_start"].to_numpy() - flank,
                width + 2 * flank,
                out,
            )
            log.info("%s: tokens %s, %.2f%% N", kind, shape, 100 * n_frac)
    finally:
        fasta.close()


def signal_features(
    pairs_path,
    *,
    tracks: list,
    windows: dict,
    out_enh,
    out_prom,
    out_marks,
    sliding: bool = False,
    chrom_sizes_path=None,
):
    """float32 ``[n, marks, bins]`` per element kind, marks in ``tracks`` order: bin means
    (``windows.signal_bin``) or, with ``sliding``, means over ``windows.signal_window`` bp every
    ``windows.signal_step`` bp (``epipair.io.tracks.sliding_signal``).

    ``tracks``: ``[(mark, path, kind), ...]``. The mark names are written to ``out_marks``.
    With ``chrom_sizes_path``, a track of another assembly (other chromosome lengths) stops.
    """
    if not tracks:
        raise EpipairError(f"{pairs_path}: no tracks configured for signal features")
    df = read_pairs_table(pairs_path)
    sizes = read_chrom_sizes(chrom_sizes_path) if chrom_sizes_path else None
    signals = {}
    for kind in ("enhancer", "promoter"):
        chroms = df[f"{kind}_chrom"].to_numpy()
        starts = df[f"{kind}_window_start"].to_numpy()
        width = int(windows[kind])
        if sliding:
            sig = sliding_signal(
                tracks,
                chroms,
                starts,
                width,
                int(windows["signal_window"]),
                int(windows["signal_step"]),
                sizes,
            )
        else:
            sig = binned_signal(tracks, chroms, starts, width, int(windows["signal_bin"]), sizes)
        signals[kind] = sig
        log.info(
            "%s: signal %s, mean per mark %s",
            kind,
            sig.shape,
            np.round(sig.mean(axis=(0, 2)), 3).tolist() if sig.size else [],
        )
    empty_marks(list(signals.values()), tracks)
    write_npy(signals["enhancer"], out_enh)
    write_npy(signals["promoter"], out_prom)
    write_text("".join(f"{mark}\n" for mark, _, _ in tracks), out_marks)
