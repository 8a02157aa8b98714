"""Run every benchmark in its own process and write results/benchmarks.tsv.

python benchmarks/run.py            # all (about 9 minutes on 2 cores, the demo once)
python benchmarks/run.py --quick    # small sizes, to check the scripts
python benchmarks/run.py sequence signal   # some
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["disk", "sequence", "signal", "rss", "candidates", "train", "demo"]


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}"


def main(argv):
    quick = "--quick" in argv
    names = [a for a in argv if not a.startswith("--")] or ORDER
    rows = []
    for name in names:
        t0 = time.perf_counter()
        cmd = [sys.executable, str(ROOT / "benchmarks" / f"bench_{name}.py")] + (
            ["--quick"] if quick else []
        )
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"{name}: failed\n{proc.stderr[-3000:]}", file=sys.stderr)
            continue
        rows += json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"# {name}: {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    out = ROOT / "results" / "benchmarks.tsv"
    out.parent.mkdir(parents=True, exist_ok=True)
    cols = ["name", "value", "unit", "baseline", "ratio", "note"]
    lines = [f"# {machine()}; {time.strftime('%Y-%m-%d')}", "\t".join(cols)]
    for r in rows:
        lines.append("\t".join("" if r[c] is None else str(r[c]) for c in cols))
    out.write_text("\n".join(lines) + "\n")
    width = max(len(r["name"]) for r in rows) if rows else 10
    print(lines[0])
    print(f"{'name':<{width}}  {'value':>12}  {'unit':<15} {'baseline':>12}  {'ratio':>8}")
    for r in rows:
        b = "" if r["baseline"] is None else f"{r['baseline']:.4g}"
        q = "" if r["ratio"] is None else f"{r['ratio']:.3g}x"
        print(f"{r['name']:<{width}}  {r['value']:>12.4g}  {r['unit']:<15} {b:>12}  {q:>8}")
    print(f"written to {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
