# Training: one job per model x protocol x cell line. Neural models on GPU nodes
# (resources gpu, threads, mem_mb, runtime from config "train"), baselines on CPU.
# Params are what changes a model; resources stay apart so that tuning them retrains nothing.


def train_inputs(wildcards):
    """pairs.tsv, the paper split and the features the model reads."""
    return {
        "pairs": expand(rules.regions.output.pairs, cell=wildcards.cell),
        "paper": expand(rules.regions.output.paper, cell=wildcards.cell),
        "features": feature_files(wildcards.cell, wildcards.model),
    }


def model_params(wildcards):
    return config["model_params"].get(wildcards.model, {})


rule train_neural:
    input:
        unpack(train_inputs),
    output:
        model="results/models/{model}/{protocol}/{cell}/model.keras",
        history="results/models/{model}/{protocol}/{cell}/history.tsv",
    log:
        "results/models/{model}/{protocol}/{cell}/train.log",
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
        windows=config["windows"],
        augment=config["augment"],
        train=TRAIN_PARAMS,
        model_params=model_params,
        marks=MARKS,
    script:
        "../scripts/train_neural.py"


rule train_baseline:
    input:
        unpack(train_inputs),
    output:
        model="results/models/{model}/{protocol}/{cell}/model.pkl",
        history="results/models/{model}/{protocol}/{cell}/history.tsv",
    log:
        "results/models/{model}/{protocol}/{cell}/train.log",
    wildcard_constraints:
        model=_alternation(registry.names("baseline")),
    conda:
        "../../envs/train.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        windows=config["windows"],
        augment=config["augment"],
        seed=config["train"]["seed"],
        model_params=model_params,
        marks=MARKS,
    script:
        "../scripts/train_baseline.py"


def model_path(model, protocol, cell):
    """The trained model file: the output of the training rule of the model's kind."""
    trainer = rules.train_neural if registry.spec(model).neural else rules.train_baseline
    return expand(trainer.output.model, model=model, protocol=protocol, cell=cell)[0]
