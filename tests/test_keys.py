"""One resume key for checkpoints, candidate chunks and the download cache (epipair.io.keys)."""

import os

from epipair.io import keys


def test_content_and_stat_keys(tmp_path):
    f = tmp_path / "a.tsv"
    f.write_text("x\n")
    by_content = keys.resume_key({"b": 1, "a": [1, 2]}, {"pairs": f})
    by_stat = keys.resume_key({"a": [1, 2], "b": 1}, {"pairs": f}, by="stat")
    assert by_content["settings"] == by_stat["settings"]  # canonical: key order does not count
    assert by_content["inputs"]["pairs"] == keys.digests(f)[0]
    # touched, same bytes: the content key holds, the size-and-time key moves
    os.utime(f, ns=(1, 1))
    assert keys.resume_key({}, {"pairs": f})["inputs"] == by_content["inputs"]
    assert keys.resume_key({}, {"pairs": f}, by="stat")["inputs"] != by_stat["inputs"]
    assert keys.digest(by_stat) != keys.digest(keys.resume_key({}, {"pairs": f}, by="stat"))
    # a missing optional input is left out; git's blob id of the bytes "x\n"
    assert keys.resume_key({}, {"gone": tmp_path / "no"})["inputs"] == {}
    assert keys.digests(f)[1] == "587be6b4c3f93f93c489c0111bba5596147a26cb"
