import numpy as np
import pytest

from epipair.errors import EpipairError
from epipair.io import sequence

from .conftest import write


def plain_fasta(path):
    """Parse a FASTA the slow, obvious way (the reference for the fast reader)."""
    seqs, name = {}, None
    for line in open(path):
        line = line.strip()
        if line.startswith(">"):
            name = line[1:].split()[0]
            seqs[name] = []
        else:
            seqs[name].append(line)
    return {k: "".join(v) for k, v in seqs.items()}


def test_tokenize_and_one_hot_exact():
    tok = sequence.tokenize("ACGTNacgtnRY")
    assert tok.tolist() == [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 4, 4]
    oh = sequence.one_hot(sequence.tokenize("ACGTN"))
    assert oh.shape == (5, 4) and oh.dtype == np.float32
    np.testing.assert_array_equal(
        oh, [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]]
    )


def test_small_fasta_windows(tmp_path):
    fa = write(tmp_path / "g.fa", ">c1 desc\nACGTA\nCGTNa\ncg\n>c2\nTTTT\nGG\n")
    reader = sequence.FastaReader(fa)
    assert reader.sizes == {"c1": 12, "c2": 6}
    tok = sequence.extract_sequence(reader, np.array(["c1", "c2", "c1"]), np.array([3, 2, 8]), 4)
    # c1 = ACGTACGTNacg: [3:7]=TACG, [8:12]=Nacg; c2 = TTTTGG: [2:6]=TTGG
    assert tok.tolist() == [[3, 0, 1, 2], [3, 3, 2, 2], [4, 0, 1, 2]]
    assert tok.dtype == np.uint8


def test_demo_tokens_at_known_coordinates(demo_dir):
    fa = demo_dir / "genome.fa"
    ref = plain_fasta(fa)
    reader = sequence.FastaReader(fa)
    rng = np.random.default_rng(3)
    for chrom in ["chr1", "chr4"]:
        starts = rng.integers(0, len(ref[chrom]) - 3000, size=50)
        starts[0] = 0  # the N run at the chromosome start
        tok = sequence.extract_sequence(reader, np.array([chrom] * 50), starts, 3000)
        for s, row in zip(starts, tok):
            np.testing.assert_array_equal(row, sequence.tokenize(ref[chrom][s : s + 3000]))
        assert (tok[0] == 4).all()
    # soft-masked stretches exist in the demo and fold to the same tokens
    assert any(c.islower() for c in ref["chr1"][:200_000])


def test_window_off_the_end_is_an_error(tmp_path):
    fa = write(tmp_path / "g.fa", ">c1\nACGTACGT\n")
    reader = sequence.FastaReader(fa)
    with pytest.raises(
        EpipairError, match=r"g.fa: c1: window \[6, 10\) runs off a chromosome of 8 bp"
    ):
        sequence.extract_sequence(reader, np.array(["c1"]), np.array([6]), 4)
    with pytest.raises(EpipairError, match="chromosome 'c9' is not in the FASTA"):
        reader.chrom_bytes("c9")


def test_stale_index_is_reported(tmp_path):
    fa = write(tmp_path / "g.fa", ">c1\nACGTACGT\nACGT\n")
    sequence.FastaReader(fa).close()
    fa.write_text(">c1\nACGTACGT\nAC\n")  # shorter than the index says
    with pytest.raises(EpipairError, match="index is stale"):
        sequence.FastaReader(fa).chrom_bytes("c1")


def test_index_fasta_atomic(tmp_path):
    fa = write(tmp_path / "g.fa", ">c1\nACGTACGT\nACGT\n>c2\nAA\n")
    sequence.index_fasta(fa, tmp_path / "g.fa.fai")
    lines = (tmp_path / "g.fa.fai").read_text().splitlines()
    assert [line.split("\t")[:2] for line in lines] == [["c1", "12"], ["c2", "2"]]
    assert not list(tmp_path.glob(".g.fa.fai.*"))


def test_duplicate_sequence_name_is_named(tmp_path):
    fa = write(tmp_path / "d.fa", ">c1\nACGT\n>c2\nAA\n>c1\nGG\n")
    with pytest.raises(
        EpipairError, match=r"d.fa: cannot index FASTA: sequence name \"c1\" appears twice"
    ):
        sequence.index_fasta(fa, tmp_path / "d.fa.fai")
    assert not (tmp_path / "d.fa.fai").exists() and not list(tmp_path.glob(".d.fa.fai.*"))
    with pytest.raises(EpipairError, match="appears twice"):
        sequence.FastaReader(fa)


def test_stale_index_detected_when_gathering(tmp_path):
    fa = write(tmp_path / "g.fa", ">c1\nACGTACGT\nACGTACGT\nACGT\n")
    sequence.FastaReader(fa).close()
    fa.write_text(">c1\nACGTAC\nGTACGT\nACGTACGT\n")  # same length, other line width
    with pytest.raises(EpipairError, match="index is stale"):
        sequence.FastaReader(fa).gather("c1", [0], 12)
