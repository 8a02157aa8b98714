"""Genome-wide scoring on the demo genome at two sizes (10x the pairs), each run in its own process
(its own peak RSS), chunks of 10,000 pairs so both sizes span many chunks.

    python benchmarks/bench_candidates.py [--quick]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
from common import CACHE, ROOT, main, row


def candidate_data(quick=False):
    """The demo genome and CellA's tracks (cached under results/bench/demo), an untrained
    epi_cnn (demo preset) and a gbm fitted to random features: the scoring cost does not depend
    on the weights. Enhancer BEDs: the demo's 900, and 10x the pairs (the demo's plus random
    500-bp elements)."""
    import pandas as pd

    from epipair.prep import demo

    out = CACHE / "demo"
    files = demo.demo_files(out)
    if not files["tss"].exists():
        demo.generate(out)
    sizes = dict(line.split("\t") for line in files["chrom_sizes"].read_text().split("\n") if line)
    enh = pd.read_csv(files["enhancers"], sep="\t", header=None)
    rng = np.random.default_rng(0)
    n_extra = len(enh) * (3 if quick else 9)
    chroms = rng.choice(list(sizes), n_extra)
    starts = np.array([rng.integers(2_000, int(sizes[c]) - 2_000) for c in chroms])
    extra = pd.DataFrame(
        {0: chroms, 1: starts, 2: starts + 500, 3: [f"R{i}" for i in range(n_extra)]}
    )
    big = CACHE / f"candidates_enhancers_x{1 + n_extra // len(enh)}.bed"
    pd.concat([enh, extra]).to_csv(big, sep="\t", header=False, index=False)
    return files, {"1x": files["enhancers"], "10x": big}


def candidate_models():
    """Model files for the candidate benchmark (cached)."""
    gbm_path, epi_path = CACHE / "candidates_gbm.skops", CACHE / "candidates_epi_cnn.keras"
    if not gbm_path.exists():
        from epipair.model.baselines import Baseline, write_model

        rng = np.random.default_rng(0)
        model = Baseline("gbm", 0, {"max_iter": 100})
        model.estimator.fit(rng.random((2000, 20)), rng.random(2000) < 0.2)
        write_model(model, gbm_path)
    if not epi_path.exists():
        os.environ.setdefault("KERAS_BACKEND", "tensorflow")
        from epipair.model.architectures import build

        shapes = {"enhancer_sigwin": (96, 5), "promoter_sigwin": (96, 5)}
        build("epi_cnn", shapes, {"preset": "demo"}).save(epi_path)
    return {"gbm": gbm_path, "epi_cnn": epi_path}


def candidate_element_models(files):
    """CellA's ABC element tables (cached) and the abc and e2g model files: abc loads the
    tables, e2g is a logistic regression fitted to random pair features (its scoring cost does
    not depend on the weights)."""
    import pandas as pd

    from epipair.model import abc, e2g
    from epipair.model.baselines import Baseline, write_model

    folder = CACHE / "candidates_abc"
    tables = abc.element_files(folder)
    if not tables[0].exists():
        folder.mkdir(parents=True, exist_ok=True)
        tracks = [("accessibility", files["CellA/DNase"], "bigwig")]
        tracks.append(("h3k27ac", files["CellA/H3K27ac"], "bigwig"))
        abc.build_elements(peaks_path=files["CellA/elements"], genes_path=files["tss"],
                           chrom_sizes_path=files["chrom_sizes"], tracks=tracks, params={},
                           out_elements=tables[0], out_tss=tables[1],
                           out_contact=tables[2])  # fmt: skip
    out = {}
    for name in ("abc", "e2g"):
        path = CACHE / f"candidates_{name}.skops"
        if not path.exists():
            model = Baseline(name, 0, None)
            if name == "abc":
                model.estimator.load(*tables)
            else:
                rng = np.random.default_rng(0)
                x = pd.DataFrame(rng.random((2000, len(e2g.FEATURES))), columns=e2g.FEATURES)
                model.estimator.fit(x, rng.random(2000) < 0.2)
            write_model(model, path)
        out[name] = path
    return out, [str(t) for t in tables]


def paper_size_epi_cnn():
    """epi_cnn at the released size (8.8 M parameters) on 3 kb / 2 kb windows (cached)."""
    path = CACHE / "candidates_epi_cnn_paper.keras"
    if not path.exists():
        os.environ.setdefault("KERAS_BACKEND", "tensorflow")
        from epipair.model.architectures import build

        build("epi_cnn", {"enhancer_sigwin": (296, 5), "promoter_sigwin": (196, 5)}).save(path)
    return path


CANDIDATE_CHILD = """
import json, sys, tempfile
from pathlib import Path
sys.path.insert(0, {src!r})
args = json.loads(sys.argv[1])
from epipair.model import backend
backend.setup(args["model"], "tensorflow", 1)
from epipair.evaluate.candidates import score_candidates
from epipair.model.predict import load_model
model = load_model(args["model_path"])
out = Path(tempfile.mkdtemp())
stats = score_candidates(args["model"], [model], out_scores=out / "s.tsv.gz",
                         out_top=out / "t.tsv", **args["kw"])
stats["peak_mib"] = next(
    int(x.split()[1]) for x in open("/proc/self/status") if x.startswith("VmHWM")
) / 1024
print(json.dumps(stats))
"""


def bench_candidates(quick=False):
    """Genome-wide scoring on the demo genome at two sizes (10x the pairs), each run in its own
    process (its own peak RSS), chunks of 10,000 pairs so both sizes span many chunks."""
    files, beds = candidate_data(quick)
    models = candidate_models()
    element_models, tables = candidate_element_models(files)
    models |= element_models
    marks = ["H3K27ac", "H3K4me1", "H3K4me3", "DNase", "CTCF"]
    tracks = [(m, str(files[f"CellA/{m}"]), "peaks" if m == "CTCF" else "bigwig") for m in marks]
    windows = {"enhancer": 1000, "promoter": 1000, "signal_bin": 50, "signal_window": 50,
               "signal_step": 10}  # fmt: skip
    code = CANDIDATE_CHILD.format(src=str(ROOT / "src"))

    def score(model, path, bed, windows, max_distance):
        kw = {
            "enhancers_path": str(bed),
            "promoters_path": str(files["tss"]),
            "chrom_sizes_path": str(files["chrom_sizes"]),
            "max_distance": max_distance,
            "top_k": 10,
            "windows": windows,
            "tracks": tracks,
            "chunk_pairs": 10_000,
        }
        if model == "e2g":  # its pair features come from the cell line's tables
            kw |= {"element_tables": tables, "abc_params": {}}
        arg = json.dumps({"model": model, "model_path": str(path), "kw": kw})
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", OMP_NUM_THREADS="1")
        out = subprocess.run(
            [sys.executable, "-c", code, arg], check=True, capture_output=True, text=True, env=env
        )
        return json.loads(out.stdout.strip().splitlines()[-1])

    rows = []
    for model, path in models.items():
        res = {size: score(model, path, bed, windows, 1_000_000) for size, bed in beds.items()}
        small, big = res["1x"], res["10x"]
        rate = {k: v["pairs"] / v["seconds"] for k, v in res.items()}
        note = (
            f"demo genome (6 x 1 Mb), CellA tracks, every enhancer x TSS pair within 1 Mb; "
            f"{small['pairs']:,} pairs in {small['seconds']:.1f} s, peak RSS "
            f"{small['peak_mib']:.0f} MiB; {big['pairs']:,} pairs in {big['seconds']:.1f} s, "
            f"peak RSS {big['peak_mib']:.0f} MiB; chunks of 10,000 pairs, 1 CPU thread; "
            f"ten million pairs: about {1e7 / rate['10x'] / 60:.0f} min at this rate"
        )
        rows.append(
            row(
                f"candidate_scoring_{model}",
                rate["10x"],
                "pairs/s",
                rate["1x"],
                rate["10x"] / rate["1x"],
                note + "; value at 10x the pairs, baseline at 1x (ratio ~1: linear time)",
            )
        )
        rows.append(
            row(
                f"candidate_rss_{model}",
                big["peak_mib"],
                "MiB",
                small["peak_mib"],
                small["peak_mib"] / big["peak_mib"],
                f"peak RSS at {big['pairs']:,} pairs; baseline: at {small['pairs']:,} pairs "
                "(ratio ~1: memory does not grow with the number of pairs)",
            )
        )
    paper = {**windows, "enhancer": 3000, "promoter": 2000}
    res = score("epi_cnn", paper_size_epi_cnn(), beds["1x"], paper, 100_000)
    rows.append(
        row(
            "candidate_scoring_epi_cnn_paper_size",
            res["pairs"] / res["seconds"],
            "pairs/s",
            None,
            None,
            f"epi_cnn at the released size (8.8 M parameters; 296 / 196 positions x 5 marks), "
            f"{res['pairs']:,} demo pairs within 100 kb in {res['seconds']:.1f} s, peak RSS "
            f"{res['peak_mib']:.0f} MiB, CPU, 1 thread",
        )
    )
    return rows


if __name__ == "__main__":
    main(bench_candidates)
