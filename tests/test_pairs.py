import gzip

import pytest

from epipair.errors import EpipairError
from epipair.io.pairs import read_pairs

from .conftest import write

SIZES = {"chr1": 100_000, "chr2": 50_000, "chrX": 80_000}
HEADER = (
    "enhancer_chrom,enhancer_start,enhancer_end,enhancer_name,"
    "promoter_chrom,promoter_start,promoter_end,promoter_name,label\n"
)


def tf(tmp_path, rows, header=HEADER, name="pairs.csv"):
    return write(tmp_path / name, header + "".join(r + "\n" for r in rows))


def test_targetfinder_ok(tmp_path):
    p = tf(tmp_path, ["chr1,100,600,e1,chr1,5000,7000,p1,1", "chr2,10,20,e2,chr2,30,40,p2,0"])
    df = read_pairs(p, "targetfinder", SIZES)
    assert df["label"].tolist() == [1, 0]
    assert df["enhancer_start"].tolist() == [100, 10]
    assert df["promoter_end"].tolist() == [7000, 40]
    assert df["source_line"].tolist() == [2, 3]


@pytest.mark.parametrize(
    "row, message",
    [
        (
            "chr9,100,600,e,chr1,5000,7000,p,1",
            r"pairs.csv:2: field 'enhancer_chrom': chromosome 'chr9' is not in the genome",
        ),
        (
            "chr1,600,100,e,chr1,5000,7000,p,1",
            r"pairs.csv:2: field 'enhancer_end' \(100\) is not after 'enhancer_start' \(600\)",
        ),
        ("chr1,,600,e,chr1,5000,7000,p,1", r"pairs.csv:2: field 'enhancer_start' missing"),
        (
            "chr1,100,6x0,e,chr1,5000,7000,p,1",
            r"pairs.csv:2: field 'enhancer_end' not an integer: '6x0'",
        ),
        (
            "chr1,100,600,e,chr1,5000,7000,p,2",
            r"pairs.csv:2: field 'label' must be 0 or 1, got '2'",
        ),
        ("chr1,100,600,e,chr1,5000,7000,p,", r"pairs.csv:2: field 'label' must be 0 or 1, got ''"),
        (
            "chr1,100,600,e,chr2,5000,70000,p,1",
            r"pairs.csv:2: field 'promoter_end' \(70000\) is past the end of chr2 \(50000 bp\)",
        ),
        ("chr1,-5,600,e,chr1,5000,7000,p,1", r"pairs.csv:2: field 'enhancer_start' is negative"),
        (  # beyond int64: once wrapped round to a "negative" coordinate
            "chr1,100,600,e,chr1,99999999999999999999,7000,p,1",
            r"pairs.csv:2: field 'promoter_start' \(99999999999999999999\) is out of range",
        ),
    ],
)
def test_targetfinder_bad_row(tmp_path, row, message):
    p = tf(tmp_path, ["chr1,1,2,e,chr1,3,4,p,0", row][1:])
    with pytest.raises(EpipairError, match=message):
        read_pairs(p, "targetfinder", SIZES)


def test_bad_row_reports_its_own_line(tmp_path):
    p = tf(
        tmp_path, ["chr1,1,2,e,chr1,3,4,p,0", "chr1,1,2,e,chr1,3,4,p,0", "chr1,1,2,e,chrZ,3,4,p,0"]
    )
    with pytest.raises(EpipairError, match=r"pairs.csv:4: field 'promoter_chrom'"):
        read_pairs(p, "targetfinder", SIZES)


def test_missing_column(tmp_path):
    p = tf(
        tmp_path,
        ["chr1,1,2,chr1,3,4"],
        header="enhancer_chrom,enhancer_start,enhancer_end,promoter_chrom,promoter_start,promoter_end\n",
    )
    with pytest.raises(EpipairError, match=r"pairs.csv:1: missing column\(s\) label"):
        read_pairs(p, "targetfinder", SIZES)


def test_a_stale_results_table_names_its_missing_columns(tmp_path):
    from epipair.io.tables import PAIRS

    path = write(tmp_path / "pairs.tsv", "pair_id\tlabel\n0\t1\n")
    with pytest.raises(
        EpipairError,
        match=r"pairs.tsv:1: missing column\(s\) enhancer_chrom, .*\(of pairs.tsv; was it written",
    ):
        PAIRS.read(path)


def test_no_rows(tmp_path):
    with pytest.raises(EpipairError, match="no pairs"):
        read_pairs(tf(tmp_path, []), "targetfinder", SIZES)
    with pytest.raises(EpipairError, match="empty file"):
        read_pairs(write(tmp_path / "e.csv", ""), "targetfinder", SIZES)
    with pytest.raises(EpipairError, match="no pairs"):
        read_pairs(write(tmp_path / "e.bedpe", "# only a comment\n"), "bedpe", SIZES)


def test_missing_file_and_unknown_format(tmp_path):
    with pytest.raises(EpipairError, match="not found"):
        read_pairs(tmp_path / "nope.csv", "targetfinder", SIZES)
    with pytest.raises(EpipairError, match="unknown pairs format"):
        read_pairs(tf(tmp_path, ["chr1,1,2,e,chr1,3,4,p,0"]), "bedpe2", SIZES)


def test_chr_naming_reconciled(tmp_path):
    p = tf(tmp_path, ["1,100,600,e,1,5000,7000,p,1", "X,10,20,e,X,30,40,p,0"])
    df = read_pairs(p, "targetfinder", SIZES)
    assert df["enhancer_chrom"].tolist() == ["chr1", "chrX"]
    ens = {"1": 100_000, "X": 80_000}
    p2 = tf(tmp_path, ["chr1,100,600,e,chr1,5000,7000,p,1"], name="p2.csv")
    assert read_pairs(p2, "targetfinder", ens)["promoter_chrom"].tolist() == ["1"]


def test_mixed_naming_is_ambiguous(tmp_path):
    p = tf(tmp_path, ["1,100,600,e,1,5000,7000,p,1", "chr1,10,20,e,chr1,30,40,p,0"])
    with pytest.raises(
        EpipairError, match="ambiguous: both 'chr1' and '1'|ambiguous: both '1' and 'chr1'"
    ):
        read_pairs(p, "targetfinder", SIZES)


def test_duplicates_dropped_and_conflicts_positive(tmp_path, caplog):
    p = tf(
        tmp_path,
        [
            "chr1,100,600,e,chr1,5000,7000,p,0",
            "chr1,100,600,e,chr1,5000,7000,p,0",
            "chr1,100,600,e,chr1,5000,7000,p,1",
            "chr2,10,20,e,chr2,30,40,p,0",
        ],
    )
    caplog.set_level("INFO")
    df = read_pairs(p, "targetfinder", SIZES)
    assert len(df) == 2
    assert df["label"].tolist() == [1, 0]
    assert "dropped 2 duplicate" in caplog.text
    assert "1 pair(s) listed with both labels" in caplog.text


def test_enhancer_that_is_its_promoter_is_dropped(tmp_path, caplog):
    p = tf(
        tmp_path,
        ["chr1,100,600,e,chr1,5000,7000,p,0", "chr1,100,600,e,chr1,100,600,p,1"],
    )
    caplog.set_level("INFO")
    df = read_pairs(p, "targetfinder", SIZES)
    assert df["source_line"].tolist() == [2]
    assert (
        "dropped 1 pair(s) whose enhancer is the promoter (same coordinates; first at line 3)"
        in caplog.text
    )
    p = tf(tmp_path, ["chr1,100,600,e,chr1,100,600,p,1"], name="same.csv")
    with pytest.raises(
        EpipairError, match="same.csv: no pairs left: every enhancer is its promoter"
    ):
        read_pairs(p, "targetfinder", SIZES)


def test_labels_of_one_class_stop_the_ingest(tmp_path):
    from epipair.prep.pipeline import ingest

    sizes = write(tmp_path / "chrom.sizes", "chr1\t100000\nchr2\t50000\n")
    p = tf(tmp_path, ["chr1,100,600,e,chr1,5000,7000,p,1", "chr2,10,20,e,chr2,30,40,p,1"])
    with pytest.raises(EpipairError, match="pairs.csv: all 2 pairs are labelled 1; training"):
        ingest(p, fmt="targetfinder", chrom_sizes_path=sizes, out_path=tmp_path / "out.tsv")
    assert not (tmp_path / "out.tsv").exists()


def test_bedpe_and_gzip(tmp_path):
    text = (
        "#comment\nchr1\t100\t600\tchr1\t5000\t7000\tpairA\t1\n"
        "chr2\t10\t20\tchr2\t30\t40\tpairB\t0\n"
    )
    p = tmp_path / "pairs.bedpe.gz"
    with gzip.open(p, "wt") as fh:
        fh.write(text)
    df = read_pairs(p, "bedpe", SIZES)
    assert df["label"].tolist() == [1, 0]
    assert df["source_line"].tolist() == [2, 3]
    assert df["promoter_start"].tolist() == [5000, 30]


def test_bedpe_errors(tmp_path):
    with pytest.raises(
        EpipairError, match=r"p.bedpe:1: BEDPE needs at least 7 tab-separated columns"
    ):
        read_pairs(write(tmp_path / "p.bedpe", "chr1\t1\t2\tchr1\t3\t4\n"), "bedpe", SIZES)
    with pytest.raises(EpipairError, match=r"q.bedpe:2: 8 columns where earlier lines have 7"):
        read_pairs(
            write(
                tmp_path / "q.bedpe", "chr1\t1\t2\tchr1\t3\t4\t1\nchr1\t1\t2\tchr1\t3\t4\tx\t1\n"
            ),
            "bedpe",
            SIZES,
        )


def test_unlabelled_pairs_to_score(tmp_path):
    p = write(
        tmp_path / "q.bedpe",
        "chr1\t100\t600\tchr1\t5000\t7000\tq1\nchr2\t10\t20\tchr2\t30\t40\tq2\n",
    )
    df = read_pairs(p, "bedpe", SIZES, labelled=False)
    assert df["label"].tolist() == [0, 0] and df["promoter_end"].tolist() == [7000, 40]
    six = write(tmp_path / "s.bedpe", "chr1\t100\t600\tchr1\t5000\t7000\n")
    assert len(read_pairs(six, "bedpe", SIZES, labelled=False)) == 1
    with pytest.raises(EpipairError, match="needs at least 6"):
        read_pairs(write(tmp_path / "b.bedpe", "chr1\t1\t2\n"), "bedpe", SIZES, labelled=False)


def test_windows_line_endings_and_bom(tmp_path):
    text = "\ufeff" + HEADER.replace("\n", "\r\n") + "chr1,100,600,e,chr1,5000,7000,p,1\r\n"
    p = tmp_path / "crlf.csv"
    p.write_bytes(text.encode("utf-8"))
    df = read_pairs(p, "targetfinder", SIZES)
    assert df["label"].tolist() == [1] and df["enhancer_chrom"].tolist() == ["chr1"]
    b = tmp_path / "crlf.bedpe"
    b.write_bytes("\ufeffchr1\t100\t600\tchr1\t5000\t7000\t1\r\n".encode("utf-8"))
    assert read_pairs(b, "bedpe", SIZES)["promoter_end"].tolist() == [7000]


@pytest.mark.parametrize("fmt", ["targetfinder", "bedpe"])
def test_truncated_gzip(tmp_path, fmt):
    import gzip

    rows = "".join(f"chr1,{i},{i + 10},e,chr1,{i + 50},{i + 60},p,0\n" for i in range(5000))
    text = (
        HEADER + rows
        if fmt == "targetfinder"
        else rows.replace(",e,", ",").replace(",p,", ",").replace(",", "\t")
    )
    blob = gzip.compress(text.encode())
    p = tmp_path / "cut.gz"
    p.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(EpipairError, match="cut.gz: damaged gzip file"):
        read_pairs(p, fmt, SIZES)


# label, distance (enhancer centre to TSS), enhancer (4), promoter (3), TSS id
EH1 = "chr1\t10000\t10400\tchr1:10000-10400|GM12878|EH1"
EH2 = "chr2\t100\t500\tchr2:100-500|GM12878|EH2"
BENGI_ROWS = [
    f"1\t5000.0\t{EH1}\tchr1\t13701\t15701\tchr1:15200-15201|GM12878|G1|T1|+",
    f"0\t3000.0\t{EH1}\tchr1\t11701\t13701\tchr1:13200-13201|GM12878|G1|T2|+",
    f"0\t3000.0\t{EH1}\tchr1\t5701\t7701\tchr1:7200-7201|GM12878|G1|T3|+",
    f"0\t9000.0\t{EH2}\tchr2\t8801\t10801\tchr2:9300-9301|GM12878|G2|T4|-",
    f"0\t20000.0\t{EH1}\tchr1\t29701\t31701\tchr1:30200-30201|GM12878|G3|T5|-",
]


def bengi(tmp_path, rows, name="b.tsv"):
    return write(tmp_path / name, "".join(r + "\n" for r in rows))


def test_bengi_one_row_per_enhancer_gene_pair_the_closest_tss(tmp_path, caplog):
    import logging

    p = tmp_path / "b.tsv.gz"
    p.write_bytes(gzip.compress("".join(r + "\n" for r in BENGI_ROWS).encode()))
    with caplog.at_level(logging.INFO, logger="epipair.io.pairs"):
        df = read_pairs(p, "bengi", SIZES)
    # EH1-G1, three transcripts: line 2, the closest TSS (line 3 is as close but later),
    # labelled 1 because the transcript of line 1 interacts; EH2-G2 and EH1-G3 once each
    coords = ["enhancer_chrom", "enhancer_start", "enhancer_end"]
    coords += ["promoter_chrom", "promoter_start", "promoter_end", "label", "source_line"]
    assert list(df.columns) == coords
    assert df.values.tolist() == [
        ["chr1", 10000, 10400, "chr1", 11701, 13701, 1, 2],
        ["chr2", 100, 500, "chr2", 8801, 10801, 0, 4],
        ["chr1", 10000, 10400, "chr1", 29701, 31701, 0, 5],
    ]
    assert "b.tsv.gz: 5 rows, 3 enhancer-gene pairs" in caplog.text
    assert "(2 rows of other transcripts collapsed; 1 pairs labelled 1" in caplog.text
    # pairs to score (predict, benchmarks): the same rows, every label 0
    unlabelled = read_pairs(p, "bengi", SIZES, labelled=False)
    assert unlabelled["source_line"].tolist() == [2, 4, 5]
    assert unlabelled["label"].tolist() == [0, 0, 0]


@pytest.mark.parametrize(
    "line, old, new, message",
    [
        # lines 1 and 3 are collapsed away, yet their fields are checked like any other
        (3, "0\t3000.0", "2\t3000.0", r"b.tsv:3: field 'label' must be 0 or 1, got '2'"),
        (1, "\tchr1\t13701", "\tchrZ\t13701", r"b.tsv:1: field 'promoter_chrom': .*'chrZ'"),
        (1, "15701", "157010", r"b.tsv:1: field 'promoter_end' \(157010\) is past the end of chr1"),
        (3, "7701", "7x01", r"b.tsv:3: field 'promoter_end' not an integer: '7x01'"),
        (2, "3000.0", "near", r"b.tsv:2: field 'distance' must be a distance >= 0, got 'near'"),
        (2, "|G1|T2|+", "", r"b.tsv:2: field 'tss_id' has no gene id .*13201\|GM12878'"),
        (4, "\tchr2:9300", "", r"b.tsv:4: BENGI needs 10 tab-separated columns .*found 9"),
    ],
)
def test_bengi_bad_field_names_file_line_and_field(tmp_path, line, old, new, message):
    rows = list(BENGI_ROWS)
    assert old in rows[line - 1]
    rows[line - 1] = rows[line - 1].replace(old, new, 1)
    with pytest.raises(EpipairError, match=message):
        read_pairs(bengi(tmp_path, rows), "bengi", SIZES)


def test_bengi_genes_sharing_a_tss_follow_the_duplicate_rule(tmp_path, caplog):
    """Two genes with one TSS give one enhancer-promoter pair twice: like any duplicate pair,
    it is kept once, labelled 1 if either row is."""
    import logging

    shared = BENGI_ROWS[3].replace("|G2|T4|", "|G7|T7|").replace("0\t", "1\t", 1)
    with caplog.at_level(logging.INFO, logger="epipair.io.pairs"):
        df = read_pairs(bengi(tmp_path, [BENGI_ROWS[3], shared]), "bengi", SIZES)
    assert df["source_line"].tolist() == [2] and df["label"].tolist() == [1]
    assert "2 rows, 2 enhancer-gene pairs" in caplog.text
    assert "dropped 1 duplicate pair row(s)" in caplog.text


def test_bengi_enhancer_id_reused_for_another_region_stays_two_enhancers(tmp_path, caplog):
    import logging

    other = BENGI_ROWS[1].replace("chr1\t10000\t10400\t", "chr1\t20000\t20400\t", 1)
    other = other.replace("0\t3000.0", "1\t6000.0", 1)
    with caplog.at_level(logging.INFO, logger="epipair.io.pairs"):
        df = read_pairs(bengi(tmp_path, [BENGI_ROWS[1], other]), "bengi", SIZES)
    # one id, two regions, one gene: two enhancer-gene pairs (they used to collapse into one)
    assert df["enhancer_start"].tolist() == [10000, 20000]
    assert df["label"].tolist() == [0, 1]
    assert "1 enhancer id(s) name more than one region" in caplog.text
    assert "'chr1:10000-10400|GM12878|EH1' is chr1:10000-10400 and chr1:20000-20400" in caplog.text


def test_labelled_pairs_between_chromosomes_are_left_out(tmp_path, caplog):
    """distance_prior would rank a pair between chromosomes (distance -1) closest of all."""
    import logging

    trans = BENGI_ROWS[3].replace(
        "\tchr2\t8801\t10801\tchr2:9300", "\tchr1\t8801\t10801\tchr1:9300"
    )
    with caplog.at_level(logging.INFO, logger="epipair.io.pairs"):
        df = read_pairs(bengi(tmp_path, [BENGI_ROWS[0], trans]), "bengi", SIZES)
    assert df["source_line"].tolist() == [1]
    assert "left out 1 pair(s) whose enhancer and promoter lie on different chromosomes" in (
        caplog.text
    )
    # pairs to score keep them (a sequence model can score them); distance_prior ranks them last
    assert len(read_pairs(bengi(tmp_path, [BENGI_ROWS[0], trans]), "bengi", SIZES, False)) == 2
    import numpy as np
    import pandas as pd

    from epipair.model.metrics import distance_score

    scores = pd.DataFrame({"distance": [-1, 5000, 0]})
    assert np.argsort(-distance_score(scores)).tolist() == [2, 1, 0]
