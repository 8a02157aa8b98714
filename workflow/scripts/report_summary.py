"""The Markdown summary with published numbers beside ours
(epipair.evaluate.report.write_summary)."""

from epipair.evaluate.report import write_summary
from epipair.smk import keyed, script

with script(snakemake):
    write_summary(
        snakemake.input.metrics,
        snakemake.input.leakage,
        snakemake.input.published,
        snakemake.output[0],
        benchmarks_path=snakemake.input.get("benchmarks"),
        interpret_paths=keyed(snakemake.input, "interpret"),
        schedules=snakemake.params.schedules,
    )
