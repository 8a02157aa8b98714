"""The workflow scripts' wrapper: one line, in the log too, for what a job cannot fix.

Each case runs in its own process: ``script()`` reconfigures the root logger, as a job's
process does."""

import subprocess
import sys

import pytest

JOB = """
import errno, logging, sys
from types import SimpleNamespace
from epipair import smk

snakemake = SimpleNamespace(log=[sys.argv[1]], output=[sys.argv[2]], rule="regions",
                            wildcards={{"cell": "CellA"}})
{setup}
with smk.script(snakemake):
    raise {error}
"""


def run_job(tmp_path, error, setup=""):
    log, out = tmp_path / "job.log", tmp_path / "out" / "table.tsv"
    code = JOB.format(setup=setup, error=error)
    done = subprocess.run(
        [sys.executable, "-c", code, str(log), str(out)], capture_output=True, text=True
    )
    return done, log, str(out)


@pytest.mark.parametrize(
    "error, where, message",
    [
        ('OSError(errno.ENOSPC, "No space left on device")', None, "no space left on the device"),
        ('OSError(errno.EACCES, "Permission denied", "/r/x.tsv")', "/r/x.tsv", "permission denied"),
        ('OSError(errno.EROFS, "Read-only file system", "/r/x.tsv")', "/r/x.tsv", "read-only"),
    ],
)
def test_a_full_or_read_only_disk_is_one_line_in_the_log(tmp_path, error, where, message):
    done, log, out = run_job(tmp_path, error)
    assert done.returncode == 1
    where = where or out  # a write error that names no file: the job's output
    line = f"cannot write {where} (folder {where.rsplit('/', 1)[0]}): {message}"
    assert line in log.read_text() and "Traceback" not in log.read_text()
    assert line in done.stderr and "Traceback" not in done.stderr


def test_a_log_that_cannot_be_opened_is_named_on_the_console(tmp_path):
    setup = (
        "def read_only(path, mode='a'):\n"
        "    raise OSError(errno.EROFS, 'Read-only file system', path)\n"
        "logging.FileHandler = read_only"
    )
    done, log, _ = run_job(tmp_path, 'AssertionError("the body must not run")', setup)
    assert done.returncode == 1 and "the body must not run" not in done.stderr
    assert f"cannot write {log} (folder {tmp_path}): read-only file system" in done.stderr


def test_other_errors_keep_their_traceback(tmp_path):
    done, _, _ = run_job(tmp_path, 'FileNotFoundError(errno.ENOENT, "No such file", "/nope")')
    assert done.returncode == 1 and "Traceback" in done.stderr


def test_input_names_of_several_parts_decode_one_way():
    """epipair.smk.input_key names a rule's inputs after several things, keyed decodes them:
    the separator is in no name a config may hold (epipair.config.NAME_RE)."""
    from epipair.config import NAME_RE
    from epipair.smk import SEP, input_key, keyed

    assert not NAME_RE.match(f"a{SEP}b") and NAME_RE.match("HeLa-S3_v2.1")
    inputs = {
        input_key("model", "HeLa-S3", "1"): "m1",
        input_key("model", "K562_x", "all"): "m2",
        input_key("db", "demo"): "d",
        input_key("interpret", "speid", "paper", "CellA"): "i",
        "pairs": "p",
    }
    assert keyed(inputs, "model") == {("HeLa-S3", "1"): "m1", ("K562_x", "all"): "m2"}
    assert keyed(inputs, "db") == {"demo": "d"}
    assert keyed(inputs, "interpret") == {("speid", "paper", "CellA"): "i"}
    assert keyed(inputs, "pairs") == {}
