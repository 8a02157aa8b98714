# Downloads of every remote file the config names (epipair.download): verified against the
# git blob id a pinned repository publishes (TargetFinder) or sha256 (configured, or locked at
# first download), written under a temporary name and renamed only when complete.

# every remote file the config names, by its path under resources/ -> {url, sha256, git_blob};
# git_blob: configured, or looked up in the TargetFinder manifest
DOWNLOADS = {}
for _cell, _entry in config["cell_lines"].items():
    for _src, _folder in [(_entry["pairs"], _cell)] + [
        (_t, f"{_cell}/tracks") for _t in _entry.get("tracks", {}).values()
    ]:
        DOWNLOADS[source_target(_src["url"], _folder)] = _src
for _sample, _entry in SCORED.items():
    DOWNLOADS[source_target(_entry["url"], _sample)] = _entry
if not DEMO:
    DOWNLOADS[genome_fasta_gz()] = config["genome"]
_MANIFEST = epidownload.read_manifest(MANIFEST)
DOWNLOADS = {
    path.removeprefix("resources/"): {
        "url": src["url"],
        "sha256": src.get("sha256"),
        "git_blob": src.get("git_blob") or epidownload.expected_blob(src["url"], _MANIFEST),
    }
    for path, src in DOWNLOADS.items()
    if epiconfig.is_remote(src["url"])
}


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
