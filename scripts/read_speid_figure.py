"""Read SPEID's and TargetFinder's AUROC and AUPR bars off ma-compbio/SPEID's vector figure.

Usage: python scripts/read_speid_figure.py SPEID_versus_TargetFinder.pdf
(``git show <commit>:figs/SPEID_versus_TargetFinder.pdf`` in a clone of ma-compbio/SPEID).

The figure (Apache FOP, 2017) draws six panels (one per cell line) of bars for AUROC, AUPR,
F1 and MCC on a 0.6-1.0 axis; the SPEID bars are dark blue, TargetFinder's yellow (the
legend). Each value is read from the bar's top in drawing coordinates, against the panel's
own axis: the y positions of its tick labels 0.6 and 1 (no value is assumed). Prints the rows
of resources/published.tsv for AUROC and AUPR.
"""

from __future__ import annotations

import re
import sys
import zlib

SCALE = 3.12500007  # the drawing's "cm" scale of bars and ticks relative to the text's space
COLOURS = {"0.2078 0.1647 0.5255": "SPEID", "0.9725 0.9804 0.051": "TargetFinder"}
METRICS = ("auroc", "aupr", "f1", "mcc")
CELLS = ("GM12878", "K562", "IMR90", "HeLa-S3", "HUVEC", "NHEK")


def content_stream(pdf: bytes) -> str:
    for m in re.finditer(rb"stream\r?\n", pdf):
        raw = pdf[m.end() : pdf.index(b"endstream", m.end())]
        try:
            return zlib.decompress(raw).decode("latin1")
        except zlib.error:
            continue
    raise SystemExit("no compressed content stream found")


def read(pdf: bytes) -> list[tuple[str, str, str, float]]:
    text = content_stream(pdf)
    labels = re.findall(
        r"[\d.\-]+ [\d.\-]+ [\d.\-]+ [\d.\-]+ ([\d.\-]+) ([\d.\-]+) cm\s*BT\s*"
        r"1 0 0 -1 [\d.\-]+ [\d.\-]+ Tm \[\((.*?)\) \] TJ",
        text,
    )
    # panel titles (cell lines) and axis ticks, in drawing units
    titles = [(float(x) / SCALE, float(y) / SCALE, t) for x, y, t in labels if t in CELLS]
    ticks = [
        (float(x) / SCALE, float(y) / SCALE, float(t)) for x, y, t in labels if t in ("0.6", "1")
    ]
    bars = []
    for block in re.findall(r"q\n(.*?)\nQ", text, re.S):
        colour = re.search(r"([\d.]+ [\d.]+ [\d.]+) rg", block)
        if not block.rstrip().endswith("f") or not colour or colour.group(1) not in COLOURS:
            continue
        pts = [tuple(map(float, p)) for p in re.findall(r"([\d.]+) ([\d.]+) [ml]", block)]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        bars.append((COLOURS[colour.group(1)], (min(xs) + max(xs)) / 2, min(ys), max(ys)))
    rows = []
    for tx, ty, cell in titles:
        # the panel's axis: tick labels left of the title, nearest below it in y
        axis = [t for t in ticks if t[0] < tx and 0 < t[1] - ty < 250]
        y06 = min((t for t in axis if t[2] == 0.6), key=lambda t: abs(tx - t[0]))[1]
        y1 = min((t for t in axis if t[2] == 1.0), key=lambda t: abs(tx - t[0]))[1]
        x0 = min(t[0] for t in axis if abs(t[1] - y06) < 1 and abs(tx - t[0]) < 400)
        mine = [b for b in bars if x0 < b[1] < x0 + 380 and abs(b[3] - y06) < 1.5]
        for model in ("SPEID", "TargetFinder"):
            own = sorted((b for b in mine if b[0] == model), key=lambda b: b[1])
            if len(own) != len(METRICS):
                raise SystemExit(f"{cell}: found {len(own)} {model} bars, expected 4")
            for metric, b in zip(METRICS, own):
                value = 0.6 + (y06 - b[2]) / (y06 - y1) * 0.4
                rows.append((model, cell, metric, value))
    return rows


if __name__ == "__main__":
    for model, cell, metric, value in read(open(sys.argv[1], "rb").read()):
        if metric in ("auroc", "aupr"):
            print(f"{model}\t{cell}\t{metric}\t{value:.3f}")
