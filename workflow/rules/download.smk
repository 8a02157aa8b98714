# Downloads of every remote file the config names (epipair.download): verified against
# sha256, written under a temporary name and renamed only when complete.


rule download:
    output:
        "resources/{path}",
    wildcard_constraints:
        path=_alternation(DOWNLOADS),
    params:
        source=download_source,
        mirror=config.get("mirror") or None,
        lock="resources/downloads.lock.tsv",
    log:
        "results/logs/download/{path}.log",
    retries: 2
    localrule: True
    conda:
        "../../envs/features.yaml"
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
        resources:
            mem_mb=1000,
            runtime=60,
        conda:
            "../../envs/features.yaml"
        script:
            "../scripts/gunzip.py"


rule index_fasta:
    input:
        "{prefix}.fa",
    output:
        "{prefix}.fa.fai",
    log:
        "results/logs/index_fasta/{prefix}.log",
    resources:
        mem_mb=1000,
        runtime=60,
    conda:
        "../../envs/features.yaml"
    script:
        "../scripts/index_fasta.py"
