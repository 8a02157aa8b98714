# Predictions of every trained model on the test split of every (selected) cell line, one
# job per model and protocol (the framework loads once), and the metrics table.

rule predict:
    input:
        unpack(predict_inputs),
    output:
        [f"results/predictions/{{model}}/{{protocol}}/{a}__{b}.tsv" for a, b in TESTS],
    params:
        tests=TESTS,
        windows=config["windows"],
        augment=config["augment"],
        marks=MARKS,
        backend=config["train"]["backend"],
    log:
        "results/logs/predict/{model}/{protocol}.log",
    threads: config["train"]["threads"]
    resources:
        mem_mb=8000,
        runtime=60,
    conda:
        "../../envs/train.yaml"
    script:
        "../scripts/predict.py"


rule metrics:
    input:
        predictions=list(PREDICTIONS.values()),
    output:
        "results/metrics.tsv",
    params:
        prediction_keys=list(PREDICTIONS),
        n_boot=config["evaluation"]["bootstrap"],
        seed=config["evaluation"]["seed"],
    log:
        "results/logs/metrics.log",
    localrule: True
    conda:
        "../../envs/report.yaml"
    script:
        "../scripts/metrics.py"
