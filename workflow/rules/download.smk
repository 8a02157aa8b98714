# Downloads of every remote file the config names (epipair.download): verified against the
# git blob id a pinned repository publishes (TargetFinder) or sha256 (configured, or locked at
# first download), written under a temporary name and renamed only when complete.

# every remote file of the config (the track set in use), by its path under resources/
DOWNLOADS = epidownload.planned_downloads(config, MANIFEST)


rule download:
    output:
        "resources/{path}",
    log:
        "results/logs/download/{path}.log",
    wildcard_constraints:
        path=_alternation(DOWNLOADS),
    retries: 2
    localrule: True
    conda:
        "../../envs/features.yaml"
    params:
        source=download_source,
        mirror=config.get("mirror") or None,
        lock="resources/downloads.lock.tsv",
    script:
        "../scripts/download.py"


if not DEMO and genome_fasta() != genome_fasta_gz():

    rule decompress_genome:
        input:
            genome_fasta_gz(),
        output:
            genome_fasta(),
        log:
            "results/logs/decompress_genome.log",
        conda:
            "../../envs/features.yaml"
        resources:
            mem_mb=1000,
            runtime=60,
        script:
            "../scripts/gunzip.py"


rule index_fasta:
    input:
        "{prefix}.fa",
    output:
        "{prefix}.fa.fai",
    log:
        "results/logs/index_fasta/{prefix}.log",
    conda:
        "../../envs/features.yaml"
    resources:
        mem_mb=1000,
        runtime=60,
    script:
        "../scripts/index_fasta.py"
