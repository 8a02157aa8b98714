# epipair: enhancer-promoter interaction prediction with leakage-free evaluation.
# Real study: `snakemake --cores 8`; demo: `snakemake --cores 2 --configfile config/demo.yaml`.
# See README.md for the configuration and result layout.

from snakemake.utils import min_version

min_version("8.0")


# config.yaml is the default; a --configfile replaces it instead of being merged into it,
# so that the demo never inherits the real study's cell lines.
if not workflow.overwrite_configfiles:

    configfile: "config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/demo.smk"
include: "workflow/rules/download.smk"
include: "workflow/rules/regions.smk"
include: "workflow/rules/features.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/predict.smk"


report: "workflow/report/workflow.rst"


rule all:
    input:
        all_targets(),
    default_target: True
