"""The released training schedules in samples and hours, per model and cell line.

    python benchmarks/schedules.py --throughput gpu_train.tsv [--out schedules.tsv]

Samples per epoch come from the paper schemes themselves (``epipair.prep.splits.PAPER_SCHEMES``)
run on TargetFinder's pairs of each cell line (``../shared/data/targetfinder``), with
``config.yaml``'s ``augment.positives``; epochs are each released stage's
(``epipair.model.registry``), the most a stage runs: Xiao et al.'s stop early on the validation F1.
``--throughput``: samples/s per model, ``benchmarks/gpu_train.py --released``'s TSV (the row
at the stage's batch size, else the nearest). Hours = samples x epochs / samples/s, training
steps only: each epoch's validation pass (a forward pass over the validation split) is not
counted. ``seq_epi`` (a head on its trained parts) is left out.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DATA = ROOT.parent / "shared" / "data" / "targetfinder"
CELLS = ("GM12878", "HeLa-S3", "HUVEC", "IMR90", "K562", "NHEK")


def read_pairs(cell: str):
    """TargetFinder's pairs of ``cell``: pair_id, label, enhancer_chrom (``None`` if absent)."""
    import pandas as pd

    path = DATA / cell / "ep_pairs.csv.gz"
    if not path.exists():
        return None
    with gzip.open(path, "rt") as fh:
        df = pd.read_csv(fh, usecols=["enhancer_chrom", "label"])
    df["pair_id"] = [f"{cell}:{i}" for i in range(len(df))]
    return df


def scheme_counts(pairs, scheme: str, positives: int) -> dict:
    """Instances per split of ``scheme`` on ``pairs``."""
    from epipair.prep.splits import PAPER_SCHEMES

    table = PAPER_SCHEMES[scheme](pairs, positives, 300, 0, 0.1, 0.1)
    return table["split"].value_counts().to_dict()


def stage_samples(model: str, cell: str, pairs: dict, positives: int) -> list:
    """``[(stage, samples an epoch, epochs)]`` of ``model`` (``name`` or ``name@preset``)'s
    released schedule on ``cell``; pre-training counts every other cell line's draws."""
    from epipair.model import registry
    from epipair.prep.splits import RETRAIN

    name, _, preset = model.partition("@")
    spec = registry.spec(name)
    params = {"preset": preset} if preset else {}
    scheme = spec.paper_scheme(params)
    own = scheme_counts(pairs[cell], scheme, positives)
    out = []
    for stage in spec.released.get(preset or "default"):
        if stage.name == "pretrain":
            others = [c for c in pairs if c != cell]
            n = sum(scheme_counts(pairs[c], scheme, positives)["train"] for c in others)
        elif stage.name == "second_stage":
            n = own.get(RETRAIN, 0)
        else:
            n = stage.steps * stage.batch_size if stage.steps else own["train"]
        out.append((stage, n, stage.epochs))
    return out


def read_throughput(path) -> dict:
    """``{model: {batch size: samples/s}}`` from gpu_train.py's TSV."""
    out: dict = {}
    with open(path) as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            out.setdefault(row["model"], {})[int(row["batch_size"])] = float(row["samples_per_s"])
    return out


# a model whose step is another's: the transfer model is simple_cnn's network
SAME_STEP = {"simple_cnn_transfer": "simple_cnn"}


def speed(throughput: dict, model: str, batch: int) -> float | None:
    """Samples/s of ``model`` at ``batch`` (else at the nearest batch measured)."""
    rows = throughput.get(SAME_STEP.get(model, model))
    if not rows:
        return None
    return rows[min(rows, key=lambda b: abs(b - batch))]


def project(model: str, cell: str, pairs: dict, positives: int, throughput: dict):
    """``(stages in words, hours)`` of ``model``'s released schedule on ``cell``."""
    stages, hours = [], 0.0
    for stage, n, epochs in stage_samples(model, cell, pairs, positives):
        hours += n * epochs / speed(throughput, model, stage.batch_size) / 3600
        stages.append(f"{stage.name} {n:,} x {epochs} at batch {stage.batch_size}")
    return "; ".join(stages), hours


def main(argv=None):
    import yaml

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--throughput", required=True, help="gpu_train.py's TSV")
    ap.add_argument("--out", default=None, help="TSV to write")
    args = ap.parse_args(argv)
    positives = yaml.safe_load((ROOT / "config.yaml").read_text())["augment"]["positives"]
    pairs = {c: p for c in CELLS if (p := read_pairs(c)) is not None}
    if not pairs:
        sys.exit(f"no TargetFinder pairs under {DATA}")
    throughput = read_throughput(args.throughput)
    models = list(throughput) + [m for m in SAME_STEP if SAME_STEP[m] in throughput]
    rows = []
    for model in models:
        for cell in pairs:
            stages, hours = project(model, cell, pairs, positives, throughput)
            rows.append(f"{model}\t{cell}\t{stages}\t{hours:.2f}\n")
            print(rows[-1], end="", flush=True)
    if args.out:
        with open(args.out, "w") as fh:
            fh.writelines(["model\tcell_line\tstages\thours\n", *rows])


if __name__ == "__main__":
    main()
