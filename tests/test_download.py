"""Downloads against a loopback HTTP server started by the tests."""

import hashlib
import http.server
import threading

import pytest

from epipair import sources
from epipair.errors import EpipairError
from epipair.io import download

from .conftest import ROOT

PAYLOAD = bytes(range(256)) * 4096  # 1 MiB
SHA = hashlib.sha256(PAYLOAD).hexdigest()
# `git hash-object` of PAYLOAD, computed once with git and kept as a literal, so the test
# does not lean on the formula it checks
BLOB = "ea8e482b990b87c0f69d29fd1dd6a41d0f1a514b"
ALTERED = PAYLOAD[:1000] + b"X" + PAYLOAD[1001:]  # same size, one byte changed


class Handler(http.server.BaseHTTPRequestHandler):
    counts: dict = {}

    def log_message(self, *args):
        pass

    def _send(self, body, status=200, length=None, extra=()):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _send_range(self, rng, body=PAYLOAD, etag='"v1"'):
        """``body`` with its ETag, or its tail from the Range header's first byte (206) when
        If-Range names that ETag (RFC 9110: a mismatch gets the whole body, 200)."""
        tag = [("ETag", etag)]
        if not rng or self.headers.get("If-Range") != etag:
            return self._send(body, extra=tag)
        start = int(rng.split("=")[1].rstrip("-"))
        return self._send(
            body[start:],
            status=206,
            extra=[("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}"), *tag],
        )

    def _send_range_without_validator(self, rng, body):
        """A server that honours Range but names no ETag or Last-Modified."""
        if not rng:
            return self._send(body)
        start = int(rng.split("=")[1].rstrip("-"))
        return self._send(
            body[start:],
            status=206,
            extra=[("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")],
        )

    def do_GET(self):
        n = Handler.counts[self.path] = Handler.counts.get(self.path, 0) + 1
        rng = self.headers.get("Range")
        if self.path == "/data.bin" or self.path.startswith("/data.bin?"):
            return self._send(PAYLOAD)
        if self.path == "/private.bin":  # HTTP Basic, alice:S3cretPW
            if self.headers.get("Authorization") != "Basic YWxpY2U6UzNjcmV0UFc=":
                return self._send(b"who are you", status=401)
            return self._send(PAYLOAD)
        if self.path == "/altered.bin":
            return self._send(ALTERED)
        if self.path == "/ranged.bin" and n == 1:  # first request: cut off half-way
            half = PAYLOAD[: len(PAYLOAD) // 2]
            return self._send(half, length=len(PAYLOAD), extra=[("ETag", '"v1"')])
        if self.path == "/changed.bin":  # cut off half-way, then the file changes
            if n == 1:
                half = PAYLOAD[: len(PAYLOAD) // 2]
                return self._send(half, length=len(PAYLOAD), extra=[("ETag", '"v1"')])
            return self._send_range(rng, ALTERED, etag='"v2"')
        if self.path == "/novalidator.bin":  # honours Range, proves nothing
            if n == 1:
                return self._send(PAYLOAD[:1000], length=len(ALTERED))
            return self._send_range_without_validator(rng, ALTERED)
        if self.path in ("/ranged.bin", "/resumable.bin"):
            return self._send_range(rng)
        if self.path == "/norange.bin":
            if n == 1:
                return self._send(PAYLOAD[:1000], length=len(PAYLOAD), extra=[("ETag", '"v1"')])
            return self._send(PAYLOAD)  # ignores Range: a full 200 answer
        if self.path == "/flaky.bin":
            if n <= 2:
                return self._send(b"busy", status=503)
            return self._send(PAYLOAD)
        if self.path == "/truncated.bin":
            return self._send(PAYLOAD[:5000], length=len(PAYLOAD))
        self._send(b"not found", status=404)


@pytest.fixture
def server():
    Handler.counts = {}
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def leftovers(folder):
    return sorted(
        p.name
        for p in folder.rglob("*")
        if p.is_file() and (p.name.endswith((".part", ".part.json")) or p.name.startswith("."))
    )


def test_good_file(server, tmp_path):
    dest = tmp_path / "resources" / "x" / "data.bin"
    assert download.fetch(f"{server}/data.bin", dest, SHA, root=tmp_path / "resources") == SHA
    assert dest.read_bytes() == PAYLOAD
    assert leftovers(tmp_path) == []


def test_wrong_checksum_leaves_nothing(server, tmp_path):
    dest = tmp_path / "resources" / "data.bin"
    with pytest.raises(
        EpipairError,
        match=f"sha256 mismatch: expected {'0' * 64} \\(config\\), observed {SHA}; file removed",
    ):
        download.fetch(f"{server}/data.bin", dest, "0" * 64)
    assert not dest.exists() and leftovers(tmp_path) == []


def test_server_failing_twice_then_succeeding_is_retried(server, tmp_path, caplog):
    dest = tmp_path / "flaky.bin"
    download.fetch(f"{server}/flaky.bin", dest, SHA, attempts=3, backoff=0.01)
    assert dest.read_bytes() == PAYLOAD
    assert Handler.counts["/flaky.bin"] == 3
    assert "HTTP 503" in caplog.text and "retrying" in caplog.text


def test_truncated_body(server, tmp_path):
    dest = tmp_path / "t.bin"
    with pytest.raises(
        EpipairError, match="truncated body: Content-Length 1048576, received 5000 bytes"
    ):
        download.fetch(f"{server}/truncated.bin", dest, SHA, attempts=2, backoff=0.01)
    assert not dest.exists() and leftovers(tmp_path) == []


def test_404(server, tmp_path):
    with pytest.raises(EpipairError, match="HTTP 404"):
        download.fetch(f"{server}/missing.bin", tmp_path / "m.bin", SHA)
    assert Handler.counts["/missing.bin"] == 1  # a 404 is not retried
    assert leftovers(tmp_path) == []


def test_interrupted_transfer_resumes_with_range(server, tmp_path, caplog):
    caplog.set_level("INFO")
    dest = tmp_path / "r.bin"
    download.fetch(f"{server}/ranged.bin", dest, SHA, attempts=2, backoff=0.01)
    assert dest.read_bytes() == PAYLOAD
    assert "resumed at byte 524288" in caplog.text


def test_server_without_range_starts_over(server, tmp_path, caplog):
    caplog.set_level("INFO")
    dest = tmp_path / "n.bin"
    download.fetch(f"{server}/norange.bin", dest, SHA, attempts=2, backoff=0.01)
    assert dest.read_bytes() == PAYLOAD
    assert "or it ignores Range); starting over" in caplog.text


def test_resume_only_when_the_server_proves_the_file_unchanged(server, tmp_path, caplog):
    """A file that changed on the server between the cut and the resume is not spliced."""
    caplog.set_level("INFO")
    lock = tmp_path / "downloads.lock.tsv"
    dest = tmp_path / "c.bin"
    download.fetch(f"{server}/changed.bin", dest, attempts=2, backoff=0.01, lock=lock)
    assert dest.read_bytes() == ALTERED  # not PAYLOAD's first half + ALTERED's second
    assert "it changed since c.bin.part began" in caplog.text
    assert download.read_lock(lock)[f"{server}/changed.bin"]["sha256"] == (
        hashlib.sha256(ALTERED).hexdigest()
    )
    # a server that names no validator: a partial file is never resumed
    caplog.clear()
    dest = tmp_path / "v.bin"
    download.fetch(f"{server}/novalidator.bin", dest, attempts=2, backoff=0.01)
    assert dest.read_bytes() == ALTERED and "resumed" not in caplog.text
    assert "has no record that the server's file is unchanged" in caplog.text
    assert leftovers(tmp_path) == []


def test_file_url_and_local_path(tmp_path):
    src = tmp_path / "src.bin"
    src.write_bytes(PAYLOAD)
    download.fetch(f"file://{src}", tmp_path / "a.bin", SHA)
    download.fetch(str(src), tmp_path / "b.bin", SHA)
    assert (tmp_path / "a.bin").read_bytes() == (tmp_path / "b.bin").read_bytes() == PAYLOAD
    with pytest.raises(EpipairError, match="local file not found"):
        download.fetch(str(tmp_path / "nope"), tmp_path / "c.bin")


def test_lock_file_round_trip(server, tmp_path, caplog):
    caplog.set_level("INFO")
    lock = tmp_path / "resources" / "downloads.lock.tsv"
    url = f"{server}/data.bin"
    download.fetch(url, tmp_path / "resources" / "d.bin", lock=lock)
    assert "no sha256 configured; recorded" in caplog.text
    entry = download.read_lock(lock)[url]
    assert entry["sha256"] == SHA and entry["bytes"] == str(len(PAYLOAD))
    assert download.lock_as_yaml(lock) == f"- url: {url}\n  sha256: {SHA}\n"
    # a later download is verified against the lock
    download.fetch(url, tmp_path / "resources" / "d2.bin", lock=lock)
    lock.write_text(lock.read_text().replace(SHA, "1" * 64))
    with pytest.raises(EpipairError, match="expected 1{64} \\(lock file\\)"):
        download.fetch(url, tmp_path / "resources" / "d3.bin", lock=lock)
    assert not (tmp_path / "resources" / "d3.bin").exists()


def test_mirror_is_used_before_the_network(tmp_path):
    url = "https://example.invalid/some/dir/pairs.csv"
    mirrored = tmp_path / "mirror" / "example.invalid" / "some" / "dir" / "pairs.csv"
    mirrored.parent.mkdir(parents=True)
    mirrored.write_bytes(PAYLOAD)
    dest = tmp_path / "out.csv"
    download.fetch(url, dest, SHA, mirror=tmp_path / "mirror")
    assert dest.read_bytes() == PAYLOAD
    mirrored.write_bytes(b"damaged")
    with pytest.raises(EpipairError, match="sha256 mismatch"):
        download.fetch(url, tmp_path / "out2.csv", SHA, mirror=tmp_path / "mirror")


def test_refuses_to_write_outside_root_and_odd_schemes(tmp_path):
    with pytest.raises(EpipairError, match="refusing to write"):
        download.fetch("x", tmp_path / "elsewhere" / "f", root=tmp_path / "resources")
    with pytest.raises(EpipairError, match="scheme 'ftp' not allowed"):
        download.fetch("ftp://h/f", tmp_path / "f")


def test_partial_file_of_a_killed_run_is_resumed(server, tmp_path, caplog):
    caplog.set_level("INFO")
    dest = tmp_path / "k.bin"
    url = f"{server}/resumable.bin"
    # what a SIGKILL left behind: the partial file and the validator of its first answer
    (tmp_path / "k.bin.part").write_bytes(PAYLOAD[:300_000])
    # (the URL as its sha256: a URL may carry a token, which is kept nowhere on disk)
    url_id = hashlib.sha256(url.encode()).hexdigest()
    (tmp_path / "k.bin.part.json").write_text(f'{{"url": "{url_id}", "validator": "\\"v1\\""}}')
    download.fetch(url, dest, SHA)
    assert dest.read_bytes() == PAYLOAD and leftovers(tmp_path) == []
    assert not (tmp_path / "k.bin.part.json").exists()
    assert "resumed at byte 300000" in caplog.text


MANIFEST = ROOT / "resources" / "targetfinder_manifest.tsv"


def test_every_configured_targetfinder_url_is_in_the_manifest():
    import yaml

    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    commit, blobs = download.read_manifest(MANIFEST)
    assert commit == "114e927a511f8396ca17292597d107494818e40f" and len(blobs) > 800
    urls = [u for _, u in sources.config_urls(config) if "shwhalen/targetfinder" in u]
    assert len(urls) == 6 * (1 + 14) + 8  # six cell lines: pairs and 14 marks; K562 8 more
    for url in urls:
        assert download.expected_blob(url, (commit, blobs)) in blobs.values(), url
    sources.check_config_urls(config, MANIFEST)  # what the workflow runs at start-up
    # the layout the issue found broken: peaks under paper/targetfinder/ exist at no commit
    bad = dict(config, genome={})
    bad["cell_lines"] = {"K562": {"pairs": {"url": urls[0].replace("/output-ep/", "/peaks/")}}}
    with pytest.raises(EpipairError, match="config cell_lines.K562.pairs: .* is not in the Tar"):
        sources.check_config_urls(bad, MANIFEST)
    other = urls[0].replace(commit, "master")
    with pytest.raises(EpipairError, match="at 'master', but the manifest lists commit"):
        download.expected_blob(other, (commit, blobs))
    assert download.expected_blob("https://example.org/x.bw", (commit, blobs)) is None


def test_targetfinder_url_case_and_other_hosts():
    """GitHub ignores the case of owner/repository: such a URL is still checked."""
    commit, blobs = download.read_manifest(MANIFEST)
    base = f"https://raw.githubusercontent.com/ShWhalen/TargetFinder/{commit}"
    path = "K562/peaks/wgEncodeBroadHistoneK562H3k27acStdPk.broadPeak.gz"
    assert download.expected_blob(f"{base}/{path}", (commit, blobs)) == blobs[path]
    with pytest.raises(EpipairError, match="K562/peaks/nope.gz is not in the TargetFinder tree"):
        download.expected_blob(f"{base}/K562/peaks/nope.gz", (commit, blobs))
    other = f"https://raw.githubusercontent.com/someone/else/{commit}/{path}"
    assert download.expected_blob(other, (commit, blobs)) is None


def test_git_blob_id_is_what_git_computes(tmp_path):
    import shutil
    import subprocess

    # literals printed by `git hash-object` (the empty blob is git's well-known e69de29)
    for data, expected in [
        (b"", "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"),
        (b"hello\n", "ce013625030ba8dba906f756967f9e9ca394464a"),
        (PAYLOAD, BLOB),
    ]:
        p = tmp_path / "f.bin"
        p.write_bytes(data)
        assert download.git_blob_id(p) == expected
    if shutil.which("git"):  # and the git at hand agrees
        out = subprocess.run(["git", "hash-object", str(p)], capture_output=True, text=True)
        assert out.stdout.strip() == BLOB


def test_download_verified_against_a_git_blob_id(server, tmp_path):
    dest = tmp_path / "resources" / "data.bin"
    lock = tmp_path / "resources" / "downloads.lock.tsv"
    download.fetch(f"{server}/data.bin", dest, git_blob=BLOB, lock=lock)
    assert dest.read_bytes() == PAYLOAD
    assert not lock.exists()  # the repository's checksum is enough: nothing to lock
    # altered bytes of the same size are rejected, the error names URL, expected and observed
    # blob id, and nothing is kept
    other = tmp_path / "resources" / "other.bin"
    observed = hashlib.sha1(b"blob %d\0" % len(ALTERED) + ALTERED).hexdigest()
    url = f"{server}/altered.bin"
    with pytest.raises(EpipairError) as err:
        download.fetch(url, other, git_blob=BLOB, lock=lock)
    assert f"{url}: git blob id mismatch: expected {BLOB}" in str(err.value)
    assert f"observed {observed}" in str(err.value)
    assert not other.exists() and not lock.exists() and leftovers(tmp_path) == []


def test_git_blob_and_sha256_are_both_checked_and_the_lock_is_ignored(server, tmp_path):
    lock = tmp_path / "downloads.lock.tsv"
    url = f"{server}/data.bin"
    download.record_lock(lock, url, "0" * 64, 1)  # a stale lock entry: not consulted
    download.fetch(url, tmp_path / "a.bin", git_blob=BLOB, lock=lock)
    assert download.read_lock(lock)[url]["sha256"] == "0" * 64  # nor rewritten
    with pytest.raises(EpipairError, match="sha256 mismatch: expected 1{64} \\(config\\)"):
        download.fetch(url, tmp_path / "b.bin", "1" * 64, git_blob=BLOB)
    assert not (tmp_path / "b.bin").exists()


def test_planned_downloads_of_the_real_study():
    import yaml

    from epipair import config as epiconfig

    config = epiconfig.validate(yaml.safe_load((ROOT / "config.yaml").read_text()))
    plan = sources.planned_downloads(config, MANIFEST)
    # hg19, six pairs files, 6 x 14 + 8 peak files, nine BENGI sets, the genes: one target each
    assert len(plan) == 1 + 6 + 92 + 9 + 1
    by_where = {entry["where"]: (path, entry) for path, entry in plan.items()}
    path, k562 = by_where["cell_lines.K562.tracks.H3K27ac"]
    assert path.startswith("K562/tracks/H3K27ac.") and path.endswith(".broadPeak.gz")
    assert k562["git_blob"] and k562["sha256"] is None  # verified by the repository's blob id
    path, genes = by_where["genes"]
    assert path.startswith("genes/genes.") and path.endswith(".bed") and genes["sha256"]
    path, hic = by_where["benchmarks.GM12878_HiC"]
    assert path.startswith("benchmark/GM12878_HiC/pairs.") and path.endswith(".tsv.gz")
    assert hic["git_blob"] == "9989669a3d04cafbf0b8ee38ad9f66cd407c668a" and hic["sha256"]
    path, genome = by_where["genome"]
    assert path.startswith("genome/hg19.") and path.endswith(".fa.gz")
    assert genome["git_blob"] is None  # locked at first download
    bw = epiconfig.validate(dict(yaml.safe_load((ROOT / "config.yaml").read_text()),
                                 tracks_from="bigwig"))  # fmt: skip
    assert (
        sum(p.endswith((".bigWig", ".bigwig")) for p in sources.planned_downloads(bw, MANIFEST))
        == 27
    )
    assert download.source_target("data/x.tsv", "K562", "pairs") == "data/x.tsv"


def test_two_urls_with_one_file_name_get_two_targets():
    tracks = {
        "DNase": {"url": "https://h/a/signal.bw", "kind": "bigwig"},
        "CTCF": {"url": "https://h/b/signal.bw", "kind": "bigwig"},
        "H3K4me1": {"url": "https://h/geo/download/?acc=GSM1&format=file", "kind": "bigwig"},
        "H3K4me3": {"url": "https://h/geo/download/?acc=GSM2&format=file", "kind": "bigwig"},
    }
    config = {"cell_lines": {"X": {"pairs": {"url": "p.csv"}, "tracks": tracks}}}
    plan = sources.planned_downloads(config, MANIFEST)
    assert len(plan) == 4 and {e["url"] for e in plan.values()} == {
        t["url"] for t in tracks.values()
    }


def test_a_file_in_place_is_checked_before_use(tmp_path, monkeypatch):
    """A file already at a download target (or a local file with a sha256) must match."""
    monkeypatch.chdir(tmp_path)
    url = "https://example.invalid/pairs.csv"
    config = {"cell_lines": {"X": {"pairs": {"url": url, "sha256": SHA}}}}
    target = tmp_path / download.source_target(url, "X", "pairs")
    target.parent.mkdir(parents=True)
    target.write_bytes(ALTERED)
    cache = tmp_path / "resources" / "downloads.verified.tsv"
    lock = tmp_path / "resources" / "downloads.lock.tsv"
    with pytest.raises(EpipairError, match=r"sha256 .* differs from .*cell_lines.X.pairs.*delete"):
        sources.verify_existing(config, MANIFEST, lock, cache)
    target.write_bytes(PAYLOAD)
    assert sources.verify_existing(config, MANIFEST, lock, cache) == [
        str(target.relative_to(tmp_path))
    ]
    assert str(target.resolve()) in cache.read_text()  # hashed once, then cached
    # no configured sha256: the lock file's is checked
    del config["cell_lines"]["X"]["pairs"]["sha256"]
    download.record_lock(lock, url, "2" * 64, 1)
    with pytest.raises(EpipairError, match="differs from 2{64}"):
        sources.verify_existing(config, MANIFEST, lock, cache)
    # a local file with a sha256, and a directory given as a file
    local = tmp_path / "mine.csv"
    local.write_bytes(ALTERED)
    config = {"cell_lines": {"X": {"pairs": {"url": str(local), "sha256": SHA}}}}
    with pytest.raises(EpipairError, match="check the file or the config"):
        sources.verify_existing(config, MANIFEST, lock, cache)
    config = {"cell_lines": {"X": {"pairs": {"url": str(tmp_path)}}}}
    with pytest.raises(EpipairError, match="cell_lines.X.pairs: .* is a directory, not a file"):
        sources.verify_existing(config, MANIFEST, lock, cache)


def test_genome_is_staged_under_resources_never_beside_the_users_file(tmp_path):
    import gzip

    user = tmp_path / "data"
    user.mkdir()
    (user / "hg19.fa").write_text(">old\nACGT\n")  # an older file of the user's, kept
    with gzip.open(user / "hg19.fa.gz", "wb") as fh:
        fh.write(b">chr1\nACGTACGT\n")
    dest = tmp_path / "resources" / "genome" / "hg19.fa"
    download.stage_fasta(user / "hg19.fa.gz", dest)
    assert dest.read_text() == ">chr1\nACGTACGT\n"
    assert (user / "hg19.fa").read_text() == ">old\nACGT\n"
    plain = tmp_path / "resources" / "genome" / "plain.fa"
    mode = (user / "hg19.fa").stat().st_mode
    download.stage_fasta(user / "hg19.fa", plain)
    assert plain.is_symlink() and plain.read_text() == ">old\nACGT\n"
    assert (user / "hg19.fa").stat().st_mode == mode
    assert sorted(p.name for p in user.iterdir()) == ["hg19.fa", "hg19.fa.gz"]


def test_symbolic_links_where_downloads_write_are_refused(tmp_path):
    """A link planted at a .part file or a lock file must not send bytes (or a truncation)
    to the file it points at."""
    src = tmp_path / "src.bin"
    src.write_bytes(PAYLOAD)
    outside = tmp_path / "outside.txt"
    outside.write_text("precious")
    res = tmp_path / "resources"
    res.mkdir()
    (res / "pairs.csv.part").symlink_to(outside)
    with pytest.raises(EpipairError, match=r"pairs\.csv\.part: is a symbolic link"):
        download.fetch(str(src), res / "pairs.csv", SHA, root=res)
    assert outside.read_text() == "precious" and not (res / "pairs.csv").exists()
    assert (res / "pairs.csv.part").is_symlink()
    # the lock files' flock companions (opened at start-up, on a dry run too)
    for name in ("downloads.verified.tsv", "downloads.lock.tsv"):
        (res / f"{name}.flock").symlink_to(outside)
    with pytest.raises(EpipairError, match=r"downloads\.verified\.tsv\.flock: is a symbolic"):
        download.file_digests(src, res / "downloads.verified.tsv")
    with pytest.raises(EpipairError, match=r"downloads\.lock\.tsv\.flock: is a symbolic"):
        download.record_lock(res / "downloads.lock.tsv", "https://h/x", SHA, 1)
    assert outside.read_text() == "precious"


def test_tokens_and_passwords_are_printed_nowhere(server, tmp_path, caplog, monkeypatch):
    caplog.set_level("INFO")
    lock = tmp_path / "resources" / "downloads.lock.tsv"
    url = f"{server}/data.bin?token=T0psecret&acc=X"
    download.fetch(url, tmp_path / "resources" / "d.bin", lock=lock)
    assert f"{server}/data.bin?token=***&acc=***" in caplog.text
    assert "T0psecret" not in caplog.text + lock.read_text() + download.lock_as_yaml(lock)
    # the lock verifies a later download of the same URL (looked up as printed)
    download.fetch(url, tmp_path / "resources" / "d2.bin", lock=lock)
    with pytest.raises(EpipairError) as err:
        download.fetch(f"{server}/nothing?sig=T0psecret", tmp_path / "e.bin")
    assert "HTTP 404" in str(err.value) and "T0psecret" not in str(err.value)
    # a password in the URL is refused (urllib would not send it anyway): ~/.netrc carries it
    with_password = f"http://alice:S3cretPW@{server.removeprefix('http://')}/private.bin"
    with pytest.raises(EpipairError, match="~/.netrc") as err:
        download.fetch(with_password, tmp_path / "p.bin")
    assert "S3cretPW" not in str(err.value) and "***@127.0.0.1" in str(err.value)
    config = {"cell_lines": {"A": {"pairs": {"url": with_password}}}}
    with pytest.raises(EpipairError, match="config cell_lines.A.pairs: .*~/.netrc") as err:
        sources.check_config_urls(config, MANIFEST)
    assert "S3cretPW" not in str(err.value)
    netrc_file = tmp_path / "netrc"
    netrc_file.write_text("machine 127.0.0.1 login alice password S3cretPW\n")
    netrc_file.chmod(0o600)
    with pytest.raises(EpipairError, match="HTTP 401"):
        download.fetch(f"{server}/private.bin", tmp_path / "p.bin", SHA)
    monkeypatch.setenv("NETRC", str(netrc_file))
    download.fetch(f"{server}/private.bin", tmp_path / "p.bin", SHA)
    assert (tmp_path / "p.bin").read_bytes() == PAYLOAD


def test_a_file_url_with_a_host_part_is_refused(tmp_path):
    with pytest.raises(EpipairError, match=r"file:///absolute/path .*\(resources/pairs\.csv\)"):
        download.check_url("file://resources/pairs.csv")
    download.check_url("file:///abs/pairs.csv")
    download.check_url("file://localhost/abs/pairs.csv")
    config = {"cell_lines": {"A": {"pairs": {"url": "file://resources/pairs.csv"}}}}
    with pytest.raises(EpipairError, match="config cell_lines.A.pairs: file://resources"):
        sources.check_config_urls(config, MANIFEST)
