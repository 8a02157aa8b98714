# Figures, the leakage audit table and the summary, tagged for `snakemake --report`.

PUBLISHED = os.path.join(workflow.basedir, "resources", "published.tsv")


rule leakage_report:
    input:
        expand(rules.random_splits.output.audit, cell=CELLS),
    output:
        report(
            "results/report/leakage.tsv",
            caption="../report/leakage.rst",
            category="Leakage audit",
        ),
    log:
        "results/logs/report/leakage.log",
    localrule: True
    conda:
        "../../envs/report.yaml"
    script:
        "../scripts/report_leakage.py"


# one job draws every (model, protocol)'s heatmap, in the order of RUNS
rule aupr_matrix:
    input:
        "results/metrics.tsv",
    output:
        [
            report(
                AUPR_MATRIX.format(model=m, protocol=p),
                caption="../report/aupr_matrix.rst",
                category=m,
                subcategory=p,
            )
            for m, p in RUNS
        ],
    log:
        "results/logs/report/aupr_matrix.log",
    localrule: True
    conda:
        "../../envs/report.yaml"
    params:
        runs=RUNS,
    script:
        "../scripts/report_matrix.py"


rule pr_curves:
    input:
        predictions=list(WITHIN_PREDICTIONS.values()),
    output:
        report(
            "results/report/pr_curves.png",
            caption="../report/pr_curves.rst",
            category="Overview",
        ),
    log:
        "results/logs/report/pr_curves.log",
    localrule: True
    conda:
        "../../envs/report.yaml"
    params:
        prediction_keys=list(WITHIN_PREDICTIONS),
    script:
        "../scripts/report_pr_curves.py"


rule protocol_comparison:
    input:
        "results/metrics.tsv",
    output:
        report(
            "results/report/protocol_comparison.png",
            caption="../report/protocol_comparison.rst",
            category="Overview",
        ),
    log:
        "results/logs/report/protocol_comparison.log",
    localrule: True
    conda:
        "../../envs/report.yaml"
    script:
        "../scripts/report_protocols.py"


rule summary:
    input:
        unpack(summary_inputs),
    output:
        report(
            "results/report/summary.md",
            caption="../report/summary.rst",
            category="Overview",
        ),
    log:
        "results/logs/report/summary.log",
    localrule: True
    conda:
        "../../envs/report.yaml"
    params:
        schedules=schedule_lines(),
    script:
        "../scripts/report_summary.py"


rule benchmark_figure:
    input:
        metrics=rules.benchmark_metrics.output[0],
        scores=list(BENCHMARK_TABLES.values()),
    output:
        report(
            "results/report/benchmarks.png",
            caption="../report/benchmarks.rst",
            category="Independent benchmarks",
        ),
    log:
        "results/logs/report/benchmarks.log",
    localrule: True
    conda:
        "../../envs/report.yaml"
    params:
        table_keys=list(BENCHMARK_TABLES),
    script:
        "../scripts/report_benchmarks.py"


rule modality_comparison:
    input:
        "results/metrics.tsv",
    output:
        report(
            "results/report/modality_comparison.png",
            caption="../report/modality_comparison.rst",
            category="Overview",
        ),
    log:
        "results/logs/report/modality_comparison.log",
    localrule: True
    conda:
        "../../envs/report.yaml"
    script:
        "../scripts/report_modality.py"
