"""Glue for ``workflow/scripts``: logging to the rule's log file and one-line errors."""

from __future__ import annotations

import contextlib
import logging
import sys

from .errors import EpipairError


def model_files(inputs) -> dict:
    """``{fold: path}`` of a rule's ``model_<fold>`` inputs (one per cross-validation fold)."""
    return {k.removeprefix("model_"): v for k, v in inputs.items() if k.startswith("model_")}


@contextlib.contextmanager
def script(snakemake, append: bool = False):
    """Run a workflow script body: log to ``snakemake.log[0]``; turn errors into one line.

    An :class:`EpipairError` is written to the log and to stderr as a single line and the job
    exits with status 1, so the user sees what is wrong instead of a traceback.
    ``append`` keeps earlier lines of the log (training resumed after a kill).
    """
    handlers = [logging.StreamHandler(sys.stderr)]
    if len(snakemake.log):
        handlers.append(logging.FileHandler(snakemake.log[0], mode="a" if append else "w"))
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=handlers,
        force=True,
    )
    log = logging.getLogger("epipair")
    log.info("rule %s, wildcards %s", snakemake.rule, dict(snakemake.wildcards))
    try:
        yield log
    except EpipairError as exc:
        log.error("%s", exc)
        logging.shutdown()
        sys.exit(1)
    log.info("done")
