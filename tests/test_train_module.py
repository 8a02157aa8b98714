"""The training module's entry point stays short (issue 28); every function of the library
is at most 60 lines (tests/test_layout.py)."""

import ast

from .conftest import ROOT
from .test_layout import body_lines

TRAIN = ROOT / "src" / "epipair" / "model" / "train.py"


def test_the_entry_point_is_short_and_takes_at_most_10_parameters():
    tree = ast.parse(TRAIN.read_text())
    (entry,) = [f for f in ast.walk(tree) if getattr(f, "name", None) == "train_neural"]
    args = entry.args
    n = len(args.posonlyargs) + len(args.args) + len(args.kwonlyargs)
    assert n <= 10 and args.vararg is None and args.kwarg is None
    assert body_lines(entry) <= 40
