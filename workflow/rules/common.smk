# Shared set-up: config validation, names, paths and input functions.
# Logic lives in src/epipair; this file only maps the config onto paths.

import os
import re

from epipair import config as epiconfig
from epipair.errors import EpipairError

try:
    epiconfig.validate(config, workflow.source_path("../schemas/config.schema.yaml"))
except EpipairError as exc:
    raise WorkflowError(str(exc)) from None

CELLS = epiconfig.selected_cells(config)
ALL_CELLS = list(config["cell_lines"])
DEMO = "demo" in config["genome"]
NEURAL_MODELS = sorted(set(epiconfig.ALL_MODELS) - set(epiconfig.BASELINE_MODELS))
BASELINE_MODELS = list(epiconfig.BASELINE_MODELS)
MARKS = epiconfig.model_marks(config)
FLANK = config["augment"]["max_shift"]


def _alternation(names):
    """A regex that matches exactly one of names (or nothing when names is empty)."""
    return "|".join(re.escape(n) for n in sorted(names)) or "(?!x)x"


def _source_target(url, folder):
    """Where a configured file is read from: the local path, or its download target."""
    if epiconfig.is_remote(url):
        return f"resources/{folder}/{epiconfig.url_basename(url)}"
    return epiconfig.local_path(url)


def genome_fasta_gz():
    """The genome file as configured (downloaded when remote), possibly gzip-compressed."""
    return _source_target(config["genome"]["url"], "genome")


# every remote file the config names, by its path under resources/ -> {url, sha256};
# the download rule serves these
DOWNLOADS = {}
for _cell, _entry in config["cell_lines"].items():
    for _src, _folder in [(_entry["pairs"], _cell)] + [
        (_t, f"{_cell}/tracks") for _t in _entry.get("tracks", {}).values()
    ]:
        if epiconfig.is_remote(_src["url"]):
            DOWNLOADS[_source_target(_src["url"], _folder).removeprefix("resources/")] = _src
for _name, _entry in config.get("predict", {}).items():
    if epiconfig.is_remote(_entry["pairs"]["url"]):
        DOWNLOADS[_source_target(_entry["pairs"]["url"], f"predict/{_name}").removeprefix("resources/")] = _entry["pairs"]
if not DEMO and epiconfig.is_remote(config["genome"]["url"]):
    DOWNLOADS[genome_fasta_gz().removeprefix("resources/")] = config["genome"]


wildcard_constraints:
    cell=_alternation(ALL_CELLS),
    protocol="leakage_free|paper",
    kind="enhancer|promoter",


def _pairs_estimate(path, default=50_000):
    """Pairs in a pairs table, estimated from its size (about 100 bytes a row)."""
    return os.path.getsize(path) / 100 if os.path.exists(path) else default


def sequence_mem_mb(wildcards, input, attempt):
    """Tokens of every window (gathered, then mapped) plus one chromosome, x attempt."""
    row = config["windows"]["enhancer"] + config["windows"]["promoter"] + 4 * FLANK
    return int((1500 + 3 * _pairs_estimate(input.pairs) * row / 1e6 + 750) * attempt)


def signal_mem_mb(wildcards, input, attempt):
    """Binned signal of every window plus the merged spans of one chromosome, x attempt."""
    row = 4 * (config["windows"]["enhancer"] + config["windows"]["promoter"])
    return int((1500 + 2 * _pairs_estimate(input.pairs) * row / 1e6) * attempt)


def genome_fasta():
    """The uncompressed FASTA the sequence features read."""
    if DEMO:
        return "resources/demo/genome.fa"
    path = genome_fasta_gz()
    return path.removesuffix(".gz")


def chrom_sizes():
    if DEMO:
        return "resources/demo/genome.chrom.sizes"
    return config["genome"]["chrom_sizes"]


def pairs_source(wildcards):
    return _source_target(config["cell_lines"][wildcards.cell]["pairs"]["url"], wildcards.cell)


def pairs_format(wildcards):
    return config["cell_lines"][wildcards.cell]["pairs"]["format"]


def track_specs(sample):
    """[(mark, path, kind)] of a cell line (or of the cell line a predict set uses)."""
    cell = sample_cell(sample)
    tracks = config["cell_lines"][cell].get("tracks", {})
    return [
        (mark, _source_target(t["url"], f"{cell}/tracks"), t["kind"])
        for mark, t in tracks.items()
    ]


def track_files(wildcards):
    return [path for _, path, _ in track_specs(wildcards.sample)]


def track_param(wildcards):
    return track_specs(wildcards.sample)


PREDICT = config.get("predict", {})
# feature rules serve cell lines and the predict sets (results/predict/<name>/...)
SAMPLE_RE = _alternation(ALL_CELLS + [f"predict/{n}" for n in PREDICT])


def sample_cell(sample):
    """The cell line whose tracks a sample uses."""
    if sample.startswith("predict/"):
        return PREDICT[sample.removeprefix("predict/")]["cell_line"]
    return sample


def predict_pairs_source(wildcards):
    return _source_target(PREDICT[wildcards.name]["pairs"]["url"], f"predict/{wildcards.name}")


def score_inputs(wildcards):
    entry = PREDICT[wildcards.name]
    model, sample = entry["model"], f"predict/{wildcards.name}"
    return {
        "model": f"results/models/{model}/{entry['protocol']}/{entry['cell_line']}/{model_file(model)}",
        "pairs": f"results/{sample}/pairs.tsv",
        "features": model_feature_files(sample, model),
    }


def predict_setting(key):
    """An input function: one setting of the predict set named by the wildcard."""

    def get(wildcards):
        entry = PREDICT[wildcards.name]
        return entry["pairs"][key] if key in ("format", "labelled") else entry[key]

    return get


def download_source(wildcards):
    return DOWNLOADS[wildcards.path]


def feature_files(cell, sequence=True, signal=True):
    out = []
    if sequence:
        out += expand("results/{cell}/features/{kind}_sequence.npy", cell=cell, kind=["enhancer", "promoter"])
    if signal:
        out += expand("results/{cell}/features/{kind}_signal.npy", cell=cell, kind=["enhancer", "promoter"])
    return out


def model_feature_files(sample, model):
    """The feature arrays a model reads: sequence, signal or both."""
    return feature_files(
        sample,
        sequence=model in epiconfig.SEQUENCE_MODELS,
        signal=model in epiconfig.SIGNAL_MODELS,
    )


def feature_targets(cell):
    return [f"results/{cell}/pairs.tsv"] + feature_files(
        cell, epiconfig.uses_sequence(config), epiconfig.uses_signal(config)
    )


def train_inputs(wildcards):
    """pairs.tsv, the paper split and the features the model reads."""
    return {
        "pairs": f"results/{wildcards.cell}/pairs.tsv",
        "paper": f"results/{wildcards.cell}/splits_paper.tsv",
        "features": model_feature_files(wildcards.cell, wildcards.model),
    }


def model_params(wildcards):
    return config["model_params"].get(wildcards.model, {})


def model_file(model):
    return "model.pkl" if model in BASELINE_MODELS else "model.keras"


def model_targets(cell):
    return [
        f"results/models/{m}/{p}/{cell}/{model_file(m)}"
        for m in config["models"]
        for p in config["protocol"]
    ]


def test_cells(train_cell):
    return CELLS if config["cross_cell_line"] else [train_cell]


def predict_inputs(wildcards):
    """Every trained model of this model and protocol, and each test cell's tables and features."""
    model = wildcards.model
    out = {
        f"model_{a}": f"results/models/{model}/{wildcards.protocol}/{a}/{model_file(model)}"
        for a in CELLS
    }
    for test in dict.fromkeys(b for _, b in TESTS):
        out[f"pairs_{test}"] = f"results/{test}/pairs.tsv"
        out[f"paper_{test}"] = f"results/{test}/splits_paper.tsv"
        for i, f in enumerate(model_feature_files(test, model)):
            out[f"features_{test}_{i}"] = f
    return out


# (train cell, test cell) pairs the predict rule scores, in the order of its outputs
TESTS = [[a, b] for a in CELLS for b in test_cells(a)]
# every prediction table: (model, protocol, train cell, test cell) -> path
PREDICTIONS = {
    (m, p, a, b): f"results/predictions/{m}/{p}/{a}__{b}.tsv"
    for m in config["models"]
    for p in config["protocol"]
    for a, b in TESTS
}
WITHIN_PREDICTIONS = {k: v for k, v in PREDICTIONS.items() if k[2] == k[3]}
PUBLISHED = os.path.join(workflow.basedir, "resources", "published.tsv")


def report_targets():
    out = ["results/metrics.tsv", "results/report/leakage.tsv", "results/report/summary.md",
           "results/report/pr_curves.png", "results/report/protocol_comparison.png"]
    out += [f"results/report/aupr_matrix_{m}_{p}.png" for m in config["models"] for p in config["protocol"]]
    return out


def all_targets():
    out = [t for cell in CELLS for t in feature_targets(cell) + model_targets(cell)]
    return out + report_targets() + [f"results/predict/{n}.tsv" for n in PREDICT]


from epipair import demo as epidemo

DEMO_CELLS = list(epidemo.DEMO_CELLS)
DEMO_TRACK_FILES = [f"{m}.bw" for m in epidemo.BIGWIG_MARKS] + [f"{epidemo.PEAK_MARK}.narrowPeak"]
