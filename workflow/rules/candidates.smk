# Genome-wide candidates (config "candidates"): every same-chromosome enhancer-promoter pair
# within max_distance, scored by a trained model in chunks of bounded memory; a killed job
# resumes from its finished chunks (results/candidates/<name>/scores.tsv.gz.chunks/).


rule score_candidates:
    input:
        unpack(candidate_inputs),
    output:
        scores="results/candidates/{name}/scores.tsv.gz",
        top="results/candidates/{name}/top_per_promoter.tsv",
    log:
        "results/logs/score_candidates/{name}.log",
    wildcard_constraints:
        name=_alternation(CANDIDATES),
    conda:
        "../../envs/train.yaml"
    threads: config["train"]["threads"]
    resources:
        mem_mb=candidate_mem_mb,
        runtime=720,
    params:
        model=lookup(dpath="{name}/model", within=CANDIDATES),
        max_distance=lookup(dpath="{name}/max_distance", within=CANDIDATES),
        top_k=lookup(dpath="{name}/top_k", within=CANDIDATES),
        windows=candidate_windows,
        flank=FLANK,
        tracks=candidate_tracks,
        abc=candidate_abc_params,
        backend=config["train"]["backend"],
    script:
        "../scripts/score_candidates.py"
