"""The embedded demo: a synthetic genome, three cell lines, pairs and tracks.

Everything is drawn from one seed, so the files are identical on every run.

Genome: ``n_chroms`` chromosomes of ``chrom_length`` bp with GC content varying in 50 kb
segments (35-60%), an N run at every chromosome start and one inside, and soft-masked
(lower-case) stretches.

Elements: promoters (1 kb) and enhancers (400-1,000 bp), each of one of four motif *families*.
An enhancer of family f carries copies of motif ``ENHANCER_MOTIFS[f]`` near its centre; a
promoter of family f carries ``PROMOTER_MOTIFS[f]``.

Interaction grammar: an enhancer-promoter pair on one chromosome interacts in a cell line when
both are of the same family (cognate motifs), that family is active in the cell line, and a
distance-decaying coin comes up (``p = p0 * exp(-d / d0)``). The label thus depends on both
sequences together, and on distance. Negatives are distance-matched: drawn from the same
distance quantile bins as the positives among non-interacting candidate pairs.

Cell lines activate different families (:data:`DEMO_CELLS`), so a model transfers only partly
between them. Tracks: bigWig H3K27ac, H3K4me1, H3K4me3 and DNase (higher at elements of active
families) and CTCF peaks in narrowPeak format.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from ..io.atomic import atomic_path, write_text
from ..io.motifs import Motif, planted, write_meme
from ..io.pairs import COORD_FIELDS

log = logging.getLogger(__name__)

ENHANCER_MOTIFS = ("TGACTCAGCATG", "CACGTGACGGTA", "GGAATTCCGAAT", "TTGCGCAACCTA")
PROMOTER_MOTIFS = ("CCAATCGGGCGC", "TATAAAAGGCTC", "GCCGCCATCTTG", "ACTTCCGGTGAC")
DEMO_CELLS = {"CellA": (0, 1, 2), "CellB": (1, 2, 3), "CellC": (0, 2, 3)}
BIGWIG_MARKS = ("H3K27ac", "H3K4me1", "H3K4me3", "DNase")
PEAK_MARK = "CTCF"
RESOLUTION = 50  # bp per bigWig value


def demo_files(outdir, cells=tuple(DEMO_CELLS)) -> dict[str, Path]:
    """Every file :func:`generate` writes, by a short key (``genome``, ``CellA/pairs``...)."""
    outdir = Path(outdir)
    files = {
        "genome": outdir / "genome.fa",
        "chrom_sizes": outdir / "genome.chrom.sizes",
        "elements": outdir / "elements.tsv",
        "to_score": outdir / "to_score.bedpe",
        "benchmark": outdir / "benchmark.bengi.tsv",
        "genes_bengi": outdir / "genes_benchmark.bengi.tsv",
        "crispri": outdir / "crispri.txt",
        "enhancers": outdir / "enhancers.bed",
        "tss": outdir / "tss.bed",
        "motifs": outdir / "motifs.meme",
    }
    for cell in cells:
        files[f"{cell}/pairs"] = outdir / cell / "pairs.csv"
        for mark in BIGWIG_MARKS:
            files[f"{cell}/{mark}"] = outdir / cell / "tracks" / f"{mark}.bw"
        files[f"{cell}/{PEAK_MARK}"] = outdir / cell / "tracks" / f"{PEAK_MARK}.narrowPeak"
        files[f"{cell}/elements"] = outdir / cell / "DNase.narrowPeak"
    return files


def _to_score(pairs: pd.DataFrame) -> str:
    """Unlabelled BEDPE of the chr1 pairs of a cell line: an example for config 'predict'."""
    sub = pairs[pairs["enhancer_chrom"] == "chr1"]
    lines = [
        "\t".join(map(str, r)) + f"\tquery{i}"
        for i, r in enumerate(sub[COORD_FIELDS].itertuples(index=False))
    ]
    return "\n".join(lines) + "\n"


def _element_beds(elements: pd.DataFrame) -> tuple[str, str]:
    """Every enhancer (BED4) and every promoter's TSS (BED6, 1 bp at the promoter centre, named
    as in the benchmark): the inputs of a genome-wide ``candidates`` run."""
    enh = elements[elements["kind"] == "enhancer"].reset_index(drop=True)
    prom = elements[elements["kind"] == "promoter"].reset_index(drop=True)
    enh_bed = "".join(
        f"{r.chrom}\t{r.start}\t{r.end}\tEHdemo{i:05d}\n" for i, r in enumerate(enh.itertuples())
    )
    tss = (prom["start"] + prom["end"]) // 2
    tss_bed = "".join(
        f"{r.chrom}\t{t}\t{t + 1}\tGENE{i:04d}\t0\t+\n"
        for i, (r, t) in enumerate(zip(prom.itertuples(), tss))
    )
    return enh_bed, tss_bed


# The interaction grammar's coin (p = p0 * exp(-d / d0)) and the candidate distance range
GRAMMAR = {"p0": 0.6, "d0": 40_000, "dmin": 5_000, "dmax": 150_000}


def _candidates(elements, dmin, dmax) -> pd.DataFrame:
    """Every same-chromosome enhancer-promoter pair whose centres lie ``dmin..dmax`` apart,
    with the enhancer centre (``centre_e``), promoter centre (``tss``) and ``distance``."""
    enh = elements[elements["kind"] == "enhancer"].reset_index(drop=True)
    prom = elements[elements["kind"] == "promoter"].reset_index(drop=True)
    cand = enh.reset_index().merge(prom.reset_index(), on="chrom", suffixes=("_e", "_p"))
    cand["centre_e"] = (cand["start_e"] + cand["end_e"]) // 2
    cand["tss"] = (cand["start_p"] + cand["end_p"]) // 2
    cand["distance"] = (cand["centre_e"] - cand["tss"]).abs()
    return cand[(cand["distance"] >= dmin) & (cand["distance"] <= dmax)].reset_index(drop=True)


def _interacts(rng, cand, active, p0, d0):
    """``(cognate, label)``: same active family, and the distance-decaying coin on top."""
    cognate = (cand["family_e"] == cand["family_p"]) & cand["family_e"].isin(active)
    coin = rng.random(len(cand)) < p0 * np.exp(-cand["distance"] / d0)
    return cognate, cognate & coin


def _benchmark(rng, elements, active, cell, p0, d0, dmin, dmax) -> str:
    """A BENGI-format benchmark of ``cell``: every same-chromosome candidate pair within
    ``[dmin, dmax]`` at its natural ratio of positives, labelled by a fresh draw of the
    interaction grammar (so another labelling than the training pairs'). Every third gene
    gets a second transcript 100 bp downstream, as BENGI lists one row per transcript."""
    cand = _candidates(elements, dmin, dmax)
    _, label = _interacts(rng, cand, active, p0, d0)
    lines = []
    for r, lab, c_e, t in zip(cand.itertuples(), label, cand["centre_e"], cand["tss"]):
        gene = f"GENE{r.index_p:04d}"
        enh_id = f"{r.chrom}:{r.start_e}-{r.end_e}|{cell}|EHdemo{r.index_e:05d}"
        for k, pos in enumerate([t, t + 100] if r.index_p % 3 == 0 else [t]):
            tss_id = f"{r.chrom}:{pos}-{pos + 1}|{cell}|{gene}|{gene}.T{k + 1}|+"
            lines.append(
                f"{int(lab)}\t{float(abs(c_e - pos))}\t{r.chrom}\t{r.start_e}\t{r.end_e}\t"
                f"{enh_id}\t{r.chrom}\t{pos - 1000}\t{pos + 1000}\t{tss_id}"
            )
    return "\n".join(lines) + "\n"


def _genome(rng, n_chroms, length):
    chroms = {}
    n_mask = {}
    seg = 50_000
    bases = np.frombuffer(b"ACGT", dtype=np.uint8)
    for i in range(n_chroms):
        name = f"chr{i + 1}"
        gc = rng.uniform(0.35, 0.60, size=-(-length // seg)).repeat(seg)[:length]
        u = rng.random(length)
        # P(A)=P(T)=(1-gc)/2, P(C)=P(G)=gc/2, drawn in order A, C, G, T
        idx = (
            (u >= (1 - gc) / 2).astype(np.int8)
            + (u >= 0.5).astype(np.int8)
            + (u >= 0.5 + gc / 2).astype(np.int8)
        )
        seq = bases[idx].copy()
        blocked = np.zeros(length, dtype=bool)
        seq[:10_000] = ord("N")
        blocked[:10_000] = True
        n_start = int(rng.integers(length // 3, 2 * length // 3))
        n_len = int(rng.integers(5_000, 20_000))
        seq[n_start : n_start + n_len] = ord("N")
        blocked[max(0, n_start - 3_000) : n_start + n_len + 3_000] = True
        for start in rng.choice(length // 1000, size=length // 1000 // 20, replace=False):
            a = int(start) * 1000
            seq[a : a + 1000] = np.where(
                seq[a : a + 1000] == ord("N"), ord("N"), seq[a : a + 1000] | 0x20
            )
        chroms[name] = seq
        n_mask[name] = blocked
    return chroms, n_mask


def _place(rng, blocked, n, lo_len, hi_len, margin):
    """Non-overlapping elements away from N runs (and at least ``margin`` bp apart)."""
    length = blocked.size
    taken = blocked.copy()
    out = []
    tries = 0
    while len(out) < n and tries < 50 * n:
        tries += 1
        size = int(rng.integers(lo_len, hi_len + 1))
        start = int(rng.integers(2_000, length - size - 2_000))
        if taken[max(0, start - margin) : start + size + margin].any():
            continue
        taken[start : start + size] = True
        out.append((start, start + size))
    return sorted(out)


# the share of planted copies with one position redrawn (any base, the same one possible)
MUTATION_RATE = 0.2


def planted_motifs():
    """The planted motifs as :class:`epipair.io.motifs.Motif`: ids ``enhancer_<family>`` and
    ``promoter_<family>``, base probabilities as :func:`_implant` draws them."""
    return [
        Motif(f"{kind}_{f}", planted(seq, MUTATION_RATE), seq)
        for kind, seqs in (("enhancer", ENHANCER_MOTIFS), ("promoter", PROMOTER_MOTIFS))
        for f, seq in enumerate(seqs)
    ]


def _implant(rng, seq, centre, motif, copies, spread):
    motif_b = np.frombuffer(motif.encode(), dtype=np.uint8).copy()
    for _ in range(copies):
        m = motif_b.copy()
        if rng.random() < MUTATION_RATE:
            m[rng.integers(0, m.size)] = np.frombuffer(b"ACGT", np.uint8)[rng.integers(0, 4)]
        pos = centre + int(rng.integers(-spread, spread - m.size))
        seq[pos : pos + m.size] = m


def _elements(rng, chroms, blocked, n_prom, n_enh):
    rows = []
    for name, seq in chroms.items():
        taken = blocked[name].copy()
        proms = _place(rng, taken, n_prom, 1000, 1000, 2_000)
        for s, e in proms:
            taken[s - 2_000 : e + 2_000] = True
        enhs = _place(rng, taken, n_enh, 400, 1000, 1_000)
        for kind, elems, motifs in (
            ("promoter", proms, PROMOTER_MOTIFS),
            ("enhancer", enhs, ENHANCER_MOTIFS),
        ):
            fams = rng.integers(0, len(motifs), size=len(elems))
            for (s, e), f in zip(elems, fams):
                centre = (s + e) // 2
                _implant(rng, seq, centre, motifs[f], copies=6, spread=min(150, (e - s) // 2))
                rows.append((name, s, e, kind, int(f)))
    df = pd.DataFrame(rows, columns=["chrom", "start", "end", "kind", "family"])
    return df.sort_values(["chrom", "start"], kind="stable").reset_index(drop=True)


def _pairs(rng, elements, active, neg_per_pos, p0, d0, dmin, dmax):
    cand = _candidates(elements, dmin, dmax)
    cognate, label = _interacts(rng, cand, active, p0, d0)
    cand["label"] = label.astype(int)
    pos = cand[cand["label"] == 1]
    # distance-matched negatives: same quantile bins as the positives, not interacting
    neg_pool = cand[~cognate]
    edges = np.unique(np.quantile(pos["distance"], np.linspace(0, 1, 6)))
    edges[0], edges[-1] = dmin, dmax + 1
    pos_bin = np.clip(np.searchsorted(edges, pos["distance"], side="right") - 1, 0, len(edges) - 2)
    neg_bin = np.clip(
        np.searchsorted(edges, neg_pool["distance"], side="right") - 1, 0, len(edges) - 2
    )
    chosen = []
    for b in range(len(edges) - 1):
        want = int((pos_bin == b).sum()) * neg_per_pos
        pool = np.flatnonzero(neg_bin == b)
        if want and pool.size:
            chosen.append(
                neg_pool.index[rng.choice(pool, size=min(want, pool.size), replace=False)]
            )
    neg = cand.loc[np.concatenate(chosen)] if chosen else cand.iloc[:0]
    pairs = pd.concat([pos, neg]).sort_values(["chrom", "start_e", "start_p"], kind="stable")
    out = pd.DataFrame(
        {
            "enhancer_chrom": pairs["chrom"],
            "enhancer_start": pairs["start_e"],
            "enhancer_end": pairs["end_e"],
            "enhancer_name": [
                f"enh|{c}:{s}-{e}"
                for c, s, e in zip(pairs["chrom"], pairs["start_e"], pairs["end_e"])
            ],
            "promoter_chrom": pairs["chrom"],
            "promoter_start": pairs["start_p"],
            "promoter_end": pairs["end_p"],
            "promoter_name": [
                f"prom|{c}:{s}-{e}"
                for c, s, e in zip(pairs["chrom"], pairs["start_p"], pairs["end_p"])
            ],
            "enhancer_distance_to_promoter": pairs["distance"],
            "label": pairs["label"],
        }
    )
    return out.reset_index(drop=True)


def _bump(length, width):
    x = np.arange(length) - (length - 1) / 2
    return np.exp(-0.5 * (x / width) ** 2)


def _write_bigwig(path, sizes, values_by_chrom):
    import pyBigWig

    with atomic_path(path, suffix=".bw") as tmp:
        bw = pyBigWig.open(str(tmp), "w")
        bw.addHeader(list(sizes.items()), maxZooms=0)
        for chrom, vals in values_by_chrom.items():
            bw.addEntries(
                chrom, 0, values=vals.astype(np.float64).tolist(), span=RESOLUTION, step=RESOLUTION
            )
        bw.close()


def _tracks(rng, sizes, elements, active, outdir):
    n_bins = {c: sizes[c] // RESOLUTION for c in sizes}
    levels = {  # (active enhancer, active promoter, inactive enhancer, inactive promoter, width)
        "H3K27ac": (6.0, 6.0, 0.6, 0.6, 12),
        "H3K4me1": (5.0, 1.0, 1.5, 0.3, 16),
        "H3K4me3": (0.8, 8.0, 0.1, 1.0, 10),
        "DNase": (4.0, 5.0, 0.3, 0.3, 4),
    }
    amps = {}  # mark -> each element's amplitude (the demo's true activity)
    for mark, (ae, ap, ie, ip, width) in levels.items():
        per_chrom = {}
        amps[mark] = np.zeros(len(elements))
        for chrom in sizes:
            sig = rng.gamma(1.0, 0.2, size=n_bins[chrom])
            el = elements[elements["chrom"] == chrom]
            for i, s, e, kind, fam in zip(
                el.index, el["start"], el["end"], el["kind"], el["family"]
            ):
                on = fam in active
                amp = (ae if on else ie) if kind == "enhancer" else (ap if on else ip)
                amp *= rng.uniform(0.6, 1.4)
                amps[mark][i] = amp
                c = ((s + e) // 2) // RESOLUTION
                lo, hi = max(0, c - 3 * width), min(n_bins[chrom], c + 3 * width + 1)
                sig[lo:hi] += amp * _bump(hi - lo, width)
            per_chrom[chrom] = np.round(sig, 3)
        _write_bigwig(outdir / "tracks" / f"{mark}.bw", sizes, per_chrom)
    # CTCF peaks: some at active promoters, the rest scattered
    rows = []
    for chrom, size in sizes.items():
        el = elements[(elements["chrom"] == chrom) & (elements["kind"] == "promoter")]
        centres = [
            ((s + e) // 2) for s, e, f in zip(el["start"], el["end"], el["family"]) if f in active
        ]
        centres = centres[::2] + list(rng.integers(10_000, size - 1_000, size=40))
        for c in sorted(centres):
            half = int(rng.integers(100, 300))
            rows.append(
                f"{chrom}\t{c - half}\t{c + half}\t.\t0\t.\t"
                f"{rng.uniform(5, 50):.3f}\t-1\t-1\t{half}"
            )
    write_text("\n".join(rows) + "\n", outdir / "tracks" / f"{PEAK_MARK}.narrowPeak")
    _dnase_peaks(elements, amps["DNase"], outdir / "DNase.narrowPeak")
    return amps


def _dnase_peaks(elements, dnase, path) -> None:
    """DNase peaks (narrowPeak, summit at the element centre) at every element whose DNase
    bump stands out (amplitude above 1: the active elements), signalValue = the amplitude:
    the candidate elements of the Activity-by-Contact model."""
    rows = []
    for r, amp in zip(elements.itertuples(), dnase):
        if amp > 1.0:
            c = (r.start + r.end) // 2
            rows.append(f"{r.chrom}\t{c - 150}\t{c + 150}\t.\t0\t.\t{amp:.3f}\t-1\t-1\t150")
    write_text("\n".join(rows) + "\n", path)


# The enhancer-gene truth of the demo's gene benchmarks: an active enhancer regulates one of the
# genes near it, drawn in proportion to promoter activity x contact (a power law in distance),
# and an enhancer regulates at all with probability a^2 / (a^2 + ACTIVITY_HALF^2) of its
# activity a (0.86 for a typical active enhancer, 0.04 for an inactive one).
ACTIVITY_HALF = 2.0


def _gene_truth(rng, elements, amps, dmin, dmax) -> pd.DataFrame:
    """Candidate pairs within ``[dmin, dmax]`` with ``label`` drawn from activity x contact
    with competition between each enhancer's genes (every other file keeps its draws)."""
    cand = _candidates(elements, dmin, dmax)
    activity = np.sqrt(amps["DNase"] * amps["H3K27ac"])
    enh = np.flatnonzero(elements["kind"] == "enhancer")  # index_e, index_p: positions in these
    prom = np.flatnonzero(elements["kind"] == "promoter")
    cand["a_e"] = activity[enh[cand["index_e"].to_numpy()]]
    p_g = activity[prom[cand["index_p"].to_numpy()]]
    cand["w"] = p_g / np.maximum(cand["distance"].to_numpy(float), 5000.0)
    label = np.zeros(len(cand), dtype=int)
    for _, rows in cand.groupby("index_e").indices.items():
        a = cand["a_e"].iloc[rows[0]]
        if rng.random() < a**2 / (a**2 + ACTIVITY_HALF**2):
            w = cand["w"].to_numpy()[rows]
            label[rows[rng.choice(rows.size, p=w / w.sum())]] = 1
    cand["label"] = label
    cand["enhancer_id"] = [f"EHdemo{i:05d}" for i in cand["index_e"]]
    cand["gene"] = [f"GENE{i:04d}" for i in cand["index_p"]]
    return cand


def _genes_bengi(truth, cell) -> str:
    """The gene truth in BENGI's format (one row per pair; the promoter 2 kb around the TSS)."""
    lines = [
        f"{r.label}\t{float(r.distance)}\t{r.chrom}\t{r.start_e}\t{r.end_e}\t"
        f"{r.chrom}:{r.start_e}-{r.end_e}|{cell}|{r.enhancer_id}\t{r.chrom}\t{r.tss - 1000}\t"
        f"{r.tss + 1000}\t{r.chrom}:{r.tss}-{r.tss + 1}|{cell}|{r.gene}|{r.gene}.T1|+"
        for r in truth.itertuples()
    ]
    return "\n".join(lines) + "\n"


def _crispri(rng, truth, cell, max_distance=100_000) -> str:
    """The gene truth within ``max_distance`` in the layout of ABC's combined CRISPRi table,
    quirks included: a leading unnamed index column, NA in unused columns, a few rows with
    IncludeInModel FALSE (whose label would otherwise count), TRUE/FALSE labels."""
    sub = truth[truth["distance"] <= max_distance]
    header = (
        "\tchr\tstart\tend\tTargetGene\tPctChange\tSignificant\tRegulated\tIncludeInModel\t"
        "CellType\tReference\tNotes"
    )
    lines = [header]
    excluded = rng.random(len(sub)) < 0.03
    for i, (r, out) in enumerate(zip(sub.itertuples(), excluded)):
        change = -rng.uniform(0.1, 0.6) if r.label else rng.normal(0, 0.03)
        flag = "TRUE" if r.label else "FALSE"
        lines.append(
            f"{i + 1}\t{r.chrom}\t{r.start_e}\t{r.end_e}\t{r.gene}\t{change:.3f}\t{flag}\t"
            f"{flag}\t{'FALSE' if out else 'TRUE'}\t{cell}\tepipair demo\t"
            f"{'low power' if out else 'NA'}"
        )
    return "\n".join(lines) + "\n"


def generate(
    outdir,
    seed: int = 7,
    chromosomes: int = 6,
    chrom_length: int = 1_000_000,
    promoters_per_chrom: int = 50,
    enhancers_per_chrom: int = 150,
    negatives_per_positive: int = 4,
) -> dict[str, Path]:
    """Write the demo files under ``outdir``; returns :func:`demo_files`."""
    outdir = Path(outdir)
    rng = np.random.default_rng(seed)
    chroms, blocked = _genome(rng, chromosomes, chrom_length)
    elements = _elements(rng, chroms, blocked, promoters_per_chrom, enhancers_per_chrom)
    sizes = {c: s.size for c, s in chroms.items()}
    files = demo_files(outdir)
    with atomic_path(files["genome"], suffix=".fa") as tmp:
        with open(tmp, "wb") as fh:
            for name, seq in chroms.items():
                fh.write(f">{name}\n".encode())
                for i in range(0, seq.size, 60):
                    fh.write(seq[i : i + 60].tobytes() + b"\n")
    write_text("".join(f"{c}\t{s}\n" for c, s in sizes.items()), files["chrom_sizes"])
    with atomic_path(files["elements"]) as tmp:
        elements.to_csv(tmp, sep="\t", index=False)
    enh_bed, tss_bed = _element_beds(elements)
    write_text(enh_bed, files["enhancers"])
    write_text(tss_bed, files["tss"])
    write_meme(files["motifs"], planted_motifs())
    for cell, active in DEMO_CELLS.items():
        cell_rng = np.random.default_rng([seed, sum(map(ord, cell))])
        pairs = _pairs(cell_rng, elements, active, negatives_per_positive, **GRAMMAR)
        with atomic_path(files[f"{cell}/pairs"]) as tmp:
            pairs.to_csv(tmp, index=False)
        if cell == "CellA":
            write_text(_to_score(pairs), files["to_score"])
            bench_rng = np.random.default_rng([seed, 2020])
            text = _benchmark(bench_rng, elements, active, cell, **GRAMMAR)
            write_text(text, files["benchmark"])
        amps = _tracks(cell_rng, sizes, elements, active, outdir / cell)
        if cell == "CellA":
            truth_rng = np.random.default_rng([seed, 2025])
            truth = _gene_truth(truth_rng, elements, amps, GRAMMAR["dmin"], GRAMMAR["dmax"])
            write_text(_genes_bengi(truth, cell), files["genes_bengi"])
            write_text(_crispri(truth_rng, truth, cell), files["crispri"])
        log.info(
            "%s: %d pairs, %d positives, active families %s",
            cell,
            len(pairs),
            int(pairs["label"].sum()),
            active,
        )
    return files
