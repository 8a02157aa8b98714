"""One-hot sequence windows: ours against a pyfaidx slice with a Python one-hot per window,
and against bedtools getfasta with a numpy one-hot (kipoiseq where importable).

python benchmarks/bench_sequence.py [--quick]
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import numpy as np
from common import N_WINDOWS, main, real_or_synthetic_windows, row, synthetic_genome, timed


def naive_one_hot(seq: str) -> np.ndarray:
    table = {"A": 0, "C": 1, "G": 2, "T": 3}
    out = np.zeros((len(seq), 4), dtype=np.float32)
    for i, b in enumerate(seq.upper()):
        j = table.get(b)
        if j is not None:
            out[i, j] = 1.0
    return out


def bench_sequence(quick=False):
    import pyfaidx

    from epipair.io.sequence import FastaReader, extract_sequence, one_hot

    chroms = ["chr1", "chr2", "chr3"] if not quick else ["chr21", "chr22"]
    fa, sizes = synthetic_genome(chroms)
    n = N_WINDOWS if not quick else 2000
    windows, coords = real_or_synthetic_windows(sizes, n)

    def ours():
        reader = FastaReader(fa)
        for c, s, w in windows:
            extract_sequence(reader, c, s, w)
        reader.close()

    t_ours = timed(ours)
    # naive: pyfaidx slice per window plus a Python one-hot per window, on a subsample
    k = 400 if not quick else 100
    fasta = pyfaidx.Fasta(str(fa), as_raw=True)

    def naive():
        for c, s, w in windows:
            for chrom, start in zip(c[: k // 2], s[: k // 2]):
                naive_one_hot(fasta[chrom][int(start) : int(start) + w])

    t_naive = timed(naive, repeats=1) * (n / k)
    # library baseline: kipoiseq when importable, else bedtools getfasta + numpy one-hot
    try:
        from kipoiseq import Interval
        from kipoiseq.extractors import FastaStringExtractor
        from kipoiseq.transforms.functional import one_hot_dna

        ext = FastaStringExtractor(str(fa))

        def library():
            for c, s, w in windows:
                for chrom, start in zip(c, s):
                    one_hot_dna(ext.extract(Interval(chrom, int(start), int(start) + w)))

        lib_name = "kipoiseq FastaStringExtractor + one_hot_dna"
    except ImportError:
        bed = Path(tempfile.mkdtemp()) / "w.bed"
        with open(bed, "w") as fh:
            for c, s, w in windows:
                for chrom, start in zip(c, s):
                    fh.write(f"{chrom}\t{start}\t{start + w}\n")

        def library():
            out = subprocess.run(
                ["bedtools", "getfasta", "-fi", str(fa), "-bed", str(bed), "-tab"],
                capture_output=True,
                check=True,
            ).stdout
            for line in out.splitlines():
                seq = np.frombuffer(line.split(b"\t")[1], dtype=np.uint8)
                from epipair.io.sequence import LUT

                one_hot(LUT[seq])

        lib_name = "bedtools getfasta + numpy one-hot (kipoiseq not installed)"
    t_lib = timed(library, repeats=1)
    note = (
        f"{n} windows (3 kb + 2 kb), {coords}, synthetic genome with hg19 sizes of "
        f"{'+'.join(chroms)}; ours: uint8 tokens"
    )
    return [
        row(
            "sequence_extraction",
            n / t_ours,
            "windows/s",
            n / t_naive,
            t_naive / t_ours,
            note + "; baseline: pyfaidx slice + Python one-hot per window "
            "(timed on a subsample, scaled)",
        ),
        row(
            "sequence_extraction_vs_library",
            n / t_ours,
            "windows/s",
            n / t_lib,
            t_lib / t_ours,
            note + f"; baseline: {lib_name}",
        ),
    ]


if __name__ == "__main__":
    main(bench_sequence)
