# Training: one job per model x protocol x cell line. Neural models on GPU nodes
# (resources gpu, threads, mem_mb, runtime from config "train"), baselines on CPU.
# Params are what changes a model; resources stay apart so that tuning them retrains nothing.


# one folder per trained model; {fold} is empty, or /fold<k> under cross-validation
MODEL_DIR = "results/models/{model}/{protocol}/{cell}{fold}"


rule train_neural:
    input:
        unpack(train_inputs),
    output:
        model=f"{MODEL_DIR}/model.keras",
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
        augment=config["augment"],
        train=TRAIN_PARAMS,
        model_params=model_params,
        marks=MARKS,
        pretrain_cells=pretrain_cells,
    script:
        "../scripts/train_neural.py"


rule train_baseline:
    input:
        unpack(train_inputs),
    output:
        model=f"{MODEL_DIR}/model.pkl",
        history=f"{MODEL_DIR}/history.tsv",
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
        augment=config["augment"],
        seed=config["train"]["seed"],
        model_params=model_params,
        marks=MARKS,
    script:
        "../scripts/train_baseline.py"
