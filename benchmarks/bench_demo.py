"""Wall time of the demo from clean results (the work of `make demo` after set-up).

python benchmarks/bench_demo.py [--quick]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, main, row


def bench_demo(quick=False):
    """Wall time of the demo from clean results (the work of `make demo` after set-up)."""
    d = Path(tempfile.mkdtemp())
    import shutil

    shutil.copytree(ROOT / "config", d / "config")
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    t0 = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).parent / "snakemake"),
            "-s",
            str(ROOT / "Snakefile"),
            "-d",
            str(d),
            "--cores",
            "2",
            "--configfile",
            "config/demo.yaml",
            "--replace-workflow-config",
            "--quiet",
        ],
        cwd=d,
        env=env,
        check=True,
        capture_output=True,
    )
    t = time.perf_counter() - t0
    shutil.rmtree(d, ignore_errors=True)
    return [
        row(
            "demo_end_to_end",
            t,
            "s",
            300,
            300 / t,
            "snakemake --cores 2 --configfile config/demo.yaml --replace-workflow-config "
            "from clean; baseline: the 5-minute goal",
        )
    ]


if __name__ == "__main__":
    main(bench_demo)
