# Predictions of every trained model on the test split of every (selected) cell line, one
# job per model and protocol (the framework loads once), and the metrics table.

# every prediction table: (model, protocol, train cell, test cell) -> path
PREDICTIONS = {
    (m, p, a, b): PREDICTION.format(model=m, protocol=p, train=a, test=b)
    for m, p in RUNS
    for a, b in TESTS
}
WITHIN_PREDICTIONS = {k: v for k, v in PREDICTIONS.items() if k[2] == k[3]}


rule predict:
    input:
        unpack(predict_inputs),
    output:
        [
            PREDICTION.format(model="{model}", protocol="{protocol}", train=a, test=b)
            for a, b in TESTS
        ],
    log:
        "results/logs/predict/{model}/{protocol}.log",
    wildcard_constraints:
        # under train.jobs: per_model the neural models' training job writes their predictions
        model=_alternation(PREDICTED_APART),
    conda:
        "../../envs/train.yaml"
    threads: config["train"]["threads"]
    resources:
        mem_mb=8000,
        runtime=60,
    params:
        tests=TESTS,
        folds=protocol_folds,
        windows=element_windows(),
        augment=flank_params(),
        marks=MARKS,
        model_params=model_params,
        backend=config["train"]["backend"],
    script:
        "../scripts/predict.py"


rule metrics:
    input:
        predictions=list(PREDICTIONS.values()),
    output:
        "results/metrics.tsv",
    log:
        "results/logs/metrics.log",
    localrule: True
    conda:
        "../../envs/report.yaml"
    params:
        prediction_keys=list(PREDICTIONS),
        n_boot=config["evaluation"]["bootstrap"],
        seed=config["evaluation"]["seed"],
    script:
        "../scripts/metrics.py"
