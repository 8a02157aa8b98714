"""Glue for ``workflow/scripts``: logging to the rule's log file and one-line errors."""

from __future__ import annotations

import contextlib
import errno
import logging
import sys
from pathlib import Path

from .errors import EpipairError

LOG_FORMAT = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")


def canonical(value):
    """``value`` with every mapping's keys sorted, recursively (lists and tuples keep their
    order): a rule's params built from a config section. Snakemake compares params by their
    ``repr``, so the order of keys in the config file (or of the schema's defaults, filled in
    after the keys given) would otherwise rerun jobs whose result does not change."""
    if isinstance(value, dict):
        return {k: canonical(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    if isinstance(value, tuple):
        return tuple(canonical(v) for v in value)
    return value


# a workflow input named after several things (``model:CellA:1``): ``:`` is in no configured
# name (``epipair.config.NAME_RE``), model, protocol or fold, so a name decodes one way
SEP = ":"


def input_key(kind: str, *parts) -> str:
    """The name of a rule's input of ``kind`` for ``parts`` (:func:`keyed` decodes it)."""
    return SEP.join([kind, *map(str, parts)])


def keyed(inputs, kind: str) -> dict:
    """``{parts: value}`` of the inputs named :func:`input_key` ``(kind, *parts)``: one part
    as itself, several as a tuple."""
    out = {}
    for key, value in inputs.items():
        head, *parts = key.split(SEP)
        if head == kind and parts:
            out[parts[0] if len(parts) == 1 else tuple(parts)] = value
    return out


def model_files(inputs) -> dict:
    """``{fold: path}`` of a rule's ``model:<fold>`` inputs (one per cross-validation fold)."""
    return keyed(inputs, "model")


def train_inputs(inputs, pretrain_cells, fold: str):
    """``epipair.model.train.TrainInputs`` of one run from its inputs (the ``train_inputs`` of
    workflow/rules/common/train.smk: ``pairs``, ``paper`` (not under leakage_free),
    ``folds``, ``features``, ``pretrain:<i>:<what>`` in the order of ``pretrain_cells``,
    ``part:<model>``)."""
    from .model.train import TrainInputs

    return TrainInputs(
        pairs_path=inputs["pairs"],
        features_dir=Path(inputs["features"][0]).parent,
        paper_path=optional_input(inputs, "paper"),
        folds_path=inputs["folds"],
        fold=fold,
        pretrain={
            cell: {
                "pairs": inputs[input_key("pretrain", i, "pairs")],
                "paper": optional_input(inputs, input_key("pretrain", i, "paper")),
                "features_dir": Path(inputs[input_key("pretrain", i, "features")][0]).parent,
            }
            for i, cell in enumerate(pretrain_cells)
        },
        parts=keyed(inputs, "part"),
    )


def optional_input(inputs, key):
    """``inputs[key]``, or ``None`` where the job has no such input (``splits_paper.tsv`` of a
    leakage_free job)."""
    return inputs[key] if key in inputs.keys() else None


def predict_kwargs(inputs, tests, folds) -> dict:
    """Keyword arguments of ``epipair.model.predict.predict_all`` from the ``predict_inputs`` of
    workflow/rules/common/evaluate.smk (``model:<cell>:<fold>``, ``folds:<cell>``,
    ``pairs:<cell>``)."""
    tests = [tuple(t) for t in tests]
    cells = dict.fromkeys(a for a, _ in tests)
    models, folds_of, pairs = (keyed(inputs, k) for k in ("model", "folds", "pairs"))
    return {
        "model_paths": {a: {f: models[a, f] for f in folds} for a in cells},
        "folds_paths": {a: folds_of[a] for a in cells},
        "cell_dirs": {b: Path(pairs[b]).parent for _, b in tests},
        "tests": tests,
    }


@contextlib.contextmanager
def log_file(path):
    """Send the log to ``path`` (appended) for the duration, instead of the rule's first log:
    one run of a job that trains several (each its own ``train.log``)."""
    root = logging.getLogger()
    old = [h for h in root.handlers if isinstance(h, logging.FileHandler)]
    new = logging.FileHandler(path, mode="a")
    new.setFormatter(LOG_FORMAT)
    for h in old:
        root.removeHandler(h)
    root.addHandler(new)
    try:
        yield
    finally:
        root.removeHandler(new)
        new.close()
        for h in old:
            root.addHandler(h)


@contextlib.contextmanager
def script(snakemake, append: bool = False):
    """Run a workflow script body: log to ``snakemake.log[0]``; turn errors into one line.

    An :class:`EpipairError` is written to the log and to stderr as a single line and the job
    exits with status 1, so the user sees what is wrong instead of a traceback.
    ``append`` keeps earlier lines of the log (training resumed after a kill).
    """
    # progress goes to the job's log; the console gets warnings and errors (Snakemake prints
    # a line per job)
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.WARNING)
    handlers, unwritable = [console], None
    if len(snakemake.log):
        try:
            handlers.append(logging.FileHandler(snakemake.log[0], mode="a" if append else "w"))
        except OSError as exc:  # a read-only or full results/: say so on the console
            unwritable = disk_problem(exc) or f"{snakemake.log[0]}: cannot open the log ({exc})"
    for h in handlers:
        h.setFormatter(LOG_FORMAT)
    logging.basicConfig(level=logging.INFO, handlers=handlers, force=True)
    log = logging.getLogger("epipair")
    if unwritable:
        log.error("%s", unwritable)
        logging.shutdown()
        sys.exit(1)
    log.info("rule %s, wildcards %s", snakemake.rule, dict(snakemake.wildcards))
    try:
        yield log
    except EpipairError as exc:
        log.error("%s", exc)
        logging.shutdown()
        sys.exit(1)
    except OSError as exc:
        outputs = [str(o) for o in snakemake.output]
        problem = disk_problem(exc, outputs[0] if outputs else None)
        if problem is None:
            raise
        log.error("%s", problem)
        logging.shutdown()
        sys.exit(1)
    log.info("done")


# what a job cannot fix by itself: where it writes is full, read-only or not its own
DISK_PROBLEMS = {
    errno.ENOSPC: "no space left on the device; free some and rerun",
    errno.EDQUOT: "disk quota exceeded; free some space and rerun",
    errno.EROFS: "read-only file system; run where results/ can be written",
    errno.EACCES: "permission denied; make the folder writable (or run as its owner)",
    errno.EPERM: "operation not permitted; make the folder writable (or run as its owner)",
}


def disk_problem(exc: OSError, output=None) -> str | None:
    """One line for an error of the file system (full, read-only, not writable) naming the
    file and its folder (``output``, the job's first output, when the error names no file);
    ``None`` for other errors (they keep their traceback)."""
    why = DISK_PROBLEMS.get(exc.errno)
    if why is None:
        return None
    path = exc.filename or output
    if not path:
        return f"cannot write: {why}"
    return f"cannot write {path} (folder {Path(path).parent}): {why}"
