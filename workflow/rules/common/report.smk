# Input functions and helpers of the report rules (workflow/rules/report.smk).

# the train x test AUPR heatmap of one model and protocol
AUPR_MATRIX = "results/report/aupr_matrix_{model}_{protocol}.png"


def report_targets():
    out = [
        rules.metrics.output[0],
        rules.leakage_report.output[0],
        rules.summary.output[0],
        rules.pr_curves.output[0],
        rules.protocol_comparison.output[0],
        rules.modality_comparison.output[0],
    ]
    out += list(rules.aupr_matrix.output)
    if BENCHMARKS:
        out += [rules.benchmark_metrics.output[0], rules.benchmark_figure.output[0]]
    return out


def schedule_lines():
    """``[[model, protocol, schedule], ...]`` of every run (registry.schedule_text): how each
    number of the summary was trained."""
    train = {**config["train"], **TRAIN_PARAMS}
    return [
        [m, p, registry.schedule_text(m, p, train, config["model_params"].get(m))] for m, p in RUNS
    ]


def summary_inputs(wildcards):
    out = {
        "metrics": rules.metrics.output[0],
        "leakage": rules.leakage_report.output[0],
        "published": PUBLISHED,
    }
    if BENCHMARKS:
        out["benchmarks"] = rules.benchmark_metrics.output[0]
    return out | {input_key("interpret", *key): p for key, p in interpret_runs().items()}
