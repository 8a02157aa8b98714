# Input functions and helpers of the train rules (workflow/rules/train.smk).

from types import SimpleNamespace


def train_inputs(wildcards):
    """pairs.tsv, the fold splits (and the random splits, under paper or random_holdout) and
    the features the model reads; for a model that pre-trains, the pairs, random splits and
    features of each other cell line too (``pretrain:<i>:<what>``, in the order of
    ``pretrain_cells``); for a model that combines others, their trained models
    (``part:<model>``; epipair.smk.input_key names them, epipair.smk.keyed decodes them)."""
    out = {
        "pairs": one(rules.regions.output.pairs, cell=wildcards.cell),
        **random_splits_input("paper", wildcards.protocol, wildcards.cell),
        "folds": one(rules.regions.output.fold_splits, cell=wildcards.cell),
        "features": feature_files(wildcards.cell, wildcards.model),
    }
    for i, cell in enumerate(pretrain_cells(wildcards)):
        out[input_key("pretrain", i, "pairs")] = one(rules.regions.output.pairs, cell=cell)
        out |= random_splits_input(input_key("pretrain", i, "paper"), wildcards.protocol, cell)
        out[input_key("pretrain", i, "features")] = feature_files(cell, wildcards.model)
    for part in registry.spec(wildcards.model).parts:  # trained first, same protocol and fold
        out[input_key("part", part)] = one(
            NEURAL_MODEL,
            model=part,
            protocol=wildcards.protocol,
            cell=wildcards.cell,
            fold=wildcards.fold,
        )
    return out


def random_splits_input(key, protocol, cell):
    """``{key: splits_paper.tsv}`` of ``cell`` under the protocols that read it (paper,
    random_holdout); none under leakage_free, whose jobs its settings must not rerun."""
    if protocol == "leakage_free":
        return {}
    return {key: one(rules.random_splits.output.paper, cell=cell)}


def pretrain_cells(wildcards):
    """The other selected cell lines, for a model that pre-trains on them (else none)."""
    if not registry.spec(wildcards.model).pretrain:
        return []
    return [c for c in CELLS if c != wildcards.cell]


def model_params(wildcards):
    return canonical(config["model_params"].get(wildcards.model, {}))


def model_paths(model, protocol, cell):
    """``{fold: model file}`` of one model, protocol and cell line: the training rule's output
    of the model's kind, one per cross-validation fold (or one: fold ``all``)."""
    template = NEURAL_MODEL if registry.spec(model).neural else rules.train_baseline.output.model
    return {
        fold: one(
            template,
            model=model,
            protocol=protocol,
            cell=cell,
            fold=fold_path_part(fold),
        )
        for fold in fold_labels(protocol)
    }


def cell_model_path(template, cell):
    """``template`` (a ``MODEL_DIR`` path) for one cell line, other wildcards kept (the
    per-model training job's outputs)."""
    return template.replace("{cell}", cell).replace("{fold}", "")


def _cell_wildcards(wildcards, cell):
    """The wildcards of one cell line's run inside the per-model training job."""
    return SimpleNamespace(model=wildcards.model, protocol=wildcards.protocol, cell=cell, fold="")


def train_model_runs(wildcards):
    """``{cell: {"inputs": its train_inputs, "pretrain_cells": its pretrain_cells}}`` for the
    per-model training job (train.jobs: per_model), in the order of its outputs."""
    out = {}
    for cell in CELLS:
        w = _cell_wildcards(wildcards, cell)
        out[cell] = {"inputs": train_inputs(w), "pretrain_cells": pretrain_cells(w)}
    return out


def train_model_inputs(wildcards):
    """Every file the per-model training job reads: each cell line's training inputs, then
    what its predictions read (:func:`predict_inputs`, without the models it trains)."""
    values = [v for run in train_model_runs(wildcards).values() for v in run["inputs"].values()]
    values += list(predict_inputs(wildcards).values())
    files = [f for v in values for f in ([v] if isinstance(v, str) else v)]
    own = {cell_model_path(NEURAL_MODEL, c).format(**dict(wildcards)) for c in CELLS}
    return [f for f in dict.fromkeys(files) if f not in own]


# a train group's model folder and its score of a benchmark (config train_groups)
GROUP_DIR = "results/models/{model}/leakage_free/{group}"
GROUP_SCORES = "results/benchmarks/{name}/{group}/{model}__leakage_free.tsv"


def group_rule_name(group):
    """The rule of one train group (a rule name is an identifier)."""
    safe = re.sub(r"\W", "_", group)
    return f"train_group_{safe}"


def group_members(group):
    """``{member: pair set folder}`` of a train group (results/<cell> or
    results/benchmark/<name>)."""
    return {m: f"results/{sample}" for m, (sample, _) in GROUPS[group]["members"].items()}


def group_benchmarks(group):
    """``{benchmark: pair set folder}`` that the group's models score."""
    return {b: f"results/benchmark/{b}" for b in GROUPS[group]["benchmarks"]}


def group_inputs(group):
    """Each member's and each scored benchmark's pairs and the features the group's models
    read (``member_<i>_*``, ``benchmark_<i>_*``, in the group's order)."""
    out = {}
    samples = [("member", s) for s, _ in GROUPS[group]["members"].values()]
    samples += [("benchmark", f"benchmark/{b}") for b in GROUPS[group]["benchmarks"]]
    for i, (role, sample) in enumerate(samples):
        out[f"{role}_{i}_pairs"] = f"results/{sample}/pairs.tsv"
        out[f"{role}_{i}_features"] = sorted(
            {f for m in GROUPS[group]["models"] for f in feature_files(sample, m)}
        )
    return out


def group_model_params(group):
    """``{model: model_params}`` of the group's models (canonical key order)."""
    return canonical({m: config["model_params"].get(m, {}) for m in GROUPS[group]["models"]})


def group_model_path(model, group):
    return f"{GROUP_DIR}/model.skops".format(model=model, group=group)


def group_outputs(group, name):
    """One file per model of the group, in its model order."""
    return [f"{GROUP_DIR}/{name}".format(model=m, group=group) for m in GROUPS[group]["models"]]


def group_score_paths(group):
    """The group's benchmark scores: benchmark by benchmark, each model in turn."""
    entry = GROUPS[group]
    return [
        GROUP_SCORES.format(name=b, group=group, model=m)
        for b in entry["benchmarks"]
        for m in entry["models"]
    ]


def group_model_targets():
    return [group_model_path(m, g) for g, e in GROUPS.items() for m in e["models"]]
