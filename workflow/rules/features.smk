# Features: uint8 sequence tokens (with augmentation flanks) and binned signal per pair.
# {sample} is a cell line, or predict/<name> for pairs to score (config "predict").


rule sequence_features:
    input:
        pairs="results/{sample}/pairs.tsv",
        fasta=genome_fasta(),
        fai=genome_fasta() + ".fai",
    output:
        enhancer="results/{sample}/features/enhancer_sequence.npy",
        promoter="results/{sample}/features/promoter_sequence.npy",
    params:
        windows=config["windows"],
        flank=FLANK,
    log:
        "results/logs/sequence_features/{sample}.log",
    wildcard_constraints:
        sample=SAMPLE_RE,
    resources:
        mem_mb=sequence_mem_mb,
        runtime=60,
    conda:
        "../../envs/features.yaml"
    script:
        "../scripts/sequence_features.py"


rule signal_features:
    input:
        pairs="results/{sample}/pairs.tsv",
        tracks=track_files,
    output:
        enhancer="results/{sample}/features/enhancer_signal.npy",
        promoter="results/{sample}/features/promoter_signal.npy",
        marks="results/{sample}/features/signal_marks.txt",
    params:
        tracks=track_param,
        windows=config["windows"],
    log:
        "results/logs/signal_features/{sample}.log",
    wildcard_constraints:
        sample=SAMPLE_RE,
    resources:
        mem_mb=signal_mem_mb,
        runtime=60,
    conda:
        "../../envs/features.yaml"
    script:
        "../scripts/signal_features.py"
