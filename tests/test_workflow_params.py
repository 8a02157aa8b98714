"""What each planned job's params hold: Snakemake reruns a job whose params differ from those
recorded at its last run (``--rerun-triggers params``, on by default), so params must change
exactly when the job's result would. Compared here as Snakemake compares them, job by job,
for the demo config and variants of it, without running anything."""

import json
import subprocess
import sys

import pytest
import yaml

from epipair.prep.splits import AUGMENTED_AFTER_SPLIT

from .conftest import ROOT

pytestmark = pytest.mark.slow

# Builds the DAG in-process and writes, for each job, the params Snakemake records for it
# (Persistence._params: the sorted repr of each param, what the params rerun trigger compares)
# and the jobs whose outputs it reads (a job reruns when one of them does).
DUMP = """
import json, sys
from pathlib import Path
from snakemake.api import SnakemakeApi
from snakemake.settings.types import ConfigSettings, DAGSettings, ResourceSettings

snakefile, workdir, configfile, out = sys.argv[1:5]
with SnakemakeApi() as api:
    wf = api.workflow(
        resource_settings=ResourceSettings(cores=1),
        config_settings=ConfigSettings(
            configfiles=[Path(configfile)], replace_workflow_config=True
        ),
        snakefile=Path(snakefile),
        workdir=Path(workdir),
    )
    wf.dag(DAGSettings())
    w = wf._workflow
    w._prepare_dag(forceall=False, ignore_incomplete=True, lock_warn_only=True, nolock=True)
    w._build_dag()
    def name(job):
        return f"{job.rule.name} {json.dumps(dict(job.wildcards), sort_keys=True)}"

    params = {name(job): w.persistence._params(job) for job in w.dag.jobs}
    deps = {name(job): sorted(name(d) for d in w.dag.dependencies[job]) for job in w.dag.jobs}
Path(out).write_text(json.dumps(params))
Path(out).with_name("deps.json").write_text(json.dumps(deps))
"""

# mappings whose order is the order of outputs, cell lines or feature channels (kept as given)
NAMED = {"cell_lines", "tracks", "bigwig_tracks", "predict", "candidates", "benchmarks"}
NAMED |= {"train_groups", "motif_files"}


def demo_config() -> dict:
    return yaml.safe_load((ROOT / "config" / "demo.yaml").read_text())


def job_params(tmp_path, name: str, cfg: dict) -> dict:
    """``{"<rule> <wildcards>": params}`` of every job that ``cfg`` plans (a fresh folder)."""
    wd = tmp_path / name
    wd.mkdir()
    (wd / "config.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False))
    (wd / "dump.py").write_text(DUMP)
    args = [str(ROOT / "Snakefile"), str(wd), str(wd / "config.yaml"), str(wd / "params.json")]
    proc = subprocess.run(
        [sys.executable, str(wd / "dump.py"), *args],
        cwd=wd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads((wd / "params.json").read_text())


def reordered(value, key=None):
    """``value`` with the keys of every settings mapping in reverse order (recursively)."""
    if isinstance(value, dict):
        items = list(value.items())
        if key not in NAMED:
            items.reverse()
        return {k: reordered(v, k) for k, v in items}
    return value


def changed(a: dict, b: dict) -> set[str]:
    assert a.keys() == b.keys()
    return {job for job in a if a[job] != b[job]}


def reruns(jobs: set[str], deps: dict) -> set[str]:
    """``jobs`` and every job that reads, directly or not, what one of them writes."""
    out, grew = set(jobs), True
    while grew:
        more = {job for job, before in deps.items() if out & set(before)} - out
        out |= more
        grew = bool(more)
    return out


@pytest.fixture(scope="module")
def demo_params(tmp_path_factory):
    return job_params(tmp_path_factory.mktemp("params"), "demo", demo_config())


def test_params_do_not_depend_on_key_order(demo_params, tmp_path):
    """The demo config with the keys of genome.demo, augment, train, model_params ... in
    another order (and augment's grid_step and split's fractions given, so that the schema's
    defaults would fill in elsewhere) plans the same jobs with the same params."""
    cfg, other = demo_config(), demo_config()
    other["augment"]["grid_step"] = cfg["augment"]["grid_step"] = 10
    cfg["split"] |= {"paper_test_fraction": 0.1, "paper_valid_fraction": 0.1}
    other = reordered(other)
    assert list(other["genome"]["demo"]) == list(reversed(cfg["genome"]["demo"]))
    base = job_params(tmp_path, "base", cfg)
    assert changed(base, job_params(tmp_path, "reordered", other)) == set()
    assert changed(base, demo_params) >= {'random_splits {"cell": "CellA"}'}  # sees a change


def test_paper_settings_rerun_only_what_reads_them(demo_params, tmp_path):
    """split.paper_test_fraction reaches only the random_splits jobs (which write
    splits_paper.tsv); augment.positives those and the training jobs that augment positives
    on the fly (leakage_free, random_holdout): no feature, paper training, baseline,
    prediction or candidate job. What follows the random splits is what the paper and
    random_holdout protocols train, score and report: no feature, nothing of leakage_free
    but the reports that gather every protocol."""
    cfg = demo_config()
    cfg["split"]["paper_test_fraction"] = 0.2
    regions = {f'random_splits {{"cell": "{c}"}}' for c in cfg["cell_lines"]}
    assert changed(demo_params, job_params(tmp_path, "fraction", cfg)) == regions
    deps = json.loads((tmp_path / "fraction" / "deps.json").read_text())
    after = reruns(regions, deps)
    assert not {job for job in after if "features" in job.split(" ")[0]}
    assert not {job for job in after if '"leakage_free"' in job}
    assert not {job for job in after if job.startswith(("score_", "benchmark", "interpret"))}
    protocols = {json.loads(job.split(" ", 1)[1]).get("protocol") for job in after}
    assert protocols == {None, "paper", "random_holdout"}  # None: the regions' and reports' jobs

    cfg = demo_config()
    cfg["augment"]["positives"] += 2
    jobs = changed(demo_params, job_params(tmp_path, "positives", cfg))
    augmented = {
        job
        for job in demo_params
        if job.startswith("train_neural ")
        and json.loads(job.split(" ", 1)[1])["protocol"] in AUGMENTED_AFTER_SPLIT
    }
    assert len(augmented) > 10 and jobs == regions | augmented
