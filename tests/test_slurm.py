"""The demo's feature stages and one short training job through a real local SLURM."""

import os
import re
import shutil
import subprocess

import pytest
import yaml

from .conftest import BIN, ROOT

pytestmark = pytest.mark.slow

NEEDS = [shutil.which(t) for t in ("slurmctld", "slurmd", "munged", "sbatch", "squeue", "scontrol")]


@pytest.fixture(scope="module")
def slurm(tmp_path_factory):
    if os.geteuid() != 0:
        pytest.skip("the local SLURM needs root (it writes /etc/slurm/slurm.conf)")
    if not all(NEEDS):
        pytest.skip(
            "slurm-wlm/munge are not installed and apt-get was unavailable "
            "(scripts/ensure-slurm.sh)"
        )
    if subprocess.run(["pgrep", "-x", "slurmctld"], capture_output=True).returncode == 0:
        pytest.skip("a slurmctld is already running on this machine; not touching it")
    d = tmp_path_factory.mktemp("slurm")
    script = ROOT / "scripts" / "slurm-local.sh"
    try:
        proc = subprocess.run(
            [str(script), "start", str(d)], capture_output=True, text=True, timeout=120
        )
        if proc.returncode != 0:
            pytest.fail(f"local SLURM did not start:\n{proc.stdout}\n{proc.stderr}")
        yield d
    finally:
        subprocess.run([str(script), "stop", str(d)], capture_output=True, timeout=60)


def test_demo_stages_and_training_through_slurm(slurm, tmp_path):
    shutil.copytree(ROOT / "config", tmp_path / "config")
    cfg = yaml.safe_load((tmp_path / "config" / "demo.yaml").read_text())
    cfg.update(
        only="CellA", models=["epi_cnn"], protocol=["leakage_free"], predict={}, candidates={}
    )
    cfg["train_groups"] = {}
    cfg["train"].update(epochs=1, gpus=1, threads=1)
    (tmp_path / "config" / "slurm.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    targets = [
        "results/CellA/features/enhancer_signal_windows.npy",
        "results/models/epi_cnn/leakage_free/CellA/model.keras",
    ]
    cmd = [
        "timeout",
        "-s",
        "KILL",
        "900",  # a stuck Snakemake ignores SIGTERM
        str(BIN / "snakemake"),
        "-s",
        str(ROOT / "Snakefile"),
        "-d",
        str(tmp_path),
        *targets,
        "--profile",
        str(ROOT / "profiles" / "slurm"),
        "--configfile",
        "config/slurm.yaml",
        "--slurm-no-account",
        "--slurm-status-command",
        "squeue",
        "--slurm-init-seconds-before-status-checks",
        "1",
        "--seconds-between-status-checks",
        "2",
        "--default-resources",
        "slurm_partition=debug",
        "mem_mb=300",
        "runtime=10",
        "--set-resources",
        "train_neural:slurm_partition=debug",
        "train_neural:mem_mb=1500",
        "train_neural:cpus_per_gpu=1",
        "--jobs",
        "2",
        "--local-cores",
        "1",
        "--verbose",
    ]
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}", TF_CPP_MIN_LOG_LEVEL="2")
    proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-6000:]
    for t in targets:
        assert (tmp_path / t).exists(), t
    # which rules went through SLURM, under which job ids (scontrol keeps finished jobs 5 min)
    job_ids = sorted(set(re.findall(r"has been submitted with SLURM jobid (\d+)", out)))
    assert job_ids, out[-4000:]
    calls = [c for c in re.findall(r"sbatch call: ([^\n]+)", out) if "train_neural" in c]
    assert calls and "--gpus=1" in calls[0] and "--cpus-per-gpu=1" in calls[0], calls
    print("training job sbatch call:", calls[0])
    records = {}
    for jid in job_ids:
        records[jid] = subprocess.run(
            ["scontrol", "show", "job", jid], capture_output=True, text=True
        ).stdout
    train = [s for s in records.values() if "train_neural" in s]
    assert train, "the training job was not submitted to SLURM:\n" + "\n".join(records.values())
    assert re.search(r"gres/gpu[:=]1|gres:gpu:1|gpu:1", train[0]), train[0]
    assert "Partition=debug" in train[0]
    feats = [s for s in records.values() if "signal_window_features" in s]
    assert feats and "ExitCode=0:0" in feats[0]
    # the demo data and downloads stay on the submitting host (localrule)
    assert not any("demo_data" in s for s in records.values())
    log_dir = tmp_path / "results" / "logs" / "slurm"
    assert any(log_dir.rglob("*.log")), "no SLURM job logs kept"
