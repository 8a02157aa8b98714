"""Dry runs of the real study and of profiles: what the workflow plans, without running it.
A file apart from test_workflow.py (the shared demo run) so that pytest-xdist (``make test``:
``--dist loadfile``) plans these beside the demo run."""

import pytest
import yaml

from .conftest import run_snakemake

pytestmark = pytest.mark.slow


def test_real_study_dry_run_plans_six_cell_lines(workdir):
    proc = run_snakemake(workdir, "-n", "--cores", "8")
    out = proc.stdout + proc.stderr
    for cell in ["GM12878", "HeLa-S3", "HUVEC", "IMR90", "K562", "NHEK"]:
        assert f"results/{cell}/pairs.tsv" in out
        assert f"resources/{cell}/pairs." in out
    assert "resources/genome/hg19.fa.fai" in out


def planned_outputs(text: str) -> list[str]:
    """Every output path of a dry run's printed jobs."""
    out = []
    for line in text.splitlines():
        if line.strip().startswith("output:"):
            out += [p.strip() for p in line.split(":", 1)[1].split(",")]
    return out


def test_a_local_genome_is_read_never_written_beside(workdir, tmp_path_factory):
    """A local genome (and pairs file) outside the project: every output the plan writes is
    under resources/ or results/, the user's folder gets nothing."""
    user = tmp_path_factory.mktemp("user_data")
    (user / "hg19.fa.gz").write_bytes(b"")
    (user / "pairs.csv").write_text("")
    cfg = yaml.safe_load((workdir / "config.yaml").read_text())
    cfg["genome"]["url"] = str(user / "hg19.fa.gz")
    cfg["cell_lines"]["K562"]["pairs"]["url"] = f"file://{user}/pairs.csv"
    (workdir / "config" / "local.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    proc = run_snakemake(
        workdir, "-n", "--cores", "8", "--configfile", "config/local.yaml", "--config", "only=K562"
    )
    outputs = planned_outputs(proc.stdout + proc.stderr)
    assert "resources/genome/hg19.fa" in outputs and "resources/genome/hg19.fa.fai" in outputs
    outside = [p for p in outputs if not p.startswith(("resources/", "results/"))]
    assert outside == [] and len(outputs) > 50


def test_transfer_model_reads_the_other_cell_lines(workdir):
    """simple_cnn_transfer's training job of K562 reads the other cell lines' features; with
    `only` one cell line it is left out, and no other cell line's job is planned."""
    args = ("-n", "--cores", "8", "--config", "models=[simple_cnn_transfer]")
    out = run_snakemake(workdir, *args, "only=K562,NHEK").stdout
    block = out.split("output: results/models/simple_cnn_transfer/leakage_free/K562/model.keras")[0]
    block = block.rsplit("rule train_neural:", 1)[1]
    assert "results/NHEK/features/enhancer_sequence.npy" in block
    assert "results/K562/features/enhancer_sequence.npy" in block
    one = run_snakemake(workdir, *args[:-1], "models=[simple_cnn_transfer,distance]", "only=K562")
    text = one.stdout + one.stderr
    assert "simple_cnn_transfer pre-trains on the other cell lines" in text
    assert "rule train_neural" not in text and "NHEK" not in one.stdout
    # left out, it leaves no model: refused at start-up, before any job
    none = run_snakemake(workdir, *args, "only=K562", check=False)
    text = none.stdout + none.stderr
    assert none.returncode != 0 and "Traceback" not in text
    assert "config models: simple_cnn_transfer pre-train(s) on the other cell lines" in text
    assert "no model is left to run" in text


def test_epigenome_only_plans_no_fasta(workdir):
    proc = run_snakemake(workdir, "-n", "--cores", "8", "--config", "models=[epi_cnn]")
    out = proc.stdout + proc.stderr
    assert "hg19.fa" not in out
    assert "results/K562/features/enhancer_signal_windows.npy" in out


def test_only_one_cell_line(workdir):
    proc = run_snakemake(workdir, "-n", "--cores", "8", "--config", "only=K562")
    out = proc.stdout + proc.stderr
    assert "results/K562/pairs.tsv" in out
    assert "GM12878" not in out and "HeLa-S3" not in out
    bad = run_snakemake(workdir, "-n", "--cores", "8", "--config", "only=K999", check=False)
    assert bad.returncode != 0
    assert "unknown cell line(s) K999" in bad.stdout + bad.stderr


def test_only_plans_no_other_cell_lines_jobs(workdir):
    """`only` leaves out the other cell lines' predict sets (config predict), benchmarks,
    candidates and groups: the demo's predict set of CellA is not planned with only=CellB."""
    proc = run_snakemake(
        workdir, "-n", "--configfile", "config/demo.yaml", "--config", "only=CellB"
    )
    results = [p for p in planned_outputs(proc.stdout) if p.startswith("results/")]
    assert "results/CellB/pairs.tsv" in results
    assert [p for p in results if "CellA" in p or p.startswith("results/predict/")] == []
    empty = run_snakemake(workdir, "-n", "--config", "only=,", check=False)
    text = empty.stdout + empty.stderr
    assert empty.returncode != 0 and "config only: ',' selects no cell line" in text


def test_bad_pairs_file_fails_with_one_line(workdir):
    (workdir / "bad.csv").write_text(
        "enhancer_chrom,enhancer_start,enhancer_end,promoter_chrom,promoter_start,promoter_end,label\n"
        "chr1,100,600,chr1,5000,7000,1\nchr1,100,600,chr1,7000,5000,0\n"
    )
    cfg = (
        (workdir / "config" / "demo.yaml")
        .read_text()
        .replace("resources/demo/CellA/pairs.csv", "bad.csv")
    )
    (workdir / "config" / "bad.yaml").write_text(cfg)
    proc = run_snakemake(
        workdir,
        "results/CellA/ingested.tsv",
        "--cores",
        "1",
        "--configfile",
        "config/bad.yaml",
        check=False,
    )
    assert proc.returncode != 0
    msg = "bad.csv:3: field 'promoter_end' (5000) is not after 'promoter_start' (7000)"
    assert msg in proc.stdout + proc.stderr
    assert msg in (workdir / "results" / "logs" / "ingest" / "CellA.log").read_text()
    assert "Traceback" not in (workdir / "results" / "logs" / "ingest" / "CellA.log").read_text()
    assert not (workdir / "results" / "CellA" / "ingested.tsv").exists()


def test_a_directory_as_pairs_file_is_named_at_start_up(workdir):
    cfg = (workdir / "config" / "demo.yaml").read_text()
    cfg = cfg.replace("resources/demo/CellA/pairs.csv", str(workdir / "config"))
    (workdir / "config" / "dir.yaml").write_text(cfg)
    proc = run_snakemake(workdir, "-n", "--configfile", "config/dir.yaml", check=False)
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert f"config cell_lines.CellA.pairs: {workdir / 'config'} is a directory, not a file" in out
    assert "Traceback" not in out


def test_lint_is_clean(workdir):
    for args in (["--configfile", "config/demo.yaml"], []):
        proc = run_snakemake(workdir, "--lint", *args, check=False)
        out = proc.stdout + proc.stderr
        assert proc.returncode == 0, out
        assert "Lints for" not in out, out


def test_slurm_profile_plans_demo_and_real_study(workdir):
    from .conftest import ROOT

    profile = str(ROOT / "profiles" / "slurm")
    demo = run_snakemake(workdir, "-n", "--profile", profile, "--configfile", "config/demo.yaml")
    assert "train_neural" in demo.stdout + demo.stderr
    real = run_snakemake(workdir, "-n", "--profile", profile, "--config", "only=K562")
    out = real.stdout + real.stderr
    assert "results/models/speid/leakage_free/K562/model.keras" in out
    assert not any(c in out for c in ("GM12878", "HeLa-S3", "HUVEC", "IMR90", "NHEK"))


def job_resources(text: str, rule: str) -> dict[str, str]:
    """``mem_mb`` and ``runtime`` of the first job of ``rule`` in a dry run's output."""
    block = text.split(f"rule {rule}:", 1)[1].split("\n\n", 1)[0]
    line = next(x for x in block.splitlines() if x.strip().startswith("resources:"))
    pairs = dict(kv.strip().split("=", 1) for kv in line.split(":", 1)[1].split(","))
    return {k: pairs[k] for k in ("mem_mb", "runtime")}


def test_slurm_profile_keeps_the_rules_job_sizes(workdir):
    """The profile says where jobs run; memory and runtime stay the rules' (per-attempt
    estimates for features, config "train" for training)."""
    from .conftest import ROOT

    args = ("-n", "--config", "only=K562")
    local = run_snakemake(workdir, *args, "--cores", "8").stdout
    slurm = run_snakemake(workdir, *args, "--profile", str(ROOT / "profiles" / "slurm")).stdout
    for rule in ("sequence_features", "signal_features", "train_neural", "predict"):
        assert job_resources(slurm, rule) == job_resources(local, rule), rule
    assert job_resources(slurm, "train_neural") == {"mem_mb": "32000", "runtime": "720"}


def test_bigwig_track_set_is_planned_instead_of_peaks(workdir):
    proc = run_snakemake(
        workdir,
        "-n",
        "--cores",
        "8",
        "--config",
        "tracks_from=bigwig",
        "only=IMR90",
        "models=[epi_cnn]",
    )
    out = proc.stdout + proc.stderr
    tracks = [p for p in planned_outputs(out) if p.startswith("resources/IMR90/tracks/")]
    # the marks every cell line's bigWig set has (CTCF only three): one target each
    assert {p.split("/")[-1].split(".")[0] for p in tracks} == {
        "H3K27ac", "H3K4me1", "H3K4me3", "DNase"
    }  # fmt: skip
    assert len(tracks) == 4 and all(p.endswith(".bigwig") for p in tracks)
    assert "narrowPeak" not in out and "hg19.fa" not in out
