"""Which model scores which pair: folds, other cell lines and benchmarks."""

import numpy as np
import pandas as pd

from epipair import predict
from epipair.data import CellData


def test_held_out_by_chromosome_keeps_pairs_one_fold_held_out():
    pairs = pd.DataFrame(
        {
            "enhancer_chrom": ["chr1", "chr2", "chr3", "chr1", "chrX"],
            "promoter_chrom": ["chr1", "chr2", "chr3", "chr2", "chrX"],
        }
    )
    folds = {"chr1": "1", "chr2": "2", "chr3": "1"}
    got = predict.held_out_by_chromosome(pairs, folds)
    assert {f: r.tolist() for f, r in got.items()} == {"1": [0, 2], "2": [1]}
    # the single split: only its test chromosomes, scored by the one model
    single = predict.held_out_by_chromosome(pairs, {"chr1": "all"})
    assert {f: r.tolist() for f, r in single.items()} == {"all": [0]}


def test_held_out_instances_of_the_training_cell_line_follow_its_fold_table():
    pairs = pd.DataFrame({"pair_id": ["a", "b", "c"], "enhancer_chrom": ["c1", "c2", "c3"]})
    fold_splits = pd.DataFrame(
        {
            "pair_id": ["a", "b", "c", "a", "b", "c"],
            "fold": ["1", "1", "1", "2", "2", "2"],
            "split": ["test", "train", "valid", "train", "test", "test"],
        }
    )
    data = CellData(pairs, None, "leakage_free", None, fold_splits)
    got = predict.held_out_instances(data, "leakage_free", None)
    assert [(f, r.tolist()) for f, r, _ in got] == [("1", [0]), ("2", [1, 2])]
    assert all((s == 0).all() for _, _, s in got)
    assert np.concatenate([r for _, r, _ in got]).tolist() == [0, 1, 2]  # each pair once
