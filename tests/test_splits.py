import numpy as np
import pandas as pd
import pytest

from epipair import regions, splits
from epipair.errors import EpipairError


def toy_pairs(n_chroms=5, per_chrom=40, seed=0):
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(1, n_chroms + 1):
        enh = rng.integers(0, 900_000, size=per_chrom // 2) // 1000 * 1000
        prom = rng.integers(0, 900_000, size=per_chrom // 4) // 1000 * 1000
        for i in range(per_chrom):
            e = int(enh[rng.integers(0, enh.size)])
            p = int(prom[rng.integers(0, prom.size)])
            rows.append((f"chr{c}", e, e + 500, f"chr{c}", p, p + 800, int(i % 4 == 0)))
    df = pd.DataFrame(
        rows,
        columns=[
            "enhancer_chrom",
            "enhancer_start",
            "enhancer_end",
            "promoter_chrom",
            "promoter_start",
            "promoter_end",
            "label",
        ],
    )
    df = df.drop_duplicates(["enhancer_start", "promoter_start", "enhancer_chrom"]).reset_index(
        drop=True
    )
    df.insert(0, "pair_id", [f"p{i}" for i in range(len(df))])
    ec, pc = regions.element_clusters(df)
    df["group"] = regions.pair_groups(ec, pc)
    return df, ec, pc


def test_leakage_free_keeps_groups_and_chromosomes_apart():
    df, ec, pc = toy_pairs()
    split = splits.leakage_free_split(df, ["chr1"], ["chr2"])
    df["split"] = split
    assert df.groupby("group")["split"].nunique().max() == 1
    train = df[df["split"] == "train"]
    test = df[df["split"] == "test"]
    assert set(test["enhancer_chrom"]) == {"chr1"}
    assert not {"chr1", "chr2"} & (set(train["enhancer_chrom"]) | set(train["promoter_chrom"]))
    audit = splits.leakage_audit(df, ec, pc, train["pair_id"], test["pair_id"])
    assert audit["test_share_element_in_train"] == 0.0
    assert audit["test_pos_copy_in_train"] == 0.0


def test_trans_pair_touching_test_chromosome_goes_to_test():
    df, ec, pc = toy_pairs(n_chroms=4)
    df.loc[0, ["promoter_chrom"]] = "chr1"  # a trans pair from chr? to chr1
    df.loc[0, "enhancer_chrom"] = "chr3"
    split = splits.leakage_free_split(df, ["chr1"], ["chr2"])
    assert split[0] == "test"


def test_leakage_free_without_test_positives_is_an_error():
    df, _, _ = toy_pairs()
    df.loc[df["enhancer_chrom"] == "chr1", "label"] = 0
    with pytest.raises(EpipairError, match="the test split has no positive pair"):
        splits.leakage_free_split(df, ["chr1"], ["chr2"], source="x")


def test_both_test_and_valid_is_an_error():
    df, _, _ = toy_pairs()
    with pytest.raises(EpipairError, match="both test and valid"):
        splits.leakage_free_split(df, ["chr1"], ["chr1"])


def test_paper_split_augments_then_splits():
    df, ec, pc = toy_pairs()
    inst = splits.paper_split(
        df, n_aug=20, max_shift=300, seed=1, test_fraction=0.1, valid_fraction=0.1
    )
    n_pos = int(df["label"].sum())
    assert len(inst) == 20 * n_pos + (len(df) - n_pos)
    assert inst["shift"].abs().max() <= 300
    # the first instance of every pair is the unshifted original
    assert (inst.groupby("pair_id")["shift"].first() == 0).all()
    assert set(inst["split"]) == {"train", "valid", "test"}
    again = splits.paper_split(df, 20, 300, 1, 0.1, 0.1)
    pd.testing.assert_frame_equal(inst, again)
    tr = inst.loc[inst["split"] == "train", "pair_id"]
    te = inst.loc[inst["split"] == "test", "pair_id"]
    audit = splits.leakage_audit(df, ec, pc, tr, te)
    # with 20 copies per positive split at random, nearly every test positive has a training copy
    assert audit["test_pos_copy_in_train"] > 0.9
    assert audit["test_share_element_in_train"] > 0.5


def test_audit_hand_case():
    df = pd.DataFrame(
        {
            "pair_id": ["a", "b", "c", "d"],
            "label": [1, 1, 0, 1],
        }
    )
    ec = np.array([0, 0, 1, 2])
    pc = np.array([3, 4, 5, 6])
    audit = splits.leakage_audit(df, ec, pc, ["a", "c"], ["b", "d"])
    assert audit["test_share_element_in_train"] == 0.5  # b shares enhancer 0 with a
    assert audit["test_pos_copy_in_train"] == 0.0
    assert audit["pos_share_element"] == pytest.approx(2 / 3)


def test_test_chromosome_without_pairs_is_named_in_a_warning(caplog):
    df, _, _ = toy_pairs()
    caplog.set_level("WARNING")
    splits.leakage_free_split(df, ["chr1", "chr99"], ["chr2"], source="toy")
    assert "toy: test chromosome(s) chr99 hold no pairs" in caplog.text
