# Shared set-up: config validation, names, constants, wildcard constraints and targets.
# Logic lives in src/epipair; each stage's input functions are in common/<stage>.smk, named
# after its rules file (snakemake --lint wants no functions beside rules).

import os
import re

from epipair import config as epiconfig
from epipair.prep import demo as epidemo
from epipair import sources as episources
from epipair.io import download as epidownload
from epipair.interpret import attributions as epiinterpret
from epipair.model import registry
from epipair.io import sequence as episequence
from epipair.errors import EpipairError
from epipair.smk import canonical, input_key
from epipair.prep.splits import AUGMENTED_AFTER_SPLIT, PROTOCOLS, SINGLE, fold_path_part

# the TargetFinder repository's tree at the pinned commit: its git blob ids verify downloads
MANIFEST = os.path.join(workflow.basedir, "resources", "targetfinder_manifest.tsv")
# sha256 of remote files without a configured one, recorded at their first download
LOCK = "resources/downloads.lock.tsv"
try:
    epiconfig.validate(config)
    episources.check_config_urls(config, MANIFEST)
    # the Keras backend must import here, unless jobs run in their own conda environments
    if "conda" not in {str(m).lower() for m in workflow.deployment_settings.deployment_method}:
        epiconfig.check_backend(config)
    # files already in place are checked against their checksums before any rule reads them
    episources.verify_existing(config, MANIFEST, LOCK, "resources/downloads.verified.tsv")
except EpipairError as exc:
    raise WorkflowError(str(exc)) from None

DEMO = "demo" in config["genome"]
ALL_CELLS = list(config["cell_lines"])
CELLS = epiconfig.selected_cells(config)
try:
    # a model that pre-trains on the other cell lines needs two; with `only` one it is left out
    config["models"] = epiconfig.models_for(config, CELLS)
    epiconfig.check_selection(config)  # something is left to train and evaluate
except EpipairError as exc:
    raise WorkflowError(str(exc)) from None


def selected_entry(entry):
    """A predict or candidates entry that this run scores: its cell line is selected
    (config only) and its model is trained (not left out by models_for), or its train group is
    trained (GROUPS)."""
    if entry["cell_line"] not in CELLS:
        return False
    if entry.get("train_group"):
        return entry["train_group"] in GROUPS
    return entry["model"] in config["models"]


# pooled models (config train_groups) whose members' cell lines are all selected
GROUPS = epiconfig.train_groups(config, CELLS)
# your own pair sets of the selected cell lines (a run with `only` scores no other's)
PREDICT = {n: e for n, e in config["predict"].items() if selected_entry(e)}
# benchmarks of the selected cell lines (a run with `only` scores no other cell line's models)
BENCHMARKS = {n: e for n, e in config["benchmarks"].items() if e["cell_line"] in CELLS}
# pair sets that trained models score, by their folder under results/: your own pairs
# (config "predict") and the labelled benchmarks
SCORED = {f"predict/{n}": {**e["pairs"], "cell_line": e["cell_line"]} for n, e in PREDICT.items()}
SCORED |= {f"benchmark/{n}": {**e, "labelled": True} for n, e in BENCHMARKS.items()}
# genome-wide candidate sets of the selected cell lines (and trained models or groups)
CANDIDATES = {n: e for n, e in config["candidates"].items() if selected_entry(e)}
MARKS = epiconfig.model_marks(config)
# the gene TSS file (config "genes"): abc's promoters, crispri benchmarks' target genes
GENES = (
    epidownload.source_target(config["genes"]["url"], "genes", "genes")
    if config.get("genes")
    else None
)
FLANK = config["augment"]["max_shift"]
# config["train"] without resources: a cluster tweak of threads or runtime retrains nothing
TRAIN_PARAMS = canonical(epiconfig.train_params(config))
# every (model, protocol) trained and evaluated (config protocol and protocol_models)
RUNS = epiconfig.runs(config)
DEMO_CELLS = list(epidemo.DEMO_CELLS)
DEMO_TRACK_FILES = [f"{m}.bw" for m in epidemo.BIGWIG_MARKS]
DEMO_TRACK_FILES += [f"{epidemo.PEAK_MARK}.narrowPeak"]
# (train cell, test cell) pairs that the predict rule scores, in the order of its outputs
TESTS = [[a, b] for a in CELLS for b in (CELLS if config["cross_cell_line"] else [a])]
# one scored test table: a model (trained on one cell line) on a cell line's test split
PREDICTION = "results/predictions/{model}/{protocol}/{train}__{test}.tsv"
# training jobs: per model, protocol and cell line, or one per model and protocol (train.jobs)
TRAIN_JOBS = config["train"]["jobs"]
# models whose test predictions the predict rule writes (else their training job does)
PREDICTED_APART = registry.names("baseline" if TRAIN_JOBS == "per_model" else None)
# cross-validation folds of the leakage_free models (split.folds), else the single split
FOLDS = [str(k) for k in range(1, config["split"].get("folds", 0) + 1)]


def fold_labels(protocol):
    """The models of one protocol: a fold each under cross-validation, else one (all)."""
    return FOLDS if FOLDS and protocol == "leakage_free" else [SINGLE]


def _alternation(names):
    """A regex that matches exactly one of names (or nothing when names is empty)."""
    return "|".join(re.escape(n) for n in sorted(names)) or "(?!x)x"


def element_windows(*keys):
    """The enhancer and promoter window sizes and the named other ``windows`` keys: a rule's
    params hold only what changes its output."""
    return {k: config["windows"][k] for k in ("enhancer", "promoter", *keys)}


def flank_params():
    """``augment`` of the jobs that augment nothing: the flank stored around each window
    (max_shift) alone, so that augment.positives or grid_step rerun none of them."""
    return {"max_shift": FLANK}


def split_params(*keys):
    """The named ``split`` settings (those set) in canonical order, as params; the random
    splits' fractions and seed then rerun no leakage-free job."""
    return canonical({k: config["split"][k] for k in keys if k in config["split"]})


def train_settings(wildcards):
    """``train`` of a training job (TRAIN_PARAMS): paper_schedule only under paper, the one
    protocol it changes."""
    if wildcards.protocol == "paper":
        return TRAIN_PARAMS
    return {k: v for k, v in TRAIN_PARAMS.items() if k != "paper_schedule"}


def train_augment(wildcards):
    """``augment`` of a training job: all of it (canonical key order) under the protocols that
    augment training positives on the fly (epipair.prep.splits.AUGMENTED_AFTER_SPLIT), else the flank
    alone (paper: its instances, shifts included, are splits_paper.tsv's rows)."""
    if wildcards.protocol in AUGMENTED_AFTER_SPLIT:
        return canonical(config["augment"])
    return flank_params()


def one(template, **wildcards):
    """One path from a rule's output template (rules.<name>.output.<key>) and wildcards."""
    (path,) = expand(template, **wildcards)
    return path


def genome_source():
    """The genome file as configured: its download target when remote, else the user's own
    file (read, never written), possibly gzip-compressed."""
    genome = config["genome"]
    return epidownload.source_target(genome["url"], "genome", genome["name"])


def genome_fasta():
    """The uncompressed FASTA the sequence features read, always under resources/ (its .fai
    index is written beside it)."""
    if DEMO:
        return "resources/demo/genome.fa"
    return f"resources/genome/{config['genome']['name']}.fa"


def chrom_sizes():
    """The chromosome sizes file: the user's own, or its download target when a URL."""
    if DEMO:
        return "resources/demo/genome.chrom.sizes"
    return epidownload.source_target(config["genome"]["chrom_sizes"], "genome", "chrom_sizes")


# the chromosome sizes against a FASTA index of an earlier run (rule index_fasta checks a new one)
try:
    episequence.check_existing_index(genome_fasta(), chrom_sizes())
except EpipairError as exc:
    raise WorkflowError(str(exc)) from None


wildcard_constraints:
    cell=_alternation(ALL_CELLS),
    protocol=_alternation(PROTOCOLS),
    kind="enhancer|promoter",
    model=_alternation(registry.names()),
    fold="(/fold[0-9]+)?",


# Targets of `rule all`; the functions they call are defined beside their rules.
def all_targets():
    out = []
    for cell in CELLS:
        out += feature_targets(cell)
        for m, p in RUNS:
            out += model_paths(m, p, cell).values()
    out += report_targets()
    out += expand(rules.score_pairs.output[0], name=PREDICT)
    out += interpret_targets()
    out += group_model_targets()
    return out + expand(rules.score_candidates.output.scores, name=CANDIDATES)
