"""The training module stays readable: small functions, a short entry point (issue 28)."""

import ast

from .conftest import ROOT

TRAIN = ROOT / "src" / "epipair" / "train.py"
MAX_LINES = 60


def body_lines(node: ast.FunctionDef) -> int:
    """Lines of a function, signature included, its docstring not."""
    first = node.body[0]
    doc = (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )
    docstring = first.end_lineno - first.lineno + 1 if doc else 0
    return node.end_lineno - node.lineno + 1 - docstring


def functions(tree):
    return [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def test_no_function_of_the_training_module_exceeds_60_lines():
    tree = ast.parse(TRAIN.read_text())
    long = {f.name: body_lines(f) for f in functions(tree) if body_lines(f) > MAX_LINES}
    assert long == {}


def test_the_entry_point_is_short_and_takes_at_most_10_parameters():
    tree = ast.parse(TRAIN.read_text())
    (entry,) = [f for f in functions(tree) if f.name == "train_neural"]
    args = entry.args
    n = len(args.posonlyargs) + len(args.args) + len(args.kwonlyargs)
    assert n <= 10 and args.vararg is None and args.kwarg is None
    assert body_lines(entry) <= 40
