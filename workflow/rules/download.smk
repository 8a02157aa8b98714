# Downloads of every remote file the config names (epipair.io.download): verified against the
# git blob id a pinned repository publishes (TargetFinder) or sha256 (configured, or locked at
# first download), written under a temporary name and renamed only when complete.

# every remote file of the config (the track set in use), by its path under resources/
DOWNLOADS = episources.planned_downloads(config, MANIFEST)


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
        lock=LOCK,
    script:
        "../scripts/download.py"


if not DEMO:

    # the working FASTA under resources/genome/: decompressed, or linked when plain
    rule stage_genome:
        input:
            genome_source(),
        output:
            genome_fasta(),
        log:
            "results/logs/stage_genome.log",
        conda:
            "../../envs/features.yaml"
        resources:
            mem_mb=1000,
            runtime=60,
        script:
            "../scripts/stage_genome.py"


rule index_fasta:
    input:
        fasta="resources/{folder}/{name}.fa",
        chrom_sizes=chrom_sizes(),
    output:
        "resources/{folder}/{name}.fa.fai",
    log:
        "results/logs/index_fasta/{folder}/{name}.log",
    wildcard_constraints:
        folder="genome|demo",
        name="[A-Za-z0-9][A-Za-z0-9_.-]*",
    conda:
        "../../envs/features.yaml"
    resources:
        mem_mb=1000,
        runtime=60,
    script:
        "../scripts/index_fasta.py"
