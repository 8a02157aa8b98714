"""Chromosome sizes: gzip, and agreement with the FASTA (reliability round three)."""

import gzip

import pytest

from epipair import sources
from epipair.errors import EpipairError
from epipair.io import download
from epipair.io.genome import read_chrom_sizes
from epipair.io.sequence import check_existing_index, index_fasta

from .conftest import ROOT


def _fasta(path, seqs, newline="\n"):
    path.write_text("".join(f">{n}{newline}{s}{newline}" for n, s in seqs.items()))
    return path


def test_gzip_chrom_sizes_are_read(tmp_path):
    path = tmp_path / "hg.chrom.sizes.gz"
    with gzip.open(path, "wt") as fh:
        fh.write("chr1\t1000\nchr2\t500\n")
    assert read_chrom_sizes(path) == {"chr1": 1000, "chr2": 500}
    path.write_bytes(b"\x1f\x8b\x08\x00broken")
    with pytest.raises(EpipairError, match="damaged gzip"):
        read_chrom_sizes(path)


def test_chrom_sizes_given_as_a_url_is_downloaded_like_other_files():
    url = "https://hgdownload.soe.ucsc.edu/goldenPath/hg19/bigZips/hg19.chrom.sizes"
    config = {"genome": {"name": "hg19", "url": "https://h/hg19.fa.gz", "chrom_sizes": url}}
    config["cell_lines"] = {}
    planned = sources.planned_downloads(config, ROOT / "resources/targetfinder_manifest.tsv")
    (target,) = [t for t, e in planned.items() if e["where"] == "genome.chrom_sizes"]
    assert target == download.source_target(url, "genome", "chrom_sizes").removeprefix("resources/")
    assert target.startswith("genome/chrom_sizes.")


def test_chrom_sizes_that_disagree_with_the_fasta_are_named(tmp_path):
    fasta = _fasta(tmp_path / "g.fa", {"chr1": "ACGT" * 30, "chr2": "A" * 50})
    sizes = tmp_path / "g.chrom.sizes"
    sizes.write_text("chr1\t120\nchr2\t60\n")
    with pytest.raises(EpipairError, match=r"chromosome 'chr2' is 60 bp there but 50 bp in"):
        index_fasta(fasta, tmp_path / "g.fa.fai", sizes)
    assert not (tmp_path / "g.fa.fai").exists()
    sizes.write_text("chr1\t120\nchr2\t50\nchrX\t10\n")  # one the FASTA lacks: left alone
    index_fasta(fasta, tmp_path / "g.fa.fai", sizes)
    check_existing_index(fasta, sizes)
    # an index of an earlier run, sizes changed since: named at start-up
    sizes.write_text("1\t120\n2\t50\n")
    with pytest.raises(EpipairError, match="no chromosome in common with .*'chr1'"):
        check_existing_index(fasta, sizes)


def test_a_fasta_with_carriage_returns_only_is_named(tmp_path):
    fasta = _fasta(tmp_path / "g.fa", {"chr1": "ACGT" * 30, "chr2": "A" * 50}, newline="\r")
    with pytest.raises(EpipairError, match="carriage returns only"):
        index_fasta(fasta, tmp_path / "g.fa.fai")
