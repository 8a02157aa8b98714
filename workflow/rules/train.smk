# Training: one job per model x protocol x cell line. Neural models on GPU nodes
# (resources gpu, threads, mem_mb, runtime from config "train"), baselines on CPU.


rule train_neural:
    input:
        unpack(train_inputs),
    output:
        model="results/models/{model}/{protocol}/{cell}/model.keras",
        history="results/models/{model}/{protocol}/{cell}/history.tsv",
    params:
        windows=config["windows"],
        augment=config["augment"],
        train=config["train"],
        model_params=model_params,
        marks=MARKS,
    log:
        "results/models/{model}/{protocol}/{cell}/train.log",
    wildcard_constraints:
        model=_alternation(NEURAL_MODELS),
    threads: config["train"]["threads"]
    resources:
        gpu=config["train"]["gpus"],
        mem_mb=config["train"]["mem_mb"],
        runtime=config["train"]["runtime"],
    conda:
        "../../envs/train.yaml"
    script:
        "../scripts/train.py"


rule train_baseline:
    input:
        unpack(train_inputs),
    output:
        model="results/models/{model}/{protocol}/{cell}/model.pkl",
        history="results/models/{model}/{protocol}/{cell}/history.tsv",
    params:
        windows=config["windows"],
        augment=config["augment"],
        train=config["train"],
        model_params=model_params,
        marks=MARKS,
    log:
        "results/models/{model}/{protocol}/{cell}/train.log",
    wildcard_constraints:
        model=_alternation(BASELINE_MODELS),
    threads: 1
    resources:
        mem_mb=4000,
        runtime=60,
    conda:
        "../../envs/train.yaml"
    script:
        "../scripts/train.py"
