import filecmp

import numpy as np
import pandas as pd

from epipair.prep import demo


def test_demo_is_deterministic(tmp_path, demo_dir):
    demo.generate(tmp_path)
    for key, path in demo.demo_files(demo_dir).items():
        assert filecmp.cmp(path, demo.demo_files(tmp_path)[key], shallow=False), key


def test_demo_grammar(demo_dir):
    elements = pd.read_csv(demo_dir / "elements.tsv", sep="\t")
    fam = {(r.chrom, r.start): r.family for r in elements.itertuples()}
    sizes = dict(
        line.split("\t") for line in (demo_dir / "genome.chrom.sizes").read_text().splitlines()
    )
    assert len(sizes) == 6 and sum(map(int, sizes.values())) == 6_000_000
    rates = []
    for cell, active in demo.DEMO_CELLS.items():
        pairs = pd.read_csv(demo_dir / cell / "pairs.csv")
        fe = np.array([fam[(c, s)] for c, s in zip(pairs.enhancer_chrom, pairs.enhancer_start)])
        fp = np.array([fam[(c, s)] for c, s in zip(pairs.promoter_chrom, pairs.promoter_start)])
        pos = pairs.label.to_numpy() == 1
        # every positive is cognate and active; no negative is
        assert (fe[pos] == fp[pos]).all() and np.isin(fe[pos], active).all()
        assert not ((fe[~pos] == fp[~pos]) & np.isin(fe[~pos], active)).any()
        # an enhancer alone does not decide the label: active-family enhancers appear in
        # negatives too
        assert np.isin(fe[~pos], active).mean() > 0.5
        # distance-matched negatives: similar median distance
        d = pairs.enhancer_distance_to_promoter
        assert 0.6 < d[~pos].median() / d[pos].median() < 1.6
        rates.append(pos.mean())
    assert all(0.1 < r < 0.3 for r in rates)


def test_demo_motifs_at_elements(demo_dir):
    from epipair.io.sequence import FastaReader

    elements = pd.read_csv(demo_dir / "elements.tsv", sep="\t").head(40)
    reader = FastaReader(demo_dir / "genome.fa")
    chrom = reader.chrom_bytes("chr1").tobytes().upper()
    for r in elements[elements.chrom == "chr1"].itertuples():
        motif = (demo.ENHANCER_MOTIFS if r.kind == "enhancer" else demo.PROMOTER_MOTIFS)[r.family]
        assert motif.encode() in chrom[r.start : r.end]


def test_bengi_pairs_train_like_any_labels(demo_dir, tmp_path):
    """format: bengi as a cell line's labels: ingest, windows, both protocols' splits."""
    from epipair.prep import pipeline

    from .conftest import DEMO_AUGMENT, DEMO_SPLIT, DEMO_WINDOWS, build_regions

    files = demo.demo_files(demo_dir)
    raw = pd.read_csv(files["benchmark"], sep="\t", header=None)
    df = pipeline.ingest(
        files["benchmark"],
        fmt="bengi",
        chrom_sizes_path=files["chrom_sizes"],
        out_path=tmp_path / "ingested.tsv",
    )
    genes = raw[9].str.split("|").str[2]
    assert len(df) == raw.groupby([raw[5], genes]).ngroups  # one row per enhancer-gene pair
    pairs = build_regions(
        tmp_path / "ingested.tsv",
        tmp_path,
        chrom_sizes_path=files["chrom_sizes"],
        cell="BengiCell",
        windows=DEMO_WINDOWS,
        augment=DEMO_AUGMENT,
        split=DEMO_SPLIT,
    )
    assert set(pairs["split"]) == {"train", "valid", "test"}
    assert set(pairs.loc[pairs["split"] == "test", "enhancer_chrom"]) == {"chr1"}
    paper = pd.read_csv(tmp_path / "splits_paper.tsv", sep="\t")
    assert (paper["shift"] != 0).any()  # positives augmented as in the paper protocol
