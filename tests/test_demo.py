import filecmp

import numpy as np
import pandas as pd

from epipair import demo


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
    from epipair.sequence import FastaReader

    elements = pd.read_csv(demo_dir / "elements.tsv", sep="\t").head(40)
    reader = FastaReader(demo_dir / "genome.fa")
    chrom = reader.chrom_bytes("chr1").tobytes().upper()
    for r in elements[elements.chrom == "chr1"].itertuples():
        motif = (demo.ENHANCER_MOTIFS if r.kind == "enhancer" else demo.PROMOTER_MOTIFS)[r.family]
        assert motif.encode() in chrom[r.start : r.end]
