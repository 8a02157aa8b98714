"""Which model scores which pair: folds, other cell lines and benchmarks."""

import os
import pickle
import zipfile

import numpy as np
import pandas as pd
import pytest

from epipair.errors import EpipairError
from epipair.model import predict, registry
from epipair.model.data import CellData


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


# --- model files: a baseline is read back without running code of the file ----------------


def fitted_baseline(name, tmp_path):
    """Baseline ``name`` fitted on small random data, and feature rows that it scores."""
    from epipair.model import e2g, registry
    from epipair.model.baselines import Baseline

    from .test_abc import write_tables

    spec = registry.spec(name)
    rng = np.random.default_rng(0)
    y = np.r_[np.zeros(40), np.ones(40)].astype(int)
    model = Baseline(name, 0, {"max_iter": 5} if name.endswith("gbm") else None)
    if spec.reads_elements:
        elements = [("chr1", 5_000, 5_500, 4.0, 0), ("chr1", 9_750, 10_250, 9.0, 1)]
        model.estimator.load(*write_tables(tmp_path, elements, [("chr1", 10_000, "G")]))
        # Hi-C rows (epipair.io.hic.read_contact's dict), as a cell line with Hi-C has them
        bins = np.array([1, 2], dtype=np.int64)
        model.estimator.hic = {"resolution": 5000, "band": 2, "chr1": (bins, rng.random((2, 5)))}
        x = pd.DataFrame(
            {
                "enhancer_chrom": ["chr1"] * 3,
                "enhancer_start": [5_000, 5_100, 20_000],
                "enhancer_end": [5_500, 5_300, 20_400],
                "promoter_chrom": ["chr1"] * 3,
                "promoter_start": [9_000] * 3,
                "promoter_end": [11_000] * 3,
            }
        )
        return model, x
    if spec.reads_pair_features:
        x = pd.DataFrame(rng.random((80, len(e2g.FEATURES))), columns=list(e2g.FEATURES))
    elif spec.reads_signal:
        x = rng.random((80, 8))
    else:
        x = rng.random((80, 1))
    return model.fit_matrix(x, y), x


@pytest.mark.parametrize("name", registry.names("baseline"))
def test_every_baseline_round_trips_through_its_model_file(tmp_path, name):
    from epipair.model.baselines import save_baseline

    model, x = fitted_baseline(name, tmp_path)
    path = tmp_path / registry.spec(name).file_name
    save_baseline(model, [0, 1], [0.2, 0.8], 80, 1.0, path, tmp_path / "history.tsv")
    assert zipfile.is_zipfile(path)  # skops' format, never a pickle
    again = predict.load_model(path)
    assert type(again) is type(model) and again.name == name
    np.testing.assert_array_equal(again.predict_matrix(x), model.predict_matrix(x))
    assert np.ptp(model.predict_matrix(x)) > 0  # the comparison compares something


class RunsCode:
    """Unpickling it makes a folder: the marker of code that a model file ran."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.mkdir, (self.marker,))


@pytest.mark.parametrize("file_name", [registry.spec("gbm").file_name, "model.pkl"])
def test_a_pickle_at_a_model_path_is_refused_without_running_it(tmp_path, file_name):
    marker = tmp_path / "ran"
    path = tmp_path / "models" / "gbm" / "leakage_free" / "CellA" / file_name
    path.parent.mkdir(parents=True)
    path.write_bytes(pickle.dumps(RunsCode(marker)))
    with pytest.raises(EpipairError) as err:
        predict.load_model(path)
    assert str(err.value).startswith(f"{path}: not ")
    assert "a pickle is never read" in str(err.value) and "retrain" in str(err.value)
    assert "\n" not in str(err.value)
    assert not marker.exists()


def test_a_skops_file_with_an_untrusted_type_is_refused_naming_it(tmp_path):
    import skops.io
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import FunctionTransformer

    from epipair.model.baselines import Baseline

    model = Baseline("distance")
    model.estimator = FunctionTransformer(os.mkdir)  # a function of the file's choosing
    path = tmp_path / "model.skops"
    skops.io.dump(model, path)
    expected = r"model\.skops: not an epipair baseline model \(untrusted types: posix\.mkdir\)"
    with pytest.raises(EpipairError, match=expected + "; retrain it") as err:
        predict.load_model(path)
    assert "\n" not in str(err.value)
    # trusted types, but not a baseline
    skops.io.dump(LogisticRegression(), path)
    with pytest.raises(EpipairError, match="it holds a LogisticRegression"):
        predict.load_model(path)
    path.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(EpipairError, match="not an epipair baseline model|unreadable"):
        predict.load_model(path)
