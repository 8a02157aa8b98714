"""The Activity-by-Contact model (Fulco et al., Nat Genet 2019) as released, and gene TSSs.

Every step follows broadinstitute/ABC-Enhancer-Gene-Prediction at tag v0.2.2 (commit
1b737c6f, the ``src/`` release used by Fulco et al. 2019 and Nasser et al. 2021), cited as
``file:line`` of that tag; where the current release (``main`` at 36e212e9, Gschwind et al.
2023) differs, the difference is named and, where cheap, offered as an option.

Candidate elements (``src/peaks.py:31-39``, ``make_candidate_regions_from_summits``)
    Overlapping accessibility peaks are merged keeping the strongest (``bedtools merge -c 4
    -o max``), the ``n_strongest`` merged peaks kept (150,000: README.md:110, the value the
    authors recommend; the argparse default is 175,000), each of their peaks' summits (narrowPeak
    column 10; a peak without one: its centre) extended by ``peak_extend`` = 250 bp each side
    (``src/makeCandidateRegions.py:25``), overlaps merged; then every gene's TSS +-250 bp is
    added (the TSS500bp includelist, ``peaks.py:17``) and overlaps merged again. ABC ranks
    peaks by the accessibility reads inside them; epipair, which reads peak files and bigWigs,
    ranks by the track's signal over the peak (signalValue for a peak file). No blocklist is
    applied (ABC removes ENCODE's blocklist; give peaks without it), and chrY is kept (v0.2.2
    drops it unless ``--include_chrY``, ``src/predict.py:93-94``).
Activity (``src/neighborhoods.py:570-580``)
    ``sqrt(accessibility x H3K27ac)`` of each element. ABC counts reads per million in the
    element, as epipair does for a track of ``kind: bam`` (:func:`bam_rpm`); for other tracks
    epipair sums the track over the element (a bigWig's values; a peak file's
    signalValue over the bases its peaks cover; negative or missing values count as 0). A
    constant factor per track would cancel in the score, but fold-change bigWigs and peak
    signal are not proportional to reads: an element outside every H3K27ac peak has activity
    0, where ABC counts its few reads. Without an H3K27ac track the activity is the
    accessibility alone, as the current release allows
    (``workflow/scripts/neighborhoods.py:771`` at 36e212e9; v0.2.2 requires H3K27ac).
    ABC's optional quantile normalisation to K562 (``--qnorm``; on by default in the
    current release) is not applied.
Contact (``src/hic.py:185-209``; without Hi-C v0.2.2 names this score ``powerlaw.Score``,
``src/predictor.py:15-20``, computed with ``hic_gamma_reference``, also 0.87)
    The power law ``exp(scale - gamma * ln(max(d, 5000) + 1))``, gamma 0.87
    (``src/predict.py:37-38``), ``scale = -4.80 + 11.63 * gamma`` (``hic.py:204-205``), ``d``
    the distance from the element's midpoint to the TSS (``src/predictor.py:35``). With the
    cell line's Hi-C (``cell_lines.<cell>.hic``, a balanced ``.cool``/``.mcool``): the Hi-C
    contact as ABC processes and reads it, scaled to this power law, plus its pseudocount
    (:mod:`epipair.io.hic`); a ``.hic`` file needs ``hic-straw``, which builds from source against
    libcurl and is not installed: convert it (``hic2cool convert in.hic out.mcool``, weights
    ``hic_weight: KR``).
Score (``src/predictor.py:183-190``)
    ``A x C`` over the sum of ``A x C`` of every candidate element whose midpoint lies within
    ``window`` = 5 Mb of the gene's TSS (``predictor.py:32-36``, ``distance < window``), the
    gene's own promoter element and every other promoter included. v0.2.2 keeps the gene's own
    promoter's computed score; ``self_promoter: one`` sets it to 1 as the current release does
    (``workflow/scripts/predictor.py:510-514`` at 36e212e9). An element is a promoter when it
    overlaps a TSS +-500 bp (``src/neighborhoods.py:213-261``), and its gene's self-promoter
    when it lies within 500 bp of that gene's TSS (``predictor.py:194``).
A pair's score
    A scored pair (a benchmark's enhancer, a TargetFinder enhancer, a CRISPRi element) is rarely
    one candidate element: its score is the sum of the ABC scores of the candidate elements it
    overlaps, 0 when none (the ABC repository's CRISPRi comparison: ``comparison/CRISPR/
    pred.config.txt``, ``ABC.Score sum 0``, at 2da763c6). The gene's TSS is the ``genes`` TSS
    inside the pair's promoter interval nearest its centre (the centre when none lies inside).
Threshold
    0.02 (README.md:159, 174: "approximately 70% recall and 60% precision" on K562 CRISPRi),
    reported as a precision/recall point over every scored pair. ABC calls links only for
    expressed genes (promoter activity quantile >= 0.4) and non-promoter elements
    (``src/predict.py:114,116``), which epipair does not filter; the current release calibrates
    0.017 for DNase x H3K27ac with the power law (``reference/abc_thresholds.tsv``).
Genes
    ``genes`` in the config; ``config.yaml`` pins ABC's hg19 gene file of the current release
    (36e212e9, 20,629 genes); v0.2.2 shipped ``RefSeqCurated.170308`` (24,548).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import EpipairError
from ..io.bed import data_lines, on_genome
from ..io.genes import read_genes
from ..io.hic import (
    GAMMA,
    MIN_DISTANCE,
    hic_contact,
    powerlaw_contact,
    read_contact,
    tss_rows,
    write_contact,
)

log = logging.getLogger(__name__)

WINDOW = 5_000_000  # src/predict.py:21 (--window)
THRESHOLD = 0.02  # README.md:159
TSS_SLOP = 500  # promoter class (src/run.neighborhoods.py:35) and self-promoter (predict.py:50)
DEFAULTS = {
    "accessibility": "DNase",  # its peaks give the candidate elements unless the cell line
    # names a peak file under "elements"
    "h3k27ac": "H3K27ac",
    "n_strongest": 150_000,
    "peak_extend": 250,
    "promoter_extend": 250,
    "gamma": GAMMA,
    "scale": None,  # -4.80 + 11.63 * gamma
    "min_distance": MIN_DISTANCE,
    "window": WINDOW,
    "self_promoter": "computed",
    "threshold": THRESHOLD,
    # Hi-C (a cell line's "hic" file; epipair.io.hic): src/predict.py:31-40 at 8fca06f
    "hic_resolution": 5000,  # the level read from a .mcool (README.md:173 at 8fca06f)
    "hic_weight": "weight",  # the bins' balancing weights (cooler balance; KR from hic2cool)
    "hic_gamma": GAMMA,  # the Hi-C's own power law (--hic_gamma)
    "hic_scale": None,  # -4.80 + 11.63 * hic_gamma
    "tss_hic_contribution": 100,
    "hic_pseudocount_distance": 1_000_000,
    "scale_hic_using_powerlaw": True,  # README.md:174 at 8fca06f
}
ELEMENT_COLUMNS = ["chrom", "start", "end", "accessibility", "h3k27ac", "activity", "promoter"]


def check_params(params: dict | None) -> dict:
    """ABC's settings with ``params`` (``model_params.abc``) over :data:`DEFAULTS`; an unknown
    key or a bad value is an error naming it."""
    params = dict(params or {})
    params.pop("preset", None)
    unknown = sorted(set(params) - set(DEFAULTS))
    if unknown:
        raise EpipairError(
            f"config model_params.abc: unknown key(s) {', '.join(unknown)}; "
            f"known: {', '.join(DEFAULTS)}"
        )
    out = {**DEFAULTS, **params}

    def integer(v):
        return isinstance(v, int) and not isinstance(v, bool)

    for key in ("n_strongest", "window", "hic_resolution", "hic_pseudocount_distance"):
        if not (integer(out[key]) and out[key] >= 1):
            raise EpipairError(f"config model_params.abc.{key}: must be an integer >= 1")
    for key in ("peak_extend", "promoter_extend", "min_distance"):
        if not (integer(out[key]) and out[key] >= 0):
            raise EpipairError(f"config model_params.abc.{key}: must be an integer >= 0")
    for key in ("gamma", "threshold", "hic_gamma", "tss_hic_contribution"):
        if not (isinstance(out[key], (int, float)) and not isinstance(out[key], bool)):
            raise EpipairError(f"config model_params.abc.{key}: must be a number > 0")
        if out[key] <= 0:
            raise EpipairError(f"config model_params.abc.{key}: must be a number > 0")
    for key in ("scale", "hic_scale"):
        if out[key] is not None and not (
            isinstance(out[key], (int, float)) and not isinstance(out[key], bool)
        ):
            raise EpipairError(f"config model_params.abc.{key}: must be a number (or null)")
    if not (isinstance(out["hic_weight"], str) and out["hic_weight"]):
        raise EpipairError("config model_params.abc.hic_weight: must be a column name")
    if not isinstance(out["scale_hic_using_powerlaw"], bool):
        raise EpipairError(
            "config model_params.abc.scale_hic_using_powerlaw: must be true or false"
        )
    if out["self_promoter"] not in ("computed", "one"):
        raise EpipairError("config model_params.abc.self_promoter: must be computed or one")
    return out


# --- candidate elements --------------------------------------------------------------------


def read_peaks(path, sizes: dict[str, int]) -> pd.DataFrame:
    """Peaks (narrowPeak/broadPeak, BED6+: chrom, start, end, ..., signalValue in column 7,
    narrowPeak's summit offset in column 10) -> ``chrom, start, end, signal, summit``; a peak
    without a summit (-1, or broadPeak) gets its centre."""
    path = Path(path)
    need = "a peak line needs at least 7 tab-separated columns (BED6 + signalValue)"
    rows = []
    for lineno, parts in data_lines(path, 7, need):
        try:
            s, e, v = int(parts[1]), int(parts[2]), float(parts[6])
            off = int(parts[9]) if len(parts) >= 10 else -1
        except ValueError:
            raise EpipairError(
                f"{path}:{lineno}: start, end, signalValue or summit is not a number"
            ) from None
        if e <= s or s < 0:
            raise EpipairError(f"{path}:{lineno}: peak end ({e}) is not after start ({s})")
        summit = s + off if 0 <= off < e - s else (s + e) // 2
        rows.append((parts[0].strip(), s, e, v, summit))
    if not rows:
        raise EpipairError(f"{path}: no peaks")
    df = pd.DataFrame(rows, columns=["chrom", "start", "end", "signal", "summit"])
    df, _ = on_genome(df, sizes, path, "peak")
    return df.reset_index(drop=True)


def merge_intervals(df: pd.DataFrame) -> pd.DataFrame:
    """Overlapping or touching intervals (``chrom, start, end``) merged, as ``bedtools merge``
    does; the result is sorted and disjoint."""
    out = []
    for chrom, sub in df.groupby("chrom", sort=True):
        order = np.lexsort((sub["end"].to_numpy(), sub["start"].to_numpy()))
        s = sub["start"].to_numpy(np.int64)[order]
        e = sub["end"].to_numpy(np.int64)[order]
        new = np.ones(s.size, dtype=bool)
        new[1:] = s[1:] > np.maximum.accumulate(e)[:-1]
        group = np.cumsum(new) - 1
        ends = np.zeros(int(group[-1]) + 1, dtype=np.int64)
        np.maximum.at(ends, group, e)
        out.append(pd.DataFrame({"chrom": chrom, "start": s[new], "end": ends}))
    if not out:
        return pd.DataFrame({"chrom": [], "start": [], "end": []})
    return pd.concat(out, ignore_index=True)


def strongest_peaks(peaks: pd.DataFrame, n: int) -> pd.DataFrame:
    """The peaks of the ``n`` strongest merged peaks (overlapping peaks merged keeping their
    strongest signal, ``src/peaks.py:31-32``), every peak inside them kept."""
    rows = []
    for chrom, sub in peaks.groupby("chrom", sort=True):
        order = np.lexsort((sub["end"].to_numpy(), sub["start"].to_numpy()))
        sub = sub.iloc[order]
        s, e = sub["start"].to_numpy(np.int64), sub["end"].to_numpy(np.int64)
        new = np.ones(s.size, dtype=bool)
        new[1:] = s[1:] > np.maximum.accumulate(e)[:-1]
        rows.append(sub.assign(_cluster=np.cumsum(new) - 1, _chrom=chrom))
    df = pd.concat(rows, ignore_index=True)
    key = ["_chrom", "_cluster"]
    strength = df.groupby(key)["signal"].max().sort_values(ascending=False, kind="stable")
    keep = strength.index[:n]
    kept = df.set_index(key).index.isin(keep)
    return df.loc[kept, list(peaks.columns)].reset_index(drop=True)


def candidate_elements(
    peaks: pd.DataFrame, genes: pd.DataFrame, sizes: dict[str, int], params: dict
) -> pd.DataFrame:
    """ABC's candidate elements: summits of the strongest peaks +-``peak_extend``, merged, and
    every gene TSS +-``promoter_extend``, merged again; clipped to the chromosomes."""
    top = strongest_peaks(peaks, params["n_strongest"])
    ext, pext = params["peak_extend"], params["promoter_extend"]
    summits = pd.DataFrame(
        {"chrom": top["chrom"], "start": top["summit"] - ext, "end": top["summit"] + ext}
    )
    proms = pd.DataFrame(
        {"chrom": genes["chrom"], "start": genes["tss"] - pext, "end": genes["tss"] + pext}
    )
    both = pd.concat([merge_intervals(summits), proms], ignore_index=True)
    limit = both["chrom"].map(sizes).to_numpy(np.int64)
    both["start"] = np.clip(both["start"].to_numpy(np.int64), 0, limit)
    both["end"] = np.clip(both["end"].to_numpy(np.int64), 0, limit)
    both = both[both["end"] > both["start"]]
    out = merge_intervals(both)
    log.info(
        "candidate elements: %d peaks kept of %d (the %d strongest merged peaks), %d gene "
        "TSSs: %d elements",
        len(top),
        len(peaks),
        params["n_strongest"],
        len(genes),
        len(out),
    )
    return out


def promoter_flags(elements: pd.DataFrame, genes: pd.DataFrame, slop: int = TSS_SLOP):
    """Whether each element overlaps a TSS +-``slop`` (ABC's ``promoter`` class)."""
    flags = np.zeros(len(elements), dtype=bool)
    for chrom, idx in elements.groupby("chrom", sort=False).indices.items():
        tss = np.sort(genes.loc[genes["chrom"] == chrom, "tss"].to_numpy(np.int64))
        s = elements["start"].to_numpy(np.int64)[idx]
        e = elements["end"].to_numpy(np.int64)[idx]
        # a TSS t with s - slop < t < e + slop (ABC's half-open join with [t - 500, t + 500))
        lo = np.searchsorted(tss, s - slop, side="right")
        hi = np.searchsorted(tss, e + slop, side="left")
        flags[idx] = hi > lo
    return flags


def build_elements(
    *,
    peaks_path,
    genes_path,
    chrom_sizes_path,
    tracks,
    params: dict,
    out_elements,
    out_tss,
    hic_path=None,
    out_contact=None,
) -> pd.DataFrame:
    """Candidate elements and their activity for one cell line (rule ``abc_elements``).

    ``tracks``: ``[(role, path, kind)]`` with role ``accessibility`` and, when the cell line has
    it, ``h3k27ac``. Writes the element table (:data:`ELEMENT_COLUMNS`), the genes' TSSs and,
    to ``out_contact``, the Hi-C rows of the TSSs (``hic_path``, a ``.cool``/``.mcool``; none:
    a file that says so, and the power law scores).
    """
    from ..io.genome import read_chrom_sizes
    from ..io.tables import write_tsv
    from ..io.tracks import TrackSet

    params = check_params(params)
    sizes = read_chrom_sizes(chrom_sizes_path)
    genes = read_genes(genes_path, sizes)
    elements = candidate_elements(read_peaks(peaks_path, sizes), genes, sizes, params)
    roles = [role for role, _, _ in tracks]
    coords = [elements[c].to_numpy() for c in ("chrom", "start", "end")]
    sums = np.zeros((len(elements), len(tracks)))
    signal = [i for i, (_, _, kind) in enumerate(tracks) if kind != "bam"]
    if signal:
        with TrackSet([tracks[i] for i in signal], list(sizes), sizes) as ts:
            sums[:, signal] = ts.interval_sums(*coords)
    for i, (role, path, kind) in enumerate(tracks):
        if kind == "bam":
            sums[:, i] = bam_rpm(path, *coords, role=role)
    bad = ~(sums >= 0)
    if bad.any():  # log-ratio bigWigs: a negative sum would make the geometric mean NaN
        log.warning("%d element signal sum(s) negative or missing: counted as 0", int(bad.sum()))
        sums = np.where(bad, 0.0, sums)
    acc = sums[:, roles.index("accessibility")]
    elements["accessibility"] = np.round(acc, 6)
    if "h3k27ac" in roles:
        k27 = sums[:, roles.index("h3k27ac")]
        elements["h3k27ac"] = np.round(k27, 6)
        elements["activity"] = np.round(np.sqrt(acc * k27), 6)
    else:
        log.warning("no H3K27ac track: activity is the accessibility alone (ABC's fallback)")
        elements["h3k27ac"] = np.nan
        elements["activity"] = elements["accessibility"]
    elements["promoter"] = promoter_flags(elements, genes).astype(int)
    log.info(
        "%d elements, %d promoters; activity > 0 in %d",
        len(elements),
        int(elements["promoter"].sum()),
        int((elements["activity"] > 0).sum()),
    )
    if out_contact is not None:
        write_contact(out_contact, tss_rows(hic_path, genes, params) if hic_path else None)
    write_tsv(elements[ELEMENT_COLUMNS], out_elements)
    write_tsv(genes, out_tss)
    return elements


def bam_rpm(path, chroms, starts, ends, role: str = "bam") -> np.ndarray:
    """Reads per million overlapping each interval, as ABC counts them: ``pysam``'s
    ``AlignmentFile.count`` per element over the mapped reads of every contig from the index
    (current release ``workflow/scripts/neighborhoods.py:433-446, 579, 662-672`` at 36e212e9;
    v0.2.2 counts with ``bedtools coverage -counts``, the same reads). ABC doubles chrX/chrY
    counts in the current release (``neighborhoods.py:422-430``); epipair does not."""
    import pysam

    from ..io.tracks import track_chrom_names

    path = Path(path)
    try:
        bam = pysam.AlignmentFile(str(path), "rb")
        total = sum(s.mapped for s in bam.get_index_statistics())
    except (OSError, ValueError) as exc:
        raise EpipairError(f"{path}: not an indexed BAM file ({exc})") from None
    if total == 0:
        raise EpipairError(f"{path}: no mapped reads")
    names = track_chrom_names(set(bam.references), sorted(set(chroms.tolist())), role, path)
    out = np.zeros(len(starts))
    with bam:
        for i, (c, s, e) in enumerate(zip(chroms, starts, ends)):
            if names.get(c) is not None:
                out[i] = bam.count(names[c], int(s), int(e))
    log.info("%s: %d mapped reads; %d element(s) with reads", path, total, int((out > 0).sum()))
    return 1e6 * out / total


# --- scoring -------------------------------------------------------------------------------


class AbcModel:
    """ABC scores of pairs from one cell line's candidate elements and gene TSSs. Trains
    nothing: :meth:`load` reads the tables of ``build_elements``."""

    def __init__(self, params: dict | None = None):
        self.params = check_params(params)
        self.elements: dict[str, tuple] = {}
        self.tss: dict[str, np.ndarray] = {}
        self.hic: dict | None = None

    def load(self, elements_path, tss_path, contact_path=None) -> AbcModel:
        """The tables of ``build_elements``; ``contact_path``: its Hi-C rows (``.npz``; when it
        holds no Hi-C, or ``contact_path`` is None, contact is the power law)."""
        self.hic = read_contact(contact_path) if contact_path else None
        elements = pd.read_csv(elements_path, sep="\t", dtype={"chrom": str})
        missing = [c for c in ELEMENT_COLUMNS if c not in elements.columns]
        if missing:
            raise EpipairError(f"{elements_path}: not an ABC element table (no {missing})")
        for chrom, sub in elements.groupby("chrom", sort=False):
            sub = sub.sort_values("start", kind="stable")
            self.elements[chrom] = (
                sub["start"].to_numpy(np.int64),
                sub["end"].to_numpy(np.int64),
                sub["activity"].to_numpy(np.float64),
                sub["promoter"].to_numpy(bool),
            )
        tss = pd.read_csv(tss_path, sep="\t", dtype={"chrom": str})
        self.tss = {c: np.sort(s["tss"].to_numpy(np.int64)) for c, s in tss.groupby("chrom")}
        return self

    def gene_tss(self, chrom: str, prom_start: np.ndarray, prom_end: np.ndarray) -> np.ndarray:
        """The TSS inside each promoter interval nearest its centre (else the centre)."""
        centre = (prom_start + prom_end) // 2
        tss = self.tss.get(chrom, np.zeros(0, dtype=np.int64))
        if tss.size == 0:
            return centre
        i = np.searchsorted(tss, centre)
        left = tss[np.clip(i - 1, 0, tss.size - 1)]
        right = tss[np.clip(i, 0, tss.size - 1)]
        near = np.where(np.abs(centre - left) <= np.abs(right - centre), left, right)
        inside = (near >= prom_start) & (near < np.maximum(prom_end, prom_start + 1))
        return np.where(inside, near, centre)

    def contact(self, chrom: str, mids, tss) -> np.ndarray:
        """Contact of elements (midpoints ``mids``) with TSSs ``tss``: Hi-C as ABC processes
        it (``epipair.io.hic.hic_contact``) when the cell line has it, else the power law of the
        distance."""
        p = self.params
        if self.hic is not None:
            return hic_contact(self.hic, chrom, mids, tss, p)
        distance = np.abs(np.asarray(mids, dtype=np.float64) - tss)
        return powerlaw_contact(distance, p["gamma"], p["scale"], p["min_distance"])

    def denominators(self, chrom: str, tss: np.ndarray) -> np.ndarray:
        """``sum(A x C)`` over the elements whose midpoints lie within ``window`` of each TSS."""
        out = np.zeros(tss.size)
        if chrom not in self.elements:
            return out
        starts, ends, act, _ = self.elements[chrom]
        mids = (starts + ends) / 2.0
        window = self.params["window"]
        uniq, inv = np.unique(tss, return_inverse=True)
        lo = np.searchsorted(mids, uniq - window, side="right")
        hi = np.searchsorted(mids, uniq + window, side="left")
        den = np.empty(uniq.size)
        for k, t in enumerate(uniq):
            den[k] = float(np.sum(act[lo[k] : hi[k]] * self.contact(chrom, mids[lo[k] : hi[k]], t)))
        return den[inv]

    def score_chrom(self, chrom, enh_start, enh_end, tss) -> np.ndarray:
        """Pairs on one chromosome: the sum of the ABC scores of the elements each enhancer
        interval overlaps (0 where a gene's denominator is 0; ABC gives NaN there)."""
        enh_start, enh_end = np.asarray(enh_start, np.int64), np.asarray(enh_end, np.int64)
        tss = np.asarray(tss, np.int64)
        out = np.zeros(tss.size)
        if chrom not in self.elements or tss.size == 0:
            return out
        starts, ends, act, prom = self.elements[chrom]
        den = self.denominators(chrom, tss)
        lo = np.searchsorted(ends, enh_start, side="right")  # first element ending after start
        hi = np.searchsorted(starts, enh_end, side="left")  # elements starting before the end
        n_max = int(np.max(hi - lo, initial=0))
        window, one = self.params["window"], self.params["self_promoter"] == "one"
        for j in range(n_max):
            k = lo + j
            ok = k < hi
            kk = np.where(ok, k, 0)
            mid = (starts[kk] + ends[kk]) / 2.0
            d = np.abs(mid - tss)
            num = act[kk] * self.contact(chrom, mid, tss)
            share = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
            if one:
                own = prom[kk] & (starts[kk] - TSS_SLOP < tss) & (ends[kk] + TSS_SLOP > tss)
                share = np.where(own, 1.0, share)
            out += np.where(ok & (d < window), share, 0.0)
        return out

    def score_pairs(self, pairs: pd.DataFrame) -> np.ndarray:
        """Scores of a table with the canonical coordinate columns (``pairs.COORD_FIELDS``); a
        pair between chromosomes scores 0."""
        out = np.zeros(len(pairs))
        chrom_e = pairs["enhancer_chrom"].to_numpy()
        cis = chrom_e == pairs["promoter_chrom"].to_numpy()
        for chrom in sorted(set(chrom_e[cis].tolist())):
            rows = np.flatnonzero(cis & (chrom_e == chrom))
            sub = pairs.iloc[rows]
            tss = self.gene_tss(
                chrom,
                sub["promoter_start"].to_numpy(np.int64),
                sub["promoter_end"].to_numpy(np.int64),
            )
            out[rows] = self.score_chrom(
                chrom, sub["enhancer_start"].to_numpy(), sub["enhancer_end"].to_numpy(), tss
            )
        return out


def abc_estimator(params: dict, seed: int) -> AbcModel:
    """The registry's builder (``epipair.model.baselines.Baseline``)."""
    return AbcModel(params)


def element_files(folder) -> tuple[Path, Path, Path]:
    """A cell line's element and TSS tables and Hi-C rows under its features folder."""
    folder = Path(folder)
    return folder / "abc_elements.tsv", folder / "abc_tss.tsv", folder / "abc_contact.npz"
