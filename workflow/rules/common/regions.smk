# Input functions and helpers of the regions rules (workflow/rules/regions.smk).


def pairs_source(wildcards):
    url = config["cell_lines"][wildcards.cell]["pairs"]["url"]
    return epidownload.source_target(url, wildcards.cell, "pairs")


def pairs_format(wildcards):
    return config["cell_lines"][wildcards.cell]["pairs"]["format"]


def ingest_genes(wildcards):
    """The genes file, for labels that name their target genes (format crispri)."""
    return GENES if pairs_format(wildcards) == "crispri" else []
