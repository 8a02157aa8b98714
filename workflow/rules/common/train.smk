# Input functions and helpers of the train rules (workflow/rules/train.smk).


def train_inputs(wildcards):
    """pairs.tsv, the paper and fold splits and the features the model reads; for a model
    that pre-trains, the pairs, paper split and features of each other cell line too
    (``pretrain_<i>_*``, in the order of ``pretrain_cells``); for a model that combines
    others, their trained models (``part_<model>``)."""
    out = {
        "pairs": one(rules.regions.output.pairs, cell=wildcards.cell),
        "paper": one(rules.regions.output.paper, cell=wildcards.cell),
        "folds": one(rules.regions.output.fold_splits, cell=wildcards.cell),
        "features": feature_files(wildcards.cell, wildcards.model),
    }
    for i, cell in enumerate(pretrain_cells(wildcards)):
        out[f"pretrain_{i}_pairs"] = one(rules.regions.output.pairs, cell=cell)
        out[f"pretrain_{i}_paper"] = one(rules.regions.output.paper, cell=cell)
        out[f"pretrain_{i}_features"] = feature_files(cell, wildcards.model)
    for part in registry.spec(wildcards.model).parts:  # trained first, same protocol and fold
        out[f"part_{part}"] = one(
            rules.train_neural.output.model,
            model=part,
            protocol=wildcards.protocol,
            cell=wildcards.cell,
            fold=wildcards.fold,
        )
    return out


def pretrain_cells(wildcards):
    """The other selected cell lines, for a model that pre-trains on them (else none)."""
    if not registry.spec(wildcards.model).pretrain:
        return []
    return [c for c in CELLS if c != wildcards.cell]


def model_params(wildcards):
    return config["model_params"].get(wildcards.model, {})


def model_paths(model, protocol, cell):
    """``{fold: model file}`` of one model, protocol and cell line: the training rule's output
    of the model's kind, one per cross-validation fold (or one: fold ``all``)."""
    trainer = rules.train_neural if registry.spec(model).neural else rules.train_baseline
    return {
        fold: one(
            trainer.output.model,
            model=model,
            protocol=protocol,
            cell=cell,
            fold=fold_path_part(fold),
        )
        for fold in fold_labels(protocol)
    }
