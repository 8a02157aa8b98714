"""The library's layers: imports go down only, and functions stay short (issue 29)."""

import ast

from .conftest import ROOT

SRC = ROOT / "src" / "epipair"
# low to high; ``epipair.errors`` and the package root (its version) sit under every layer,
# ``config``, ``sources`` and ``smk`` (the workflow's side) over every one
LAYERS = ("io", "prep", "model", "evaluate", "interpret")
BASE, TOP = {"errors", ""}, {"config", "sources", "smk"}
MAX_LINES = 60


def module(path) -> tuple[str, ...]:
    parts = path.relative_to(SRC).with_suffix("").parts
    return parts[:-1] if parts[-1] == "__init__" else parts


def imports(path):
    """``(line, imported module as parts under epipair)`` of every epipair import in ``path``."""
    pkg = module(path) if path.name == "__init__.py" else module(path)[:-1]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(pkg[: len(pkg) - node.level + 1])
            if node.module:
                yield node.lineno, (*base, *node.module.split("."))
            else:
                for alias in node.names:
                    yield node.lineno, (*base, alias.name)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("epipair"):
            yield node.lineno, tuple(node.module.split(".")[1:])


def rank(parts: tuple[str, ...]) -> int:
    """A module's layer: -1 under every layer, len(LAYERS) over them."""
    head = parts[0] if parts else ""
    if head in BASE or head == "__version__":
        return -1
    if head in TOP:
        return len(LAYERS)
    return LAYERS.index(head)


def test_every_module_sits_in_a_layer():
    for path in SRC.rglob("*.py"):
        parts = module(path)
        assert not parts or parts[0] in (*LAYERS, *BASE, *TOP), f"{path}: outside the layers"


def test_imports_only_go_down_the_layers():
    upward = []
    for path in SRC.rglob("*.py"):
        own = rank(module(path))
        for line, target in imports(path):
            if rank(target) > own:
                upward.append(f"{path.relative_to(ROOT)}:{line} imports {'.'.join(target)}")
    assert upward == []


def body_lines(node) -> int:
    """Lines of a function, signature included, its docstring not."""
    first = node.body[0]
    doc = (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )
    docstring = first.end_lineno - first.lineno + 1 if doc else 0
    return node.end_lineno - node.lineno + 1 - docstring


def test_no_function_is_longer_than_60_lines():
    long = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if body_lines(node) > MAX_LINES:
                    long.append(f"{'.'.join(module(path))}.{node.name}: {body_lines(node)} lines")
    assert long == []
