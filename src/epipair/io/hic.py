"""Hi-C contact for the Activity-by-Contact model, read from ``.cool``/``.mcool`` with cooler.

ABC reads a balanced (KR) cis matrix per chromosome and processes it before it looks a pair up
(broadinstitute/ABC-Enhancer-Gene-Prediction ``src/hic.py`` at 8fca06f, v0.2.2 plus 10 commits
of the ``src/`` release; the current release, ``main`` at 36e212e9, keeps these steps in
``workflow/scripts/hic.py:115-210`` and ``workflow/scripts/predictor.py``, without the KR cutoff
and the NaN fill):

1. balanced contacts from the bins' weights ``hic_weight`` in the place of Juicer's
   KR-normalised dump: ``count x w_i x w_j`` for cooler's own (``weight``, from ``cooler balance
   --cis-only``: ABC's matrices are balanced per chromosome), ``count / (w_i x w_j)`` for the
   divisive vectors that hic2cool and the 4DN portal store (``KR``, ``VC``, ``VC_SQRT``, as
   cooler reads them, ``cooler/api.py:28-29``); a bin without a weight (cooler's filters, in
   the place of ABC's ``kr_cutoff`` 0.25, ``hic.py:68, 106, 135-145``, which epipair does not
   apply to a KR vector) makes its stored contacts NaN;
2. every value divided by the mean cis row sum over the rows that sum above 0, NaN counted as 0,
   unless it is within 0.001 of 1 (``hic.py:73-87``);
3. the diagonal, where it is not 0, replaced by the larger of its two neighbours times
   ``tss_hic_contribution`` / 100 (100: ``src/predict.py:32``), the first and last bins by their
   one neighbour (``hic.py:91-103``);
4. contacts more than ``window`` / resolution bins apart dropped (``hic.py:118-119``);
5. NaN contacts (step 1) replaced by the power law at the bins' distance, ``gamma`` =
   ``hic_gamma`` (``hic.py:126-128``; the current release fills 0 instead,
   ``workflow/scripts/predictor.py:44`` at 36e212e9).

What a pair then reads (:func:`hic_contact`, ``src/predictor.py:107-173``): the contact between
the element midpoint's bin and the TSS's bin (0 when none is stored); for a TSS whose own bin
(the self-promoter) holds under 0.01 (``qc_hic``, ``predictor.py:175-183``) or that has no row
(a pair's TSS that is not in ``genes``), the power law at the distance with ``min_distance`` =
resolution, as the current release does (``workflow/scripts/predictor.py:479-495``; v0.2.2
gives the gene NaN, unscored, and sums the self-promoter elements' contacts, where epipair reads
the TSS bin's own); then scaled to the reference power law
(``hic x powerlaw(d, gamma) / powerlaw(d, hic_gamma)``, ``--scale_hic_using_powerlaw``,
``predictor.py:147-155``, on in README.md:174) and a pseudocount
``min(powerlaw(d, hic_gamma), powerlaw(hic_pseudocount_distance, hic_gamma))`` added
(``predictor.py:163-173``; 1e6 in ``src/predict.py:33``, 5000 in the current release).

The rows of the genes' TSS bins (+-``window``) are all the scoring needs; they are written once
per cell line (:func:`write_contact`) and read by ``epipair.model.abc.AbcModel``.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import EpipairError
from .atomic import atomic_path

log = logging.getLogger(__name__)

GAMMA = 0.87  # src/predict.py:39-40 at 8fca06f (--hic_gamma, --hic_gamma_reference)
MIN_DISTANCE = 5000  # src/hic.py:185
QC_THRESHOLD = 0.01  # src/predictor.py:175 (qc_hic)
DIVISIVE_WEIGHTS = {"KR", "VC", "VC_SQRT"}  # stored as divisors (cooler/api.py:28-29)
CHUNK = 5_000_000  # pixels read at a time


def open_cooler(path, resolution: int, weight: str = "weight"):
    """A ``.cool`` file, or the ``resolution`` level of a ``.mcool``, with the balancing
    weights ``weight`` (a column of its bins); errors name the file."""
    import cooler

    path = Path(path)
    try:
        groups = cooler.fileops.list_coolers(str(path))
    except (OSError, ValueError, KeyError) as exc:
        raise EpipairError(f"{path}: not a .cool/.mcool Hi-C file ({exc})") from None
    if not groups:
        raise EpipairError(f"{path}: no Hi-C matrix in the file (not a .cool/.mcool file)")
    levels = {int(g.rsplit("/", 1)[1]): g for g in groups if g.startswith("/resolutions/")}
    if levels:  # a .mcool: the level of model_params.abc.hic_resolution
        if resolution not in levels:
            raise EpipairError(
                f"{path}: no {resolution} bp level (model_params.abc.hic_resolution); the file "
                f"has {', '.join(map(str, sorted(levels)))}"
            )
        clr = cooler.Cooler(f"{path}::{levels[resolution]}")
    elif len(groups) == 1:
        clr = cooler.Cooler(f"{path}::{groups[0]}")
    else:
        raise EpipairError(f"{path}: {len(groups)} matrices and no /resolutions/ levels")
    if not clr.binsize:
        raise EpipairError(f"{path}: bins of varying size; epipair reads fixed-size bins")
    if weight not in clr.bins().columns:
        raise EpipairError(
            f"{path}: no balancing weights bins/{weight} (model_params.abc.hic_weight); ABC "
            "reads a balanced matrix: run `cooler balance --cis-only` on it, or name the file's "
            "own (KR in a .mcool converted from .hic by hic2cool)"
        )
    if clr.binsize != resolution:
        log.info(
            "%s: %d bp bins (the file's own; hic_resolution %d)", path, clr.binsize, resolution
        )
    return clr


def powerlaw_scale(gamma: float) -> float:
    """ABC's scale for a gamma: a regression across 20 Hi-C cell types (src/hic.py:203-205)."""
    return -4.80 + 11.63 * gamma


def powerlaw_contact(distance, gamma: float = GAMMA, scale=None, min_distance=MIN_DISTANCE):
    """``exp(scale - gamma * ln(max(d, min_distance) + 1))`` (src/hic.py:185-209)."""
    d = np.maximum(np.asarray(distance, dtype=np.float64), min_distance)
    scale = powerlaw_scale(gamma) if scale is None else scale
    return np.exp(scale - gamma * np.log(d + 1.0))


def tss_rows(path, tss: pd.DataFrame, params: dict) -> dict:
    """``{"resolution", "band", chrom: (bins, rows)}``: for each chromosome the genes' TSS bins
    (sorted, unique) and their processed contacts with the bins ``-band..+band`` around them
    (``band = window // resolution``), steps 1-5 of the module docstring."""
    from .tracks import track_chrom_names

    clr = open_cooler(path, params["hic_resolution"], params["hic_weight"])
    res = int(clr.binsize)
    band = params["window"] // res
    chroms = sorted(set(tss["chrom"]))
    names = track_chrom_names(set(clr.chromnames), chroms, "hic", path)
    missing = [c for c in chroms if names[c] is None]
    if missing:
        log.warning(
            "%s: no Hi-C for %d chromosome(s) with genes (%s): the power law there",
            path,
            len(missing),
            ", ".join(missing[:5]),
        )
    out: dict = {"resolution": res, "band": band}
    with clr.open("r") as h5:
        bin1_offset = h5["indexes/bin1_offset"]
        for chrom in chroms:
            if names[chrom] is None:
                continue
            lo, hi = clr.extent(names[chrom])
            n = hi - lo
            weight = clr.bins()[lo:hi][params["hic_weight"]].to_numpy(np.float64)
            if params["hic_weight"] in DIVISIVE_WEIGHTS:
                with np.errstate(divide="ignore"):
                    weight = 1.0 / weight
            bins = np.unique(tss.loc[tss["chrom"] == chrom, "tss"].to_numpy(np.int64) // res)
            bins = bins[bins < n]
            span = (int(bin1_offset[lo]), int(bin1_offset[hi]))
            rows, masked, rowsum = _read_rows(clr, lo, n, span, weight, bins, band)
            mean_sum = float(np.mean(rowsum[rowsum > 0])) if (rowsum > 0).any() else 1.0
            if abs(mean_sum - 1) >= 0.001:
                rows /= mean_sum
            _correct_diagonal(rows, bins, n, band, params["tss_hic_contribution"])
            if masked.any():
                dist = np.abs(np.arange(-band, band + 1))[None, :] * res
                fill = powerlaw_contact(
                    np.broadcast_to(dist, rows.shape),
                    params["hic_gamma"],
                    params["hic_scale"],
                    params["min_distance"],
                )
                rows[masked] = fill[masked]
            log.info(
                "%s %s: %d bins, mean cis row sum %.4g, %d TSS bins, %d NaN contact(s) filled",
                Path(path).name,
                chrom,
                n,
                mean_sum,
                bins.size,
                int(masked.sum()),
            )
            out[chrom] = (bins, rows.astype(np.float32))
    return out


def _read_rows(clr, lo: int, n: int, span, weight, bins, band: int):
    """One chromosome's pixels (``span``: their index range; its bins ``lo..lo+n``) read
    ``CHUNK`` at a time: the balanced contacts of the TSS ``bins`` with ``-band..+band``
    (NaN as 0, where ``masked`` is set) and every bin's cis row sum (NaN counted as 0)."""
    index = np.full(n, -1, dtype=np.int64)
    index[bins] = np.arange(bins.size)
    rows = np.zeros((bins.size, 2 * band + 1))
    masked = np.zeros(rows.shape, dtype=bool)
    rowsum = np.zeros(n)
    first, last = span
    for start in range(first, last, CHUNK):
        px = clr.pixels()[start : min(start + CHUNK, last)]
        b1 = px["bin1_id"].to_numpy(np.int64) - lo
        b2 = px["bin2_id"].to_numpy(np.int64) - lo
        cis = b2 < n
        b1, b2 = b1[cis], b2[cis]
        v = px["count"].to_numpy(np.float64)[cis] * weight[b1] * weight[b2]
        nan = np.isnan(v)
        v0 = np.where(nan, 0.0, v)
        off = b1 != b2
        rowsum += np.bincount(b1, v0, minlength=n)
        rowsum += np.bincount(b2[off], v0[off], minlength=n)
        near = np.abs(b2 - b1) <= band
        for r, c in ((b1, b2), (b2, b1)):
            sel = near & (index[r] >= 0)
            at = (index[r[sel]], band + c[sel] - r[sel])
            rows[at] = v0[sel]
            masked[at] = nan[sel]
    return rows, masked, rowsum


def _correct_diagonal(rows, bins, n: int, band: int, contribution: float) -> None:
    """Step 3 on the TSS rows: a diagonal that is not 0 becomes its larger neighbour x
    ``contribution`` / 100 (one neighbour at the chromosome's first and last bins)."""
    diag = rows[:, band]
    left = np.where(bins > 0, rows[:, band - 1], 0.0) if band else np.zeros_like(diag)
    right = np.where(bins < n - 1, rows[:, band + 1], 0.0) if band else np.zeros_like(diag)
    rows[:, band] = np.where(diag != 0, np.maximum(left, right) * contribution / 100.0, diag)


def write_contact(path, contact: dict | None) -> None:
    """The TSS rows as ``.npz`` (``resolution`` 0: no Hi-C, the power law)."""
    arrays: dict = {"resolution": np.int64(0), "band": np.int64(0)}
    if contact:
        arrays = {"resolution": np.int64(contact["resolution"]), "band": np.int64(contact["band"])}
        for chrom, value in contact.items():
            if chrom not in ("resolution", "band"):
                arrays[f"bins/{chrom}"], arrays[f"rows/{chrom}"] = value
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez_compressed(fh, **arrays)


def read_contact(path) -> dict | None:
    """:func:`write_contact`'s file back; ``None`` when it holds no Hi-C."""
    with np.load(path) as z:
        if int(z["resolution"]) == 0:
            return None
        out: dict = {"resolution": int(z["resolution"]), "band": int(z["band"])}
        for key in z.files:
            if key.startswith("bins/"):
                chrom = key[5:]
                out[chrom] = (z[key], z[f"rows/{chrom}"].astype(np.float64))
    return out


def hic_contact(contact: dict, chrom: str, mids, tss, params: dict) -> np.ndarray:
    """ABC's Hi-C contact of elements (midpoints ``mids``) with TSSs ``tss`` (arrays of one
    length, or one of them a scalar): the processed matrix entry, the power law where the TSS
    fails ABC's QC or has no row, scaled to the reference power law, plus the pseudocount."""
    mids = np.asarray(mids, dtype=np.float64)
    tss = np.asarray(tss, dtype=np.int64)
    mids, tss = np.broadcast_arrays(mids, tss)
    res, band = contact["resolution"], contact["band"]
    d = np.abs(mids - tss)
    p = params
    pl = powerlaw_contact(d, p["hic_gamma"], p["hic_scale"], p["min_distance"])
    hic = np.zeros(d.shape)
    good = np.zeros(d.shape, dtype=bool)
    if chrom in contact:
        bins, rows = contact[chrom]
        tbin = tss // res
        i = np.clip(np.searchsorted(bins, tbin), 0, max(bins.size - 1, 0))
        has = (bins[i] == tbin) if bins.size else np.zeros(d.shape, dtype=bool)
        off = np.floor(mids / res).astype(np.int64) - tbin
        inband = np.abs(off) <= band
        ok = has & inband
        if bins.size:
            hic = np.where(ok, rows[i, np.clip(band + off, 0, 2 * band)], 0.0)
            good = has & (rows[i, band] >= QC_THRESHOLD)
    fallback = powerlaw_contact(d, p["hic_gamma"], p["hic_scale"], res)
    hic = np.where(good, hic, fallback)
    if p["scale_hic_using_powerlaw"]:
        hic = hic * powerlaw_contact(d, p["gamma"], p["scale"], p["min_distance"]) / pl
    pseudo = powerlaw_contact(
        p["hic_pseudocount_distance"], p["hic_gamma"], p["hic_scale"], p["min_distance"]
    )
    return hic + np.minimum(pl, pseudo)
