import numpy as np
import pandas as pd
import pytest

from epipair.errors import EpipairError
from epipair.io.pairs import REQUIRED
from epipair.prep import regions, splits


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
        columns=REQUIRED,
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


def test_random_holdout_holds_pairs_out_before_augmentation():
    df, ec, pc = toy_pairs()
    holdout = splits.random_holdout_instances(df, seed=1, test_fraction=0.1, valid_fraction=0.1)
    assert (holdout["scheme"] == "random_holdout").all() and (holdout["shift"] == 0).all()
    df["holdout_split"] = holdout["split"].to_numpy()
    labels = df["label"].to_numpy()
    # stratified: each label keeps its share in the test set (at the labels' positive share)
    for cls in (0, 1):
        n = int((labels == cls).sum())
        assert ((df["holdout_split"] == "test") & (labels == cls)).sum() == max(int(0.1 * n), 1)
    te_rows, te_shifts = splits.split_instances(df, holdout, "random_holdout", "test")
    assert (te_shifts == 0).all() and te_rows.size == (df["holdout_split"] == "test").sum()
    # training positives are augmented after the split, on the fly: every copy is of a
    # training pair, so no test positive has a copy in training
    from epipair.model.data import AugmentedInstances

    tr_rows, _ = splits.split_instances(df, holdout, "random_holdout", "train")
    rows, shifts = AugmentedInstances(tr_rows, labels, 20, 300, seed=0).draw(0)
    assert not np.isin(rows, te_rows).any() and (shifts != 0).any()
    audit = splits.leakage_audit(df, ec, pc, df["pair_id"][rows], df["pair_id"][te_rows])
    assert audit["test_pos_copy_in_train"] == 0
    # the second leak stays: test pairs share elements with training pairs
    assert audit["test_share_element_in_train"] > 0.5
    np.testing.assert_array_equal(
        df["holdout_split"], splits.random_holdout_split(df, 1, 0.1, 0.1)
    )  # seeded


def test_paper_schemes_of_speid_and_zhuang():
    df, ec, pc = toy_pairs()
    table = splits.paper_splits(df, 20, 300, 1, 0.1, 0.1)
    assert list(table["scheme"].unique()) == list(splits.PAPER_SCHEMES)
    speid = table[table["scheme"] == "speid_basic_training"]
    test = speid[speid["split"] == "test"]
    # SPEID's predict.py: every unaugmented pair once, at the labels' positive share
    assert test["pair_id"].tolist() == df["pair_id"].tolist() and (test["shift"] == 0).all()
    paper = speid.reset_index(drop=True)
    rows, shifts = splits.split_instances(df, paper, "paper", "test")
    assert df["label"].to_numpy()[rows].mean() == df["label"].mean()
    # ... and it trained on all of them (and on the shifted copies)
    train = speid[speid["split"] == "train"]
    assert set(train["pair_id"]) == set(df["pair_id"])
    assert len(train) == 20 * df["label"].sum() + (df["label"] == 0).sum()
    zhuang = table[table["scheme"] == "zhuang_basic_training"]
    n = len(zhuang[zhuang["split"] == "test"])
    assert (zhuang["split"] == "train").sum() == int(0.5 * n)
    assert (zhuang["split"] == "valid").sum() == int(0.09 * n)


def test_speid_retraining_model3_scheme():
    """retraining_model3.py: stage 1 fits the first 90% of the shuffled augmented set and
    validates on the rest (L42-43); stage 2 the first 90% of the shuffled original pairs
    (L131-132, split retrain), whose last 10% are epipair's test."""
    df, _, _ = toy_pairs()
    table = splits.speid_retraining_model3(df, 20, 300, 1, 0.1, 0.1)
    n_aug = 20 * int(df["label"].sum()) + int((df["label"] == 0).sum())
    side = table["split"].value_counts()
    assert (side["train"], side["valid"]) == (int(0.9 * n_aug), n_aug - int(0.9 * n_aug))
    assert (side["retrain"], side["test"]) == (int(0.9 * len(df)), len(df) - int(0.9 * len(df)))
    once = table[table["split"].isin(["retrain", "test"])]
    assert sorted(once["pair_id"]) == sorted(df["pair_id"]) and (once["shift"] == 0).all()
    stage1 = table[table["split"].isin(["train", "valid"])]
    assert (stage1["shift"] != 0).any() and stage1["pair_id"].tolist() != sorted(stage1["pair_id"])
    # the two shuffles are independent: shifted copies of test positives trained in stage 1
    positives = set(df["pair_id"][df["label"] == 1])
    test_pos = set(table["pair_id"][table["split"] == "test"]) & positives
    assert test_pos & set(table["pair_id"][table["split"] == "train"])
    rows, shifts = splits.split_instances(df, table, "paper", splits.RETRAIN)
    assert rows.size == side["retrain"] and (shifts == 0).all()


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


def test_chromosome_folds_balance_whole_chromosomes_and_test_every_pair_once():
    df, _, _ = toy_pairs(n_chroms=7, per_chrom=40)
    # uneven chromosomes: chr1 three times as many pairs as the others
    extra, _, _ = toy_pairs(n_chroms=1, per_chrom=80, seed=5)
    extra["pair_id"] = [f"x{i}" for i in range(len(extra))]
    extra["group"] = extra["group"] + df["group"].max() + 1
    df = pd.concat([df, extra], ignore_index=True)
    folds = splits.chromosome_folds(df, 3)
    assert set(folds) == {f"chr{c}" for c in range(1, 8)} and set(folds.values()) == {"1", "2", "3"}
    # greedy, largest first: chr1 (the largest) alone in fold 1 is balanced against 2-3 others
    load = df["enhancer_chrom"].map(folds).value_counts()
    assert load.max() - load.min() <= df["enhancer_chrom"].value_counts().max()
    table = splits.fold_splits(df, folds, ["chr7"])
    tested = table[table["split"] == "test"]
    assert sorted(tested["pair_id"]) == sorted(df["pair_id"])  # every pair exactly once
    for fold, sub in table.groupby("fold"):
        chroms = df.set_index("pair_id").loc[sub["pair_id"], "enhancer_chrom"]
        test_chroms = set(chroms[(sub["split"] == "test").to_numpy()])
        assert test_chroms == {c for c, f in folds.items() if f == fold}
        train_chroms = set(chroms[(sub["split"] == "train").to_numpy()])
        assert not train_chroms & test_chroms
        # groups never split: a group's pairs share one split within a fold
        per_group = sub.assign(group=df.set_index("pair_id").loc[sub["pair_id"], "group"].values)
        assert (per_group.groupby("group")["split"].nunique() == 1).all()
        assert (sub["split"] == "valid").any()
    assert splits.chromosome_folds(df, 3) == folds  # deterministic


def test_groups_across_chromosomes_stay_in_one_fold_and_too_many_folds_fail():
    df, _, _ = toy_pairs(n_chroms=3, per_chrom=20)
    # a group joining chr1 and chr2 (an element shared across chromosomes) binds them
    df.loc[df["enhancer_chrom"] == "chr2", "group"] = df.loc[0, "group"]
    folds = splits.chromosome_folds(df, 2)
    assert folds["chr1"] == folds["chr2"] != folds["chr3"]
    with pytest.raises(EpipairError, match="split.folds is 3 but the pairs lie on 2"):
        splits.chromosome_folds(df, 3)


def test_split_instances_of_a_fold():
    df, _, _ = toy_pairs(n_chroms=4, per_chrom=30)
    folds = splits.chromosome_folds(df, 2)
    table = splits.fold_splits(df, folds, ["chr4"])
    rows, shifts = splits.split_instances(df, None, "leakage_free", "test", table, "2")
    assert set(df["enhancer_chrom"].iloc[rows]) == {c for c, f in folds.items() if f == "2"}
    assert (shifts == 0).all()
    assert splits.fold_from_path("/fold2") == "2" and splits.fold_from_path("") == "all"


def test_epiann_grid_augmentation():
    """Data_Augmentation.R L123: 20 windows (i - 10) * 50 bp, i = 1..20: -450..500."""
    grid = splits.grid_shifts(20, 50)
    assert grid.tolist() == [s for s in range(-450, 501, 50) if s != 0]
    df, _, _ = toy_pairs()
    inst = splits.paper_split(df, 20, 500, 1, 0.1, 0.1, grid_step=50)
    pos = df.loc[df["label"] == 1, "pair_id"].iloc[0]
    assert sorted(inst.loc[inst["pair_id"] == pos, "shift"]) == sorted([0, *grid.tolist()])
    from epipair.model.data import AugmentedInstances

    rows = np.arange(len(df))
    aug = AugmentedInstances.configured(
        rows, df["label"].to_numpy(), {"positives": 20, "max_shift": 500, "grid_step": 50}, 0
    )
    r0, s0 = aug.draw(0)
    r1, s1 = aug.draw(1)
    np.testing.assert_array_equal(s0, s1)  # a fixed grid: the same every epoch
    assert set(s0[rows.size :]) == set(grid.tolist())


def test_grid_beyond_max_shift_is_refused():
    import yaml

    from epipair import config as epiconfig

    from .conftest import ROOT

    cfg = yaml.safe_load((ROOT / "config" / "demo.yaml").read_text())
    cfg["augment"] = {"positives": 5, "max_shift": 100, "grid_step": 50}
    with pytest.raises(EpipairError, match="reaches 150 bp, beyond augment.max_shift"):
        epiconfig.validate(cfg)
    cfg["augment"]["grid_step"] = 25
    epiconfig.validate(cfg)


def test_xiao_chromosome_split_as_released():
    """menglix/EPI: by the enhancer's chromosome, test chr1, validation chr8 and chr9, no
    augmentation; the configured chromosomes where chr1/chr8/chr9 hold no positive."""
    pairs, _, _ = toy_pairs(n_chroms=9)
    inst = splits.xiao_chromosome_split(pairs, 20, 300, 0, 0.1, 0.1)
    assert (inst["pair_id"] == pairs["pair_id"]).all() and (inst["shift"] == 0).all()
    chrom = pairs["enhancer_chrom"].to_numpy()
    want = np.where(
        chrom == "chr1", "test", np.where(np.isin(chrom, ["chr8", "chr9"]), "valid", "train")
    )
    np.testing.assert_array_equal(inst["split"].to_numpy(), want)
    small, _, _ = toy_pairs(n_chroms=5)  # no chr8 or chr9
    inst = splits.xiao_chromosome_split(
        small, 20, 300, 0, 0.1, 0.1, split_chroms=(["chr2"], ["chr3"])
    )
    counts = inst.groupby("split").size()
    chrom = small["enhancer_chrom"].to_numpy()
    assert counts["test"] == (chrom == "chr2").sum() and counts["valid"] == (chrom == "chr3").sum()
    table = splits.paper_splits(small, 5, 100, 0, 0.1, 0.1, None, (["chr2"], ["chr3"]))
    assert set(table["scheme"]) == set(splits.PAPER_SCHEMES)
