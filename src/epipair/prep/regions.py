"""Windows around elements, and groups of pairs that share an element.

Window rule (``resize_windows``): a window of ``width`` bp is centred on the element centre
(``(start + end) // 2``), and the stored extent is the window plus ``flank`` bp on each side
(room for the augmentation shifts). When that extent runs off a chromosome end, the window is
*shifted inside* the chromosome, keeping its width, so no element is lost at a telomere; only a
chromosome shorter than ``width + 2 * flank`` drops the element's pairs. Both counts are logged.
Shifting was preferred to clipping because every model needs fixed-width inputs, and to
dropping because the few affected elements are real.

Groups (``element_clusters`` and ``pair_groups``): two elements belong to one cluster when
their intervals overlap by at least 1 bp (transitively; ``bedtools cluster -d -1``), enhancers
and promoters pooled. Pairs are linked when they share a cluster, and a group is a connected
component of that graph. A group is therefore every pair that touches a given stretch of DNA.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from ..errors import EpipairError

log = logging.getLogger(__name__)


def resize_windows(
    chroms: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    width: int,
    flank: int,
    sizes: dict[str, int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centre ``width``-bp windows on the elements; see the module docstring for the rule.

    Returns ``(window_start, shifted, dropped)``: the 0-based start of the centre window
    (the stored extent is ``[window_start - flank, window_start + width + flank)``), and
    boolean masks of windows moved inside a chromosome end and of elements dropped.
    """
    if width <= 0 or flank < 0:
        raise EpipairError(f"window width must be positive and flank >= 0 (got {width}, {flank})")
    starts = np.asarray(starts, dtype=np.int64)
    ends = np.asarray(ends, dtype=np.int64)
    lengths = np.array([sizes[c] for c in chroms], dtype=np.int64)
    centre = (starts + ends) // 2
    ws = centre - width // 2
    lo = np.full_like(ws, flank)
    hi = lengths - width - flank
    dropped = hi < lo
    shifted = ~dropped & ((ws < lo) | (ws > hi))
    ws = np.where(dropped, ws, np.clip(ws, lo, np.maximum(hi, lo)))
    return ws, shifted, dropped


def element_clusters(pairs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Cluster ids of each pair's enhancer and promoter (overlap >= 1 bp, transitive)."""
    import pybedtools

    n = len(pairs)
    records = pd.DataFrame(
        {
            "chrom": np.concatenate([pairs["enhancer_chrom"], pairs["promoter_chrom"]]),
            "start": np.concatenate([pairs["enhancer_start"], pairs["promoter_start"]]),
            "end": np.concatenate([pairs["enhancer_end"], pairs["promoter_end"]]),
            "idx": np.arange(2 * n),
        }
    )
    records = records.sort_values(["chrom", "start", "end", "idx"], kind="stable")
    bt = pybedtools.BedTool.from_dataframe(records)
    try:
        clustered = bt.cluster(d=-1).to_dataframe(
            header=None, names=["chrom", "start", "end", "idx", "cluster"]
        )
    finally:
        pybedtools.cleanup()
    cluster = np.empty(2 * n, dtype=np.int64)
    cluster[clustered["idx"].to_numpy(dtype=np.int64)] = clustered["cluster"].to_numpy() - 1
    return cluster[:n], cluster[n:]


def pair_groups(enh_cluster: np.ndarray, prom_cluster: np.ndarray) -> np.ndarray:
    """Connected components of pairs linked through shared element clusters.

    Group ids are numbered in order of first appearance, so they are stable for a given table.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n_nodes = int(max(enh_cluster.max(initial=-1), prom_cluster.max(initial=-1))) + 1
    graph = coo_matrix(
        (np.ones(len(enh_cluster)), (enh_cluster, prom_cluster)), shape=(n_nodes, n_nodes)
    )
    _, labels = connected_components(graph, directed=False)
    return pd.factorize(labels[enh_cluster])[0].astype(np.int64)


def pair_distance(pairs: pd.DataFrame) -> np.ndarray:
    """Distance in bp between element centres; -1 for pairs on different chromosomes."""
    ec = (pairs["enhancer_start"].to_numpy() + pairs["enhancer_end"].to_numpy()) // 2
    pc = (pairs["promoter_start"].to_numpy() + pairs["promoter_end"].to_numpy()) // 2
    same = pairs["enhancer_chrom"].to_numpy() == pairs["promoter_chrom"].to_numpy()
    return np.where(same, np.abs(ec - pc), -1).astype(np.int64)


def add_windows(
    pairs: pd.DataFrame, sizes: dict[str, int], widths: dict[str, int], flank: int, source: str
) -> pd.DataFrame:
    """Add ``<kind>_window_start`` columns; drop pairs whose windows cannot fit (logged)."""
    pairs = pairs.copy()
    keep = np.ones(len(pairs), dtype=bool)
    for kind in ("enhancer", "promoter"):
        ws, shifted, dropped = resize_windows(
            pairs[f"{kind}_chrom"].to_numpy(),
            pairs[f"{kind}_start"].to_numpy(),
            pairs[f"{kind}_end"].to_numpy(),
            widths[kind],
            flank,
            sizes,
        )
        pairs[f"{kind}_window_start"] = ws
        if shifted.any():
            log.info(
                "%s: %d %s window(s) shifted inside a chromosome end", source, shifted.sum(), kind
            )
        if dropped.any():
            log.warning(
                "%s: %d pair(s) dropped: %s window of %d bp (+%d flank each side) does not fit "
                "on the chromosome",
                source,
                dropped.sum(),
                kind,
                widths[kind],
                flank,
            )
        keep &= ~dropped
    if not keep.any():
        raise EpipairError(f"{source}: no pair has windows that fit on its chromosomes")
    return pairs.loc[keep].reset_index(drop=True)
