"""The tables the workflow writes and reads back, with their column contracts.

One :class:`Table` per file kind (DESIGN.md section 3, "Result paths"): its columns in order
and the types they are read with. Readers check the columns, so a stale or foreign file fails
with one line naming the file and what it lacks, not with a ``KeyError`` deep in a stage.
Writers put the contract's columns first, in order, and write atomically.

This module imports pandas only (no Keras, no scikit-learn).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..errors import EpipairError
from .atomic import write_tsv
from .bed import require_columns
from .pairs import COORD_FIELDS


@dataclass(frozen=True)
class Table:
    """A TSV with required ``columns`` (more may follow) read with ``dtypes``."""

    name: str
    columns: tuple[str, ...]
    dtypes: dict = field(default_factory=dict)
    # pairs tables hold chromosome names and ids only; "NA" there is a name, not a missing value
    keep_na_strings: bool = False

    def read(self, path) -> pd.DataFrame:
        try:
            df = pd.read_csv(
                path, sep="\t", dtype=self.dtypes, keep_default_na=not self.keep_na_strings
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise EpipairError(f"{path}: not a readable {self.name} table: {first}") from None
        require_columns(
            path, df.columns, self.columns,
            f"of {self.name}; was it written by another epipair version? rerun the rule that "
            "makes it",
        )  # fmt: skip
        return df

    def write(self, df: pd.DataFrame, path) -> None:
        missing = [c for c in self.columns if c not in df.columns]
        if missing:  # a programming error, not a user's: say which contract broke
            raise ValueError(f"{self.name}: columns {missing} missing from the table to write")
        extra = [c for c in df.columns if c not in self.columns]
        write_tsv(df[list(self.columns) + extra], path)


# results/<cell>/pairs.tsv: the original element coordinates, the leakage-free split
# (``split``) and the model windows (end = start + window width); source_line is the line in
# the labels file. The random protocols' splits are splits_paper.tsv's (their own rule: their
# settings rerun nothing that reads pairs.tsv alone).
PAIRS = Table(
    "pairs.tsv",
    (
        "pair_id",
        *COORD_FIELDS,
        "label",
        "distance",
        "group",
        "split",
        "enhancer_window_start",
        "promoter_window_start",
        "source_line",
    ),
    {
        "pair_id": str,
        "enhancer_chrom": str,
        "promoter_chrom": str,
        "split": str,
    },
    keep_na_strings=True,
)
# results/<cell>/splits_paper.tsv: the instances of the random protocols: each ``paper`` scheme
# (each model's own published protocol; a shifted copy of a pair is one row) and
# ``random_holdout`` (scheme ``random_holdout``: every pair once, unshifted).
PAPER_SPLIT = Table(
    "splits_paper.tsv",
    ("scheme", "pair_id", "shift", "split"),
    {"scheme": str, "pair_id": str, "split": str},
    keep_na_strings=True,
)
# results/<cell>/folds.tsv: the held-out chromosomes of leakage_free models, by fold ("all":
# the single split's test chromosomes; "1".."K" under cross-validation, every chromosome).
FOLDS = Table("folds.tsv", ("chrom", "fold"), {"chrom": str, "fold": str}, keep_na_strings=True)
# results/<cell>/splits_folds.tsv: each fold's train/valid/test split of the pairs.
FOLD_SPLITS = Table(
    "splits_folds.tsv",
    ("pair_id", "fold", "split"),
    {"pair_id": str, "fold": str, "split": str},
    keep_na_strings=True,
)
# results/models/<model>/<protocol>/<cell>/history.tsv: one row per epoch (or fit).
HISTORY = Table(
    "history.tsv",
    ("epoch", "stage", "loss", "val_aupr", "val_auroc", "val_f1", "seconds", "samples_per_s"),
    {"stage": str},
)
# results/predictions/<model>/<protocol>/<train>__<test>.tsv; fold: the model that scored the
# row ("all": the single split's model)
PREDICTIONS = Table(
    "predictions",
    ("pair_id", "shift", "label", "score", "fold"),
    {"pair_id": str, "fold": str},
)
# results/metrics.tsv: one row per model, protocol, train and test cell line.
# the statistics of a scored set (epipair.model.metrics.bootstrap), 95% intervals
STATS = (
    "n", "n_pos", "base_rate", "aupr", "aupr_low", "aupr_high", "auroc", "auroc_low", "auroc_high",
)  # fmt: skip
METRICS = Table(
    "metrics.tsv",
    ("model", "protocol", "train_cell", "test_cell", *STATS, "fold"),
    {"model": str, "protocol": str, "train_cell": str, "test_cell": str, "fold": str},
)
# results/benchmarks/<name>/<model>__<protocol>.tsv
BENCHMARK_SCORES = Table(
    "benchmark scores",
    ("pair_id", "label", "distance", "score", "fold"),
    {"pair_id": str, "fold": str},
)
# results/benchmark_metrics.tsv; model distance_prior: the unsupervised distance score
BENCHMARK_METRICS = Table(
    "benchmark_metrics.tsv",
    (
        "benchmark",
        "cell_line",
        "trained_on",  # the cell line whose models score it, or a train group
        "model",
        "protocol",
        *STATS,
        "precision_at_70_recall",
        "threshold",
        "threshold_precision",
        "threshold_recall",
    ),  # fmt: skip
    {"benchmark": str, "cell_line": str, "trained_on": str, "model": str, "protocol": str},
)

# results/interpret/<model>/<protocol>/<cell>/motifs.tsv: one row per motif and database (its
# best match there; p_value follows as an extra column)
INTERPRET_MOTIFS = Table(
    "motifs.tsv",
    (
        "motif_id",
        "source",
        "n_sites",
        "consensus",
        "database",
        "match_id",
        "match_name",
        "q_value",
    ),
    {"motif_id": str, "source": str, "consensus": str, "database": str, "match_id": str},
    keep_na_strings=True,
)


def read_pairs_table(path) -> pd.DataFrame:
    """A ``results/<cell>/pairs.tsv``."""
    return PAIRS.read(path)


def read_split_tables(
    pairs_path, paper_path, protocol: str, folds_path=None, scheme: str = "augment_then_split"
):
    """``(pairs, paper, fold_splits)``: the pairs table; the instances of ``scheme`` when
    ``protocol`` is paper (of scheme ``random_holdout`` under that protocol) from
    ``splits_paper.tsv``, else ``None``; the cross-validation splits when ``folds_path`` is
    given (else ``None``)."""
    pairs = PAIRS.read(pairs_path)
    paper = None
    if protocol in ("paper", "random_holdout"):
        scheme = scheme if protocol == "paper" else "random_holdout"
        paper = PAPER_SPLIT.read(paper_path)
        paper = paper[paper["scheme"] == scheme].reset_index(drop=True)
        if paper.empty:
            raise EpipairError(f"{paper_path}: no instances of scheme {scheme!r}; rerun")
    fold_splits = FOLD_SPLITS.read(folds_path) if folds_path is not None else None
    return pairs, paper, fold_splits


def read_folds(path) -> dict[str, str]:
    """``{chromosome: fold}`` of a ``folds.tsv``."""
    table = FOLDS.read(path)
    return dict(zip(table["chrom"], table["fold"]))
