"""The Activity-by-Contact model against hand-computed fixtures, the genes reader and the
CRISPRi reader on synthetic rows in the layout of ABC's combined table."""

import math

import numpy as np
import pandas as pd
import pytest

from epipair.errors import EpipairError
from epipair.io import hic
from epipair.io.genes import TSS_COLUMNS, read_genes
from epipair.io.pairs import read_pairs
from epipair.model import abc

SIZES = {"chr1": 20_000_000, "chr2": 5_000_000}


def pl(d):
    """ABC's power law written out by hand: gamma 0.87, scale -4.80 + 11.63 * 0.87."""
    gamma = 0.87
    return math.exp(-4.80 + 11.63 * gamma - gamma * math.log(max(d, 5000) + 1))


def test_powerlaw_matches_abc_hic_py():
    assert hic.powerlaw_scale(0.87) == pytest.approx(5.3181)
    d = np.array([0, 4999, 5000, 100_000, 1_000_000])
    assert np.allclose(abc.powerlaw_contact(d), [pl(x) for x in d], rtol=0, atol=1e-12)
    # the values ABC's code gives (read off src/hic.py:185-209 at v0.2.2)
    assert abc.powerlaw_contact([5000, 100_000, 1_000_000]) == pytest.approx(
        [0.1234, 0.00911, 0.00123], rel=2e-3
    )


def write_tables(tmp_path, elements, tss):
    e = pd.DataFrame(elements, columns=["chrom", "start", "end", "activity", "promoter"])
    e["accessibility"], e["h3k27ac"] = e["activity"], e["activity"]
    e[abc.ELEMENT_COLUMNS].to_csv(tmp_path / "e.tsv", sep="\t", index=False)
    pd.DataFrame(tss, columns=TSS_COLUMNS).to_csv(tmp_path / "t.tsv", sep="\t", index=False)
    return tmp_path / "e.tsv", tmp_path / "t.tsv"


def test_abc_reproduces_the_formula_by_hand(tmp_path):
    tss = 6_000_000
    elements = [
        ("chr1", 5_999_750, 6_000_250, 16.0, 1),  # the gene's own promoter: in the denominator
        ("chr1", 6_010_000, 6_010_500, 4.0, 0),  # E1, 10,250 bp
        ("chr1", 6_100_000, 6_100_400, 9.0, 0),  # E2, 100,200 bp
        ("chr1", 5_997_000, 5_997_200, 2.0, 0),  # E3, 2,900 bp: contact clipped at 5 kb
        ("chr1", 10_999_800, 11_000_200, 50.0, 0),  # midpoint exactly 5 Mb away: left out
        ("chr1", 10_999_700, 10_999_800, 3.0, 0),  # midpoint 4,999,750 bp away: counted
        ("chr2", 100, 600, 99.0, 0),  # another chromosome
    ]
    elements.sort(key=lambda r: (r[0], r[1]))
    e_path, t_path = write_tables(
        tmp_path, elements, [("chr1", tss, "G"), ("chr1", 6_500_000, "H")]
    )
    model = abc.AbcModel().load(e_path, t_path)
    den = 16 * pl(0) + 4 * pl(10_250) + 9 * pl(100_200) + 2 * pl(2_900) + 3 * pl(10_999_750 - tss)
    pairs = pd.DataFrame(
        {
            "enhancer_chrom": ["chr1"] * 5 + ["chr2"],
            "enhancer_start": [6_010_100, 6_009_000, 6_050_000, 5_999_800, 6_009_800, 100],
            "enhancer_end": [6_010_200, 6_100_100, 6_050_500, 5_999_900, 6_010_001, 200],
            "promoter_chrom": ["chr1"] * 5 + ["chr1"],
            # a 2-kb BENGI promoter (1.5 kb upstream), whose TSS comes from the TSS table
            "promoter_start": [tss - 1500] * 5 + [tss - 1500],
            "promoter_end": [tss + 500] * 5 + [tss + 500],
        }
    )
    got = model.score_pairs(pairs)
    expect = [
        4 * pl(10_250) / den,  # inside E1
        (4 * pl(10_250) + 9 * pl(100_200)) / den,  # overlaps E1 and E2: their sum
        0.0,  # overlaps no element
        16 * pl(0) / den,  # the gene's own promoter, its computed score (v0.2.2)
        4 * pl(10_250) / den,  # overlapping E1 by 1 bp
        0.0,  # between chromosomes
    ]
    assert np.allclose(got, expect, rtol=0, atol=1e-6)
    assert got[0] == pytest.approx(expect[0], rel=1e-9)
    one = abc.AbcModel({"self_promoter": "one"}).load(e_path, t_path).score_pairs(pairs)
    assert one[3] == 1.0 and np.allclose(one[[0, 1, 2, 4, 5]], got[[0, 1, 2, 4, 5]])
    # without a TSS inside the promoter interval, its centre is the TSS
    far = pairs.iloc[[0]].assign(promoter_start=7_000_000, promoter_end=7_000_001)
    assert model.gene_tss("chr1", np.array([7_000_000]), np.array([7_000_001]))[0] == 7_000_000
    assert model.score_pairs(far)[0] > 0


def test_candidate_elements_from_summits_and_promoters(tmp_path):
    peaks = tmp_path / "dnase.narrowPeak"
    peaks.write_text(
        # chrom start end name score strand signal p q summit-offset
        "chr1\t1000\t1400\t.\t0\t.\t5\t-1\t-1\t100\n"  # summit 1100 -> 850-1350
        "chr1\t1300\t1500\t.\t0\t.\t1\t-1\t-1\t-1\n"  # no summit: centre 1400 -> 1150-1650
        "chr1\t5000\t5200\t.\t0\t.\t0.5\t-1\t-1\t50\n"  # the weakest: dropped with n=2
        "chr1\t9000\t9100\t.\t0\t.\t3\t-1\t-1\t20\n"  # summit 9020 -> 8770-9270
    )
    genes = tmp_path / "genes.bed"
    genes.write_text("#chr\tstart\tend\tname\nchr1\t9200\t9201\tG1\t0\t+\nchr1\t20000\t20000\tG2\n")
    params = abc.check_params({"n_strongest": 2})
    g = read_genes(genes, SIZES)
    assert g["tss"].tolist() == [9200, 20000]
    el = abc.candidate_elements(abc.read_peaks(peaks, SIZES), g, SIZES, params)
    # the two overlapping peaks merge into the strongest cluster (5); 9000 is the second
    assert el.values.tolist() == [
        ["chr1", 850, 1650],
        ["chr1", 8770, 9450],  # summit window merged with G1's TSS +-250 (8950-9450)
        ["chr1", 19750, 20250],
    ]
    # activity: sqrt(accessibility x H3K27ac), each summed over the element
    k27 = tmp_path / "k27.broadPeak"
    k27.write_text("chr1\t800\t900\t.\t0\t.\t2\t-1\t-1\nchr1\t9000\t9100\t.\t0\t.\t4\t-1\t-1\n")
    sizes_path = tmp_path / "sizes"
    sizes_path.write_text("chr1\t20000000\nchr2\t5000000\n")
    tracks = [("accessibility", str(peaks), "peaks"), ("h3k27ac", str(k27), "peaks")]
    table = abc.build_elements(
        peaks_path=peaks,
        genes_path=genes,
        chrom_sizes_path=sizes_path,
        tracks=tracks,
        params={"n_strongest": 2},
        out_elements=tmp_path / "el.tsv",
        out_tss=tmp_path / "tss.tsv",
    )
    # element 850-1650: DNase 5 over 1000-1400 (overlapping 1300-1400 keep the max, 5),
    # 1 over 1400-1500 -> 2100; H3K27ac 2 over 850-900 -> 100
    acc, k = 5 * 400 + 1 * 100, 2 * 50
    assert table["accessibility"].iloc[0] == pytest.approx(acc)
    assert table["activity"].iloc[0] == pytest.approx(math.sqrt(acc * k), abs=1e-6)
    assert table["promoter"].tolist() == [0, 1, 1]
    assert table["activity"].iloc[2] == 0.0  # G2's promoter: no signal
    # DNase only: activity is the accessibility (ABC's fallback)
    only = abc.build_elements(
        peaks_path=peaks,
        genes_path=genes,
        chrom_sizes_path=sizes_path,
        tracks=tracks[:1],
        params={"n_strongest": 2},
        out_elements=tmp_path / "el2.tsv",
        out_tss=tmp_path / "tss2.tsv",
    )
    assert only["activity"].iloc[0] == pytest.approx(acc)


def test_genes_reader_errors_name_file_and_line(tmp_path):
    bad = tmp_path / "g.bed"
    bad.write_text("chr1\t100\t101\tA\nchr1\tten\t11\tB\n")
    with pytest.raises(EpipairError, match=r"g.bed:2: field 'start' not an integer: 'ten'"):
        read_genes(bad, SIZES)
    bad.write_text("chr1\t100\t101\tA\nchr1\t100\n")
    with pytest.raises(EpipairError, match=r"g.bed:2: a genes BED line needs at least 4"):
        read_genes(bad, SIZES)
    bad.write_text("chr1\t100\t90\tA\n")
    with pytest.raises(EpipairError, match=r"g.bed:1: field 'end' \(90\) is before 'start'"):
        read_genes(bad, SIZES)
    with pytest.raises(EpipairError, match="unknown key"):
        abc.check_params({"gama": 1})


CRISPRI_HEADER = (
    "\tchr\tstart\tend\tTargetGene\tPctChange\tSignificant\tRegulated\tIncludeInModel\t"
    "CellType\tReference\tNotes"
)


def crispri_table(tmp_path, rows, header=CRISPRI_HEADER):
    path = tmp_path / "crispri.txt"
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    return path


def test_crispri_reader_parses_every_quirk_of_the_layout(tmp_path):
    genes = pd.DataFrame(
        {
            "chrom": ["chr1", "chr1", "chr1"],
            "tss": [50_000, 90_000, 200_000],
            "name": ["A", "A", "B"],
        }
    )
    path = crispri_table(
        tmp_path,
        [
            "1\tchr1\t80000\t80500\tA\t-0.4\tTRUE\tTRUE\tTRUE\tK562\tFulco2019\tNA",
            "2\tchr1\t60000\t60400\tA\tNA\tFALSE\tFALSE\tTRUE\tK562\tFulco2019\t",
            "3\tchr1\t60000\t60400\tB\t0.1\tFALSE\tfalse\tTRUE\tK562\tGasperini2019\tx",
            "4\tchr1\t70000\t70400\tB\t-0.2\tTRUE\tTRUE\tFALSE\tK562\tFulco2019\tpromoter",
            "5\tchr1\t75000\t75400\tB\tNA\tNA\tFALSE\tNA\tK562\tFulco2019\tNA",
            "6\tchr1\t10000\t10400\tNOPE\t-0.3\tTRUE\tTRUE\tTRUE\tK562\tFulco2019\tNA",
            "7\tchr1\t30000\t30400\tA\t-0.3\tTRUE\t1\tTRUE\tGM12878\tOther\tNA",
        ],
    )
    df = read_pairs(path, "crispri", SIZES, genes=genes)
    # IncludeInModel FALSE/NA rows and the unknown gene left out; 0/1 and any case accepted
    assert df["source_line"].tolist() == [2, 3, 4, 8]
    assert df["label"].tolist() == [1, 0, 0, 1]
    # gene A has two TSSs: the one nearest each element
    assert df["promoter_start"].tolist() == [90_000, 50_000, 200_000, 50_000]
    assert (df["promoter_end"] - df["promoter_start"]).tolist() == [1, 1, 1, 1]
    assert df["enhancer_start"].tolist() == [80_000, 60_000, 60_000, 30_000]
    only = read_pairs(path, "crispri", SIZES, genes=genes, cell_type="GM12878")
    assert only["source_line"].tolist() == [8]


@pytest.mark.parametrize(
    "row, header, message",
    [
        (
            "1\tchr1\t80000\t80500\tA\t-0.4\tTRUE\tmaybe\tTRUE\tK562\tF\tNA",
            CRISPRI_HEADER,
            r"crispri.txt:2: field 'Regulated' must be TRUE or FALSE, got 'maybe'",
        ),
        (
            "1\tchr1\t80000\t80500\tA\t-0.4\tTRUE\tTRUE\tyes\tK562\tF\tNA",
            CRISPRI_HEADER,
            r"crispri.txt:2: field 'IncludeInModel' must be TRUE or FALSE",
        ),
        (
            "1\tchr1\tNA\t80500\tA\t-0.4\tTRUE\tTRUE\tTRUE\tK562\tF\tNA",
            CRISPRI_HEADER,
            r"crispri.txt:2: field 'enhancer_start' not an integer: 'NA'",
        ),
        (
            "1\tchr1\t80000\t80500\tA",
            "\tchr\tstart\tend\tGene",
            r"crispri.txt:1: missing column\(s\) TargetGene, Regulated, IncludeInModel \(CRISPRi "
            r"table; its header: Unnamed: 0, chr, start, end, Gene\)",
        ),
    ],
)
def test_crispri_reader_errors(tmp_path, row, header, message):
    genes = pd.DataFrame({"chrom": ["chr1"], "tss": [50_000], "name": ["A"]})
    with pytest.raises(EpipairError, match=message):
        read_pairs(crispri_table(tmp_path, [row], header), "crispri", SIZES, genes=genes)
    with pytest.raises(EpipairError, match="needs the config key 'genes'"):
        read_pairs(crispri_table(tmp_path, [row], header), "crispri", SIZES)


def test_edge_cases_found_in_review(tmp_path):
    from epipair.model.metrics import precision_at_recall

    # a gene with TSSs on two chromosomes: the one on the element's chromosome, though farther
    genes = pd.DataFrame({"chrom": ["chr2", "chr1"], "tss": [80_100, 400_000], "name": ["G", "G"]})
    path = crispri_table(tmp_path, ["1\tchr1\t80000\t80500\tG\tNA\tTRUE\tTRUE\t1\tK\tR\tNA"])
    df = read_pairs(path, "crispri", SIZES, genes=genes)
    assert df[["promoter_chrom", "promoter_start"]].values.tolist() == [["chr1", 400_000]]
    # ABC's promoter class: a TSS exactly 500 bp before the element is outside [t-500, t+500)
    el = pd.DataFrame({"chrom": ["chr1", "chr1"], "start": [1000, 5000], "end": [1500, 5500]})
    tss = pd.DataFrame({"chrom": ["chr1", "chr1"], "tss": [500, 4501], "name": ["A", "B"]})
    assert abc.promoter_flags(el, tss).tolist() == [False, True]
    # peaks on no chromosome of the genome: an error naming the file
    peaks = tmp_path / "p.narrowPeak"
    peaks.write_text("chrUn\t1\t100\t.\t0\t.\t5\t-1\t-1\t10\n")
    with pytest.raises(EpipairError, match="p.narrowPeak: no peak lies on a chromosome"):
        abc.read_peaks(peaks, SIZES)
    # missing scores rank last; element tables with chromosomes named 1, 2 load as text
    assert precision_at_recall([1, 0, 1], [np.nan, 0.5, 0.9], 0.5) == 1.0
    assert precision_at_recall([1, 0, 1], [np.nan, 0.5, 0.9], 1.0) == pytest.approx(2 / 3)
    e_path, t_path = write_tables(tmp_path, [("1", 900, 1100, 4.0, 0)], [("1", 20_000, "G")])
    model = abc.AbcModel().load(e_path, t_path)
    pair = pd.DataFrame(
        {"enhancer_chrom": ["1"], "enhancer_start": [950], "enhancer_end": [1000],
         "promoter_chrom": ["1"], "promoter_start": [20_000], "promoter_end": [20_001]}
    )  # fmt: skip
    assert model.score_pairs(pair)[0] == pytest.approx(1.0)


def write_bam(path, reads, contigs=(("chr1", 20_000_000), ("chr2", 5_000_000))):
    """An indexed BAM of 50-bp reads at ``reads`` = [(contig, start)], plus one unmapped."""
    import pysam

    header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [
        {"SN": n, "LN": n_len} for n, n_len in contigs
    ]}  # fmt: skip
    unsorted = path.with_suffix(".unsorted.bam")
    with pysam.AlignmentFile(str(unsorted), "wb", header=header) as out:
        for i, (contig, start) in enumerate(reads):
            a = pysam.AlignedSegment(out.header)
            a.query_name, a.query_sequence = f"r{i}", "A" * 50
            a.reference_id = [n for n, _ in contigs].index(contig)
            a.reference_start, a.cigarstring, a.mapping_quality = start, "50M", 60
            out.write(a)
    pysam.sort("-o", str(path), str(unsorted))
    pysam.index(str(path))
    return path


def test_bam_activity_is_reads_per_million_as_abc_counts_them(tmp_path):
    # 10 reads in 801-1571, 30 elsewhere; the element (summit 1100 +-250) holds 7 of them
    reads = [("chr1", 800 + 80 * i) for i in range(10)] + [("chr1", 5000 + i) for i in range(30)]
    reads[0] = ("chr1", 801)  # 801-851: overlaps 850-1350 by one base
    dnase = write_bam(tmp_path / "dnase.bam", reads)
    k27 = write_bam(tmp_path / "k27.bam", [("chr1", 1000)] * 4 + [("chr2", 100)] * 4)
    rpm = abc.bam_rpm(dnase, np.array(["chr1", "chr1"]), np.array([850, 19_000]),
                      np.array([1650, 19_500]))  # fmt: skip
    assert rpm.tolist() == [1e6 * 10 / 40, 0.0]
    peaks = tmp_path / "p.narrowPeak"
    peaks.write_text("chr1\t1000\t1400\t.\t0\t.\t5\t-1\t-1\t100\n")
    genes = tmp_path / "g.bed"
    genes.write_text("chr1\t20000\t20001\tG\n")
    sizes = tmp_path / "sizes"
    sizes.write_text("chr1\t20000000\nchr2\t5000000\n")
    table = abc.build_elements(
        peaks_path=peaks,
        genes_path=genes,
        chrom_sizes_path=sizes,
        tracks=[("accessibility", str(dnase), "bam"), ("h3k27ac", str(k27), "bam")],
        params={},
        out_elements=tmp_path / "e.tsv",
        out_tss=tmp_path / "t.tsv",
    )
    assert table[["start", "end"]].iloc[0].tolist() == [850, 1350]
    assert table["accessibility"].iloc[0] == pytest.approx(1e6 * 7 / 40)
    assert table["activity"].iloc[0] == pytest.approx(math.sqrt(1e6 * 7 / 40 * 1e6 * 4 / 8))
    with pytest.raises(EpipairError, match="not an indexed BAM file"):
        abc.bam_rpm(peaks, np.array(["chr1"]), np.array([0]), np.array([10]))
