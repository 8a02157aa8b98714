# Input functions and helpers of the evaluate rules (workflow/rules/evaluate.smk).


def predict_inputs(wildcards):
    """Every trained model of this model and protocol (each fold's), each training cell's
    held-out chromosomes, and each test cell's tables and features."""
    model, protocol = wildcards.model, wildcards.protocol
    out = {}
    for a in CELLS:
        for fold, path in model_paths(model, protocol, a).items():
            out[input_key("model", a, fold)] = path
        out[input_key("folds", a)] = one(rules.regions.output.folds, cell=a)
    for test in dict.fromkeys(b for _, b in TESTS):
        out[input_key("pairs", test)] = one(rules.regions.output.pairs, cell=test)
        out |= random_splits_input(input_key("paper", test), protocol, test)
        out[input_key("fold_splits", test)] = one(rules.regions.output.fold_splits, cell=test)
        for i, f in enumerate(feature_files(test, model)):
            out[input_key("features", test, i)] = f
    return out


def protocol_folds(wildcards):
    return fold_labels(wildcards.protocol)
