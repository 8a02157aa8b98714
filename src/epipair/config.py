"""Configuration: schema validation with defaults, and the checks a schema cannot express."""

from __future__ import annotations

import logging
import re
from urllib.parse import urlparse

import jsonschema

from .errors import EpipairError
from .io.download import is_remote
from .io.schema import SCHEMA, rules
from .model import registry

log = logging.getLogger(__name__)
# cell line and mark names (the schema's ``name``): they become paths and wildcards
NAME_RE = re.compile(rules()["definitions"]["name"]["pattern"])
# config["train"] keys that are resources of a job, not settings of its result: changing
# them must not retrain a model (rules pass ``train_params`` as params, these apart)
TRAIN_RESOURCES = ("gpus", "threads", "workers", "mem_mb", "runtime", "jobs")


def validate(config: dict, schema=SCHEMA) -> dict:
    """Validate ``config`` in place against the JSON schema (defaults filled), apply
    ``tracks_from`` (:func:`select_tracks`), then cross-check (:func:`check`).

    Schema errors are reported by ``snakemake.utils.validate``, except the genome rule's
    (:func:`check_genome`); the extra checks raise :class:`EpipairError` with the key named.
    """
    from snakemake.utils import validate as sm_validate

    check_genome(config.get("genome", {}))
    sm_validate(config, str(schema), set_default=True)
    select_tracks(config)
    check(config)
    return config


def abc_tracks(config: dict, cell: str) -> dict:
    """``{role: mark}`` of the tracks the abc model reads in a cell line: ``accessibility``
    and, when the cell line has it, ``h3k27ac``."""
    from .model.abc import check_params

    p = check_params(config.get("model_params", {}).get("abc"))
    tracks = config["cell_lines"][cell].get("tracks", {})
    out = {"accessibility": p["accessibility"]}
    if p["h3k27ac"] in tracks:
        out["h3k27ac"] = p["h3k27ac"]
    return out


def abc_elements_entry(config: dict, cell: str) -> tuple[str, dict]:
    """``(key, entry)`` of the peak file whose summits give abc its candidate elements: the
    cell line's ``elements``, else its accessibility track (``tracks.<mark>``)."""
    entry = config["cell_lines"][cell]
    tracks = entry.get("tracks", {})
    elements = entry.get("elements")
    if elements:  # read where it already is when it is also one of the tracks
        same = [m for m, t in tracks.items() if t["url"] == elements["url"]]
        return (same[0], tracks[same[0]]) if same else ("elements", elements)
    mark = abc_tracks(config, cell)["accessibility"]
    return mark, tracks.get(mark, {})


def score_thresholds(config: dict, models) -> dict:
    """``{model: threshold}`` of ``models`` that call a link above a score: the unsupervised
    Activity-by-Contact model (``model_params.abc.threshold``, 0.02 as released)."""
    from .model.abc import check_params

    return {
        m: check_params(config.get("model_params", {}).get(m))["threshold"]
        for m in models
        if registry.spec(m).reads_elements
    }


def check_bam_tracks(config: dict) -> None:
    """A track of ``kind: bam`` (reads) gives the abc model its activity; the epigenomic
    models read binned signal (bigWig or peaks), so none of theirs may be a BAM."""
    for cell, entry in config["cell_lines"].items():
        for mark, track in entry.get("tracks", {}).items():
            if track["kind"] == "bam" and is_remote(track["url"]):
                raise EpipairError(
                    f"config cell_lines.{cell}.tracks.{mark}: a BAM track is read where it lies "
                    "(a local path, its .bai index beside it); download it with its index first"
                )
    bams = [t for e in config["cell_lines"].values() for t in e.get("tracks", {}).values()]
    if not any(registry.spec(m).reads_signal for m in config["models"]) or not any(
        t["kind"] == "bam" for t in bams
    ):
        return
    marks = model_marks(config)
    for cell in selected_cells(config):
        for mark, track in config["cell_lines"][cell].get("tracks", {}).items():
            if track["kind"] == "bam" and mark in marks:
                raise EpipairError(
                    f"config cell_lines.{cell}.tracks.{mark}: a BAM gives the abc model its "
                    "activity only, and the epigenomic models read this mark; give a bigWig or "
                    "peaks for it, or leave it out of signal_marks"
                )


def check_abc(config: dict) -> None:
    """The abc model needs ``genes`` and, in each selected cell line, an accessibility track
    and peaks for the candidate elements (``elements``, or the accessibility track as a peak
    file); labels in format crispri need genes."""
    crispri = [f"benchmarks.{n}" for n, e in config.get("benchmarks", {}).items()]
    crispri = [w for w in crispri if config["benchmarks"][w[11:]]["format"] == "crispri"]
    crispri += [
        f"cell_lines.{c}.pairs"
        for c, e in config["cell_lines"].items()
        if e["pairs"]["format"] == "crispri"
    ]
    if crispri and not config.get("genes"):
        raise EpipairError(
            f"config {crispri[0]}: format crispri names target genes by symbol; "
            "give the config key 'genes' (a TSS BED)"
        )
    users = [m for m in all_models(config) if registry.spec(m).needs_elements]
    if not users:
        return
    who = ", ".join(users)
    if not config.get("genes"):
        raise EpipairError(f"config models: {who} need(s) the config key 'genes' (a TSS BED)")
    for cell in selected_cells(config):
        hic = config["cell_lines"][cell].get("hic")
        if hic and urlparse(hic["url"]).path.lower().endswith(".hic"):
            raise EpipairError(
                f"config cell_lines.{cell}.hic: {hic['url']} is a .hic file; epipair reads "
                ".cool/.mcool (a .hic needs hic-straw, which epipair does not install): convert it "
                "(hic2cool convert in.hic out.mcool) and set model_params.abc.hic_weight: KR"
            )
        tracks = config["cell_lines"][cell].get("tracks", {})
        mark = abc_tracks(config, cell)["accessibility"]
        if mark not in tracks:
            raise EpipairError(
                f"config cell_lines.{cell}.tracks: {who} read(s) accessibility from a track "
                f"{mark!r}, which this cell line lacks (model_params.abc.accessibility names "
                "another)"
            )
        key, entry = abc_elements_entry(config, cell)
        if entry.get("kind") != "peaks":
            raise EpipairError(
                f"config cell_lines.{cell}.tracks.{key}: {who} take(s) candidate elements from "
                "peak summits and this track is a bigWig; give the cell line's DNase peaks as "
                f"cell_lines.{cell}.elements (a narrowPeak file)"
            )


def select_tracks(config: dict) -> None:
    """Apply ``tracks_from``: ``bigwig`` makes each cell line's ``bigwig_tracks`` its tracks.

    ``tracks`` is the default track set (any kinds; TargetFinder's peak files in config.yaml);
    ``bigwig_tracks`` an alternative set of signal bigWigs.
    """
    if config.get("tracks_from", "peaks") != "bigwig":
        return
    for cell, entry in config["cell_lines"].items():
        if not entry.get("bigwig_tracks"):
            raise EpipairError(
                f"config cell_lines.{cell}: tracks_from is 'bigwig' but there are no bigwig_tracks"
            )
        entry["tracks"] = entry["bigwig_tracks"]


def check(config: dict) -> None:
    """Checks across keys (after the schema's and :func:`select_tracks`), each naming the key
    at fault."""
    selected_cells(config)
    check_mark_spellings(config)
    check_windows(config)
    check_augment(config)
    check_abc(config)
    check_bam_tracks(config)
    check_signal_tracks(config)
    check_model_params(config)
    model_marks(config)
    check_train_groups(config)  # before the candidates that may name a group
    check_selection(config)  # a train group may be all there is to train
    for section in ("predict", "candidates"):
        for name, entry in config.get(section, {}).items():
            _check_scoring_entry(config, f"config {section}.{name}", entry)
    check_benchmarks(config)
    if config["train"]["jobs"] == "per_model" and config["split"].get("folds"):
        raise EpipairError(
            "config train.jobs: per_model trains each cell line once and does not combine with "
            "split.folds; use per_cell"
        )
    check_interpret(config)
    s = config["split"]
    if s["paper_test_fraction"] + s["paper_valid_fraction"] >= 1:
        raise EpipairError("config split: paper_test_fraction + paper_valid_fraction must be < 1")


def check_genome(genome: dict) -> None:
    """The schema's genome rule (the demo genome, or a FASTA URL with its chromosome sizes,
    not both), checked first so that its error is the schema's one-line description."""
    rule = rules()["properties"]["genome"]
    one_of = jsonschema.Draft202012Validator({"oneOf": rule["oneOf"]})
    if isinstance(genome, dict) and not one_of.is_valid(genome):
        raise EpipairError(f"config genome: {' '.join(rule['description'].split())}")


def check_windows(config: dict) -> None:
    """Element windows in whole signal bins; Xiao et al.'s sliding windows fit them."""
    w = config["windows"]
    for kind in ("enhancer", "promoter"):
        if w[kind] % w["signal_bin"]:
            raise EpipairError(
                f"config windows.{kind} ({w[kind]}) must be a multiple of windows.signal_bin "
                f"({w['signal_bin']})"
            )
    if registry.reads_signal_windows(config["models"]):
        win, step = w["signal_window"], w["signal_step"]
        bad = [k for k in ("enhancer", "promoter") if w[k] % step or w[k] < win]
        if win % step or bad:
            raise EpipairError(
                f"config windows.signal_window ({win}) must be a multiple of "
                f"windows.signal_step ({step}), and the step must divide and the window fit "
                f"windows.enhancer ({w['enhancer']}) and windows.promoter ({w['promoter']})"
            )


def shortest_window(config: dict) -> str:
    """``enhancer`` or ``promoter``, whichever window is shorter."""
    return min(("enhancer", "promoter"), key=lambda k: config["windows"][k])


def check_augment(config: dict) -> None:
    """Shifted copies keep the element's centre inside the window (random or on a grid)."""
    aug, shortest = config["augment"], shortest_window(config)
    size = config["windows"][shortest]
    if aug.get("grid_step"):
        from .prep.splits import grid_shifts

        reach = int(abs(grid_shifts(aug["positives"], aug["grid_step"])).max(initial=0))
        if reach > aug["max_shift"]:
            raise EpipairError(
                f"config augment: the grid of {aug['positives']} copies {aug['grid_step']} bp "
                f"apart reaches {reach} bp, beyond augment.max_shift ({aug['max_shift']})"
            )
    if 2 * aug["max_shift"] >= size:
        raise EpipairError(
            f"config augment.max_shift ({aug['max_shift']}) must be less than half "
            f"of windows.{shortest} ({size}): a copy shifted further no longer holds the "
            "element's centre"
        )


def check_signal_tracks(config: dict) -> None:
    """Every selected cell line has tracks when a configured model reads signal."""
    signal_models = [m for m in config["models"] if registry.spec(m).reads_signal]
    for cell in selected_cells(config) if signal_models else []:
        if not config["cell_lines"][cell].get("tracks"):
            raise EpipairError(
                f"config cell_lines.{cell}: models {', '.join(signal_models)} read epigenomic "
                "signal but the cell line has no 'tracks'"
            )


def check_model_params(config: dict) -> None:
    """Known keys with sensible values (``registry.ModelSpec.params``); a sequence model's
    kernel and pool no longer than the shorter window."""
    shortest = shortest_window(config)
    size = config["windows"][shortest]
    for name, params in config.get("model_params", {}).items():
        merged = registry.spec(name).params(params)  # unknown keys and bad values stop here
        if registry.spec(name).reads_sequence:
            for key in ("kernel", "pool"):
                if key in merged and merged[key] > size:
                    raise EpipairError(
                        f"config model_params.{name}.{key} ({merged[key]}) is longer than "
                        f"windows.{shortest} ({size})"
                    )


def check_benchmarks(config: dict) -> None:
    """A benchmark names a configured cell line, whose leakage_free models score it."""
    for name, entry in config.get("benchmarks", {}).items():
        where = f"config benchmarks.{name}"
        if entry["cell_line"] not in config["cell_lines"]:
            raise EpipairError(
                f"{where}: cell_line {entry['cell_line']!r} is not in config 'cell_lines'"
            )
        if "leakage_free" not in config["protocol"]:
            raise EpipairError(
                f"{where}: benchmarks score leakage_free models; add leakage_free to 'protocol'"
            )


def protocol_models(config: dict, protocol: str) -> list[str]:
    """The models trained and evaluated under ``protocol``, in ``models`` order: those of
    ``protocol_models.<protocol>``, else every model. Like ``interpret.models``, a model or
    protocol that is not configured is left out, so that a run with ``--config
    models=[...]`` or ``protocol=[...]`` needs no other change.

    A model that trains nothing (``abc``) runs under ``leakage_free`` only: its scores do not
    depend on a split."""
    wanted = config.get("protocol_models", {}).get(protocol)
    return [
        m
        for m in config["models"]
        if (wanted is None or m in wanted)
        and (protocol == "leakage_free" or not registry.spec(m).reads_elements)
    ]


def check_selection(config: dict) -> None:
    """Something to train and evaluate: a train group (``train_groups``) of the selected cell
    lines, or ``models`` not empty and at least one model running under a configured
    protocol (``protocol_models``; abc under leakage_free only). Else the features would be
    built and the reports fail at the end (``only`` naming no cell line stops in
    :func:`selected_cells`)."""
    if groups_train(config, selected_cells(config)):
        return
    if not config["models"]:
        raise EpipairError(
            f"config models: empty; name at least one model (known: {', '.join(registry.names())}) "
            "or a train_groups entry"
        )
    if not runs(config):
        raise EpipairError(
            f"config protocol_models: no model of {', '.join(config['models'])} runs under "
            f"protocol(s) {', '.join(config['protocol'])} (abc runs under leakage_free only); "
            "name one for at least one protocol"
        )


def groups_train(config: dict, cells) -> bool:
    """Whether a train group of ``cells`` trains a model (:func:`train_groups`)."""
    return any(g["models"] for g in train_groups(config, cells).values())


def runs(config: dict) -> list[tuple[str, str]]:
    """Every ``(model, protocol)`` the study trains and evaluates, protocol by protocol."""
    return [(m, p) for p in config["protocol"] for m in protocol_models(config, p)]


def check_interpret(config: dict) -> None:
    """``interpret``: neural models (those not in ``models`` are left out, so that a run with
    ``--config models=[...]`` needs no other change) and configured protocols."""
    entry = config.get("interpret", {})
    for model in entry.get("models", []):
        if not registry.spec(model).neural:
            raise EpipairError(
                f"config interpret.models: {model!r} is a baseline; only neural models have "
                "filters and gradients"
            )
    for protocol in entry.get("protocols", []):
        if protocol not in config["protocol"]:
            raise EpipairError(
                f"config interpret.protocols: {protocol!r} is not in config 'protocol'"
            )
    for cell in entry.get("cell_lines", []):
        if cell not in config["cell_lines"]:
            raise EpipairError(
                f"config interpret.cell_lines: {cell!r} is not in config 'cell_lines'"
            )
    for name, path in entry.get("motif_files", {}).items():
        if is_remote(path):
            raise EpipairError(
                f"config interpret.motif_files.{name}: {path!r} must be a local MEME file"
            )


def _check_scoring_entry(config: dict, where: str, entry: dict) -> None:
    """A ``predict`` or ``candidates`` entry names a configured model, protocol and cell line
    (or a train group that trains the model)."""
    group = entry.get("train_group")
    if group is not None:
        if group not in config.get("train_groups", {}):
            raise EpipairError(f"{where}: train_group {group!r} is not in config 'train_groups'")
        if entry["model"] not in group_models(config, group):
            raise EpipairError(
                f"{where}: model {entry['model']!r} is not among train_groups.{group}'s models"
            )
        if entry["cell_line"] not in config["cell_lines"]:
            raise EpipairError(
                f"{where}: cell_line {entry['cell_line']!r} is not in config 'cell_lines'"
            )
        return
    if entry["model"] not in config["models"]:
        raise EpipairError(f"{where}: model {entry['model']!r} is not in config 'models'")
    if entry["protocol"] not in config["protocol"]:
        raise EpipairError(f"{where}: protocol {entry['protocol']!r} is not in config 'protocol'")
    if entry["model"] not in protocol_models(config, entry["protocol"]):
        raise EpipairError(
            f"{where}: model {entry['model']!r} is not in config "
            f"protocol_models.{entry['protocol']}"
        )
    if entry["cell_line"] not in config["cell_lines"]:
        raise EpipairError(
            f"{where}: cell_line {entry['cell_line']!r} is not in config 'cell_lines'"
        )


def check_mark_spellings(config: dict) -> None:
    """Mark names are matched exactly across cell lines; two spellings of one mark
    (``DNase``, ``dnase``) would silently drop it from the marks all cell lines share."""
    seen: dict[str, tuple[str, str]] = {}
    for cell, entry in config["cell_lines"].items():
        for key in ("tracks", "bigwig_tracks"):
            for mark in entry.get(key) or {}:
                first = seen.setdefault(mark.lower(), (mark, cell))
                if first[0] != mark:
                    raise EpipairError(
                        f"config cell_lines.{cell}.{key}: mark {mark!r} is spelled "
                        f"{first[0]!r} in cell line {first[1]}; use one spelling"
                    )


def check_backend(config: dict) -> None:
    """The configured Keras backend is importable (only when a neural model is configured)."""
    if any(registry.spec(m).neural for m in config["models"]):
        from .model.backend import check_installed

        check_installed(config["train"].get("backend", "tensorflow"))


def model_marks(config: dict) -> list[str]:
    """Marks the epigenomic models read: ``signal_marks`` (each selected cell line must have
    them), or those all configured cell lines share."""
    cells = config["cell_lines"]
    if config.get("signal_marks"):
        for cell in selected_cells(config):
            entry = cells[cell]
            missing = [m for m in config["signal_marks"] if m not in entry.get("tracks", {})]
            if missing:
                raise EpipairError(
                    f"config signal_marks: cell line {cell} has no track for {', '.join(missing)}"
                )
        return list(config["signal_marks"])
    first = list(next(iter(cells.values())).get("tracks", {}))
    common = [m for m in first if all(m in e.get("tracks", {}) for e in cells.values())]
    if uses_signal(config) and not common:
        raise EpipairError(
            "config cell_lines: no mark is shared by all cell lines; set signal_marks"
        )
    return common


def models_for(config: dict, cells: list[str]) -> list[str]:
    """``config["models"]`` for a run of ``cells``: a model that pre-trains on the other cell
    lines (``registry.ModelSpec.pretrain``) is left out, with a warning, when only one cell
    line is selected."""
    out = []
    for m in config["models"]:
        if registry.spec(m).pretrain and len(cells) < 2:
            log.warning(
                "model %s pre-trains on the other cell lines; with only %s selected it is "
                "left out of this run",
                m,
                ", ".join(cells),
            )
            continue
        out.append(m)
    if config["models"] and not out and not groups_train(config, cells):
        raise EpipairError(
            f"config models: {', '.join(config['models'])} pre-train(s) on the other cell lines "
            f"and only {', '.join(cells)} is selected: no model is left to run; select more cell "
            "lines (config only) or add a model"
        )
    return out


def learning_baselines(models) -> list[str]:
    """The scikit-learn models of ``models`` that fit to labels (not abc, which trains
    nothing): those a train group can pool."""
    return [
        m for m in models if not registry.spec(m).neural and not registry.spec(m).reads_elements
    ]


def group_models(config: dict, name: str) -> list[str]:
    """A train group's models: its ``models``, else the configured models that learn."""
    entry = config.get("train_groups", {})[name]
    return list(entry.get("models") or learning_baselines(config.get("models", [])))


def all_models(config: dict) -> list[str]:
    """The configured models and those of the train groups, each once."""
    out = list(config.get("models", []))
    for name in config.get("train_groups", {}):
        out += [m for m in group_models(config, name) if m not in out]
    return out


def check_train_groups(config: dict) -> None:
    """``train_groups``: members are cell lines or benchmarks (one or the other), the models
    are scikit-learn models that learn, the benchmarks exist, and a group's name is not a cell
    line's."""
    cells, benchmarks = config["cell_lines"], config.get("benchmarks", {})
    for name, entry in config.get("train_groups", {}).items():
        where = f"config train_groups.{name}"
        if name in cells:
            raise EpipairError(f"{where}: the name is a cell line's; give the group another")
        if "leakage_free" not in config["protocol"]:
            raise EpipairError(f"{where}: groups train leakage_free models; add it to 'protocol'")
        for member in entry["members"]:
            if member in cells and member in benchmarks:
                raise EpipairError(
                    f"{where}.members: {member!r} is both a cell line and a benchmark; rename one"
                )
            if member not in cells and member not in benchmarks:
                raise EpipairError(
                    f"{where}.members: {member!r} is neither a cell line nor a benchmark"
                )
        models = group_models(config, name)
        bad = [m for m in models if m not in learning_baselines([m])]
        if bad or not models:
            raise EpipairError(
                f"{where}.models: {', '.join(bad) or 'none'}: a group pools the scikit-learn "
                f"models that learn ({', '.join(learning_baselines(registry.names()))})"
            )
        for b in entry.get("benchmarks", []):
            if b not in benchmarks:
                raise EpipairError(f"{where}.benchmarks: {b!r} is not in config 'benchmarks'")


def member_cell(config: dict, member: str) -> str:
    """The cell line whose features a group member's pairs read."""
    if member in config["cell_lines"]:
        return member
    return config["benchmarks"][member]["cell_line"]


def train_groups(config: dict, cells) -> dict:
    """``{group: {"members": {member: (sample, cell)}, "models": [...], "benchmarks": [...]}}``
    of the groups whose members' cell lines are all in ``cells`` (a run with ``only`` trains
    no group that needs another). ``sample``: the member's folder under ``results/``."""
    out = {}
    for name, entry in config.get("train_groups", {}).items():
        members = {}
        for m in entry["members"]:
            sample = m if m in config["cell_lines"] else f"benchmark/{m}"
            members[m] = (sample, member_cell(config, m))
        member_cells = {c for _, c in members.values()}
        if not member_cells <= set(cells):
            continue
        scored = (
            entry["benchmarks"]
            if "benchmarks" in entry
            else [
                b for b, e in config.get("benchmarks", {}).items() if e["cell_line"] in member_cells
            ]
        )
        scored = [b for b in scored if config["benchmarks"][b]["cell_line"] in cells]
        out[name] = {"members": members, "models": group_models(config, name), "benchmarks": scored}
    return out


def selected_cells(config: dict) -> list[str]:
    """Cell lines to run: all in config order, or those named in ``only`` (comma list)."""
    cells = list(config["cell_lines"])
    only = str(config.get("only") or "").strip()
    if not only:
        return cells
    wanted = [c.strip() for c in only.split(",") if c.strip()]
    if not wanted:
        raise EpipairError(
            f"config only: {only!r} selects no cell line; name one or more of {', '.join(cells)} "
            "(empty: all)"
        )
    unknown = [c for c in wanted if c not in cells]
    if unknown:
        raise EpipairError(
            f"config only: unknown cell line(s) {', '.join(unknown)}; known: {', '.join(cells)}"
        )
    return [c for c in cells if c in wanted]


def uses_signal(config: dict) -> bool:
    return registry.reads_signal(config["models"])


def train_params(config: dict) -> dict:
    """``config["train"]`` without its resources: what a training rule passes as params."""
    return {k: v for k, v in config["train"].items() if k not in TRAIN_RESOURCES}
