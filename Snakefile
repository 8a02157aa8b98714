# epipair: enhancer-promoter interaction prediction with leakage-free evaluation.
# Real study: `snakemake --cores 8`; demo: see below or `make demo`.
# See README.md for the configuration and result layout.

from snakemake.utils import min_version

min_version("8.0")


# config.yaml is the real study. Another study's config replaces it with Snakemake's
# --replace-workflow-config (a plain --configfile would be merged into config.yaml):
# `snakemake --configfile config/demo.yaml --replace-workflow-config`.
configfile: "config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/common/download.smk"
include: "workflow/rules/common/regions.smk"
include: "workflow/rules/common/features.smk"
include: "workflow/rules/common/train.smk"
include: "workflow/rules/common/evaluate.smk"
include: "workflow/rules/common/predict.smk"
include: "workflow/rules/common/benchmark.smk"
include: "workflow/rules/common/candidates.smk"
include: "workflow/rules/common/interpret.smk"
include: "workflow/rules/common/report.smk"
include: "workflow/rules/demo.smk"
include: "workflow/rules/download.smk"
include: "workflow/rules/regions.smk"
include: "workflow/rules/features.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/predict.smk"
include: "workflow/rules/benchmark.smk"
include: "workflow/rules/candidates.smk"
include: "workflow/rules/interpret.smk"
include: "workflow/rules/report.smk"


report: "workflow/report/workflow.rst"


rule all:
    default_target: True
    input:
        all_targets(),
