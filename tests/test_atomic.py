"""Nothing half-written: a writer that fails leaves neither the target nor a temporary file."""

import numpy as np
import pytest

from epipair.io import atomic


def test_failed_write_leaves_nothing(tmp_path, monkeypatch):
    target = tmp_path / "f" / "x.npy"
    atomic.write_npy(np.arange(3), target)  # an older complete version
    before = target.read_bytes()

    def explode(path, arr, allow_pickle=False):
        with open(path, "wb") as fh:
            fh.write(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(np, "save", explode)
    with pytest.raises(OSError, match="disk full"):
        atomic.write_npy(np.arange(10), target)
    assert target.read_bytes() == before  # the old file stays whole
    assert sorted(p.name for p in target.parent.iterdir()) == ["x.npy"]


def test_atomic_outputs_have_normal_permissions(tmp_path):
    atomic.write_text("a\n", tmp_path / "t.txt")
    assert (tmp_path / "t.txt").stat().st_mode & 0o644 == 0o644
