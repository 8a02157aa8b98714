# Training: one job per model x protocol x cell line. Neural models on GPU nodes
# (resources gpu, threads, mem_mb, runtime from config "train"), baselines on CPU.
# Params are what changes a model; resources stay apart so that tuning them retrains nothing.


# one folder per trained model; {fold} is empty, or /fold<k> under cross-validation
MODEL_DIR = "results/models/{model}/{protocol}/{cell}{fold}"
NEURAL_MODEL = f"{MODEL_DIR}/model.keras"


if TRAIN_JOBS == "per_cell":

    rule train_neural:
        input:
            unpack(train_inputs),
        output:
            model=NEURAL_MODEL,
            history=f"{MODEL_DIR}/history.tsv",
        log:
            f"{MODEL_DIR}/train.log",
        wildcard_constraints:
            model=_alternation(registry.names("neural")),
        conda:
            "../../envs/train.yaml"
        threads: config["train"]["threads"]
        resources:
            gpu=config["train"]["gpus"],
            mem_mb=config["train"]["mem_mb"],
            runtime=config["train"]["runtime"],
        params:
            windows=element_windows(),
            augment=train_augment,
            train=train_settings,
            model_params=model_params,
            marks=MARKS,
            pretrain_cells=pretrain_cells,
        script:
            "../scripts/train_neural.py"

else:

    # train.jobs: per_model: one job trains a model on every selected cell line in turn, then
    # writes its predictions (the predict rule's outputs), so that Keras starts once
    rule train_neural:
        input:
            unpack(train_model_inputs),
        output:
            models=[cell_model_path(NEURAL_MODEL, c) for c in CELLS],
            histories=[cell_model_path(f"{MODEL_DIR}/history.tsv", c) for c in CELLS],
            predictions=[
                PREDICTION.format(model="{model}", protocol="{protocol}", train=a, test=b)
                for a, b in TESTS
            ],
        log:
            [cell_model_path(f"{MODEL_DIR}/train.log", c) for c in CELLS]
            + ["results/logs/predict/{model}/{protocol}.log"],
        wildcard_constraints:
            model=_alternation(registry.names("neural")),
        conda:
            "../../envs/train.yaml"
        threads: config["train"]["threads"]
        resources:
            gpu=config["train"]["gpus"],
            mem_mb=config["train"]["mem_mb"],
            runtime=config["train"]["runtime"] * len(CELLS),
        params:
            windows=element_windows(),
            augment=train_augment,
            train=train_settings,
            model_params=model_params,
            marks=MARKS,
            cells=CELLS,
            runs=train_model_runs,
            tests=TESTS,
            predict=predict_inputs,
        script:
            "../scripts/train_neural.py"


rule train_baseline:
    input:
        unpack(train_inputs),
    output:
        model=f"{MODEL_DIR}/model.skops",
        history=f"{MODEL_DIR}/history.tsv",
        coefficients=f"{MODEL_DIR}/coefficients.tsv",
    log:
        f"{MODEL_DIR}/train.log",
    wildcard_constraints:
        model=_alternation(registry.names("baseline")),
    conda:
        "../../envs/train.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        windows=element_windows(),
        augment=flank_params(),
        seed=config["train"]["seed"],
        model_params=model_params,
        marks=MARKS,
    script:
        "../scripts/train_baseline.py"


# Pooled models (config train_groups): one job per group trains each of its models on the
# members' pairs off split.test_chroms and split.valid_chroms (each pair with its cell line's
# features), then scores the group's benchmarks on split.test_chroms; scikit-learn models
# train in seconds, so one job saves a Python start per model and benchmark. The outputs
# differ per group (its models and benchmarks): one rule per group.
for _group, _entry in GROUPS.items():

    rule:
        name:
            group_rule_name(_group)
        input:
            **group_inputs(_group),
        output:
            models=group_outputs(_group, "model.skops"),
            histories=group_outputs(_group, "history.tsv"),
            coefficients=group_outputs(_group, "coefficients.tsv"),
            scores=group_score_paths(_group),
        log:
            f"results/logs/train_group/{_group}.log",
        conda:
            "../../envs/train.yaml"
        threads: 1
        resources:
            mem_mb=4000,
            runtime=60,
        params:
            models=_entry["models"],
            members=group_members(_group),
            benchmarks=group_benchmarks(_group),
            test_chroms=config["split"]["test_chroms"],
            valid_chroms=config["split"]["valid_chroms"],
            windows=element_windows(),
            augment=flank_params(),
            seed=config["train"]["seed"],
            model_params=group_model_params(_group),
            marks=MARKS,
        script:
            "../scripts/train_group.py"
