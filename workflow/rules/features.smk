# Features: uint8 sequence tokens (with augmentation flanks) and binned signal per pair.
# {sample} is a cell line, or a scored pair set: predict/<name> or benchmark/<name>.


# feature rules serve cell lines and the scored pair sets (results/predict/<name>/...,
# results/benchmark/<name>/...)
SAMPLE_RE = _alternation(ALL_CELLS + list(SCORED))


rule sequence_features:
    input:
        pairs="results/{sample}/pairs.tsv",
        fasta=genome_fasta(),
        fai=genome_fasta() + ".fai",
    output:
        enhancer="results/{sample}/features/enhancer_sequence.npy",
        promoter="results/{sample}/features/promoter_sequence.npy",
    log:
        "results/logs/sequence_features/{sample}.log",
    wildcard_constraints:
        sample=SAMPLE_RE,
    conda:
        "../../envs/features.yaml"
    resources:
        mem_mb=sequence_mem_mb,
        runtime=60,
    params:
        windows=element_windows(),
        flank=FLANK,
    script:
        "../scripts/sequence_features.py"


rule signal_features:
    input:
        pairs="results/{sample}/pairs.tsv",
        tracks=track_files,
        chrom_sizes=chrom_sizes(),
    output:
        enhancer="results/{sample}/features/enhancer_signal.npy",
        promoter="results/{sample}/features/promoter_signal.npy",
        marks="results/{sample}/features/signal_marks.txt",
    log:
        "results/logs/signal_features/{sample}.log",
    wildcard_constraints:
        sample=SAMPLE_RE,
    conda:
        "../../envs/features.yaml"
    resources:
        mem_mb=signal_mem_mb,
        runtime=60,
    params:
        tracks=track_specs,
        windows=element_windows("signal_bin"),
    script:
        "../scripts/signal_features.py"


# Xiao et al.'s input: the mean over windows.signal_window bp every windows.signal_step bp
rule signal_window_features:
    input:
        pairs="results/{sample}/pairs.tsv",
        tracks=track_files,
        chrom_sizes=chrom_sizes(),
    output:
        enhancer="results/{sample}/features/enhancer_signal_windows.npy",
        promoter="results/{sample}/features/promoter_signal_windows.npy",
        marks="results/{sample}/features/signal_windows_marks.txt",
    log:
        "results/logs/signal_window_features/{sample}.log",
    wildcard_constraints:
        sample=SAMPLE_RE,
    conda:
        "../../envs/features.yaml"
    resources:
        mem_mb=signal_window_mem_mb,
        runtime=60,
    params:
        tracks=track_specs,
        windows=element_windows("signal_window", "signal_step"),
    script:
        "../scripts/signal_features.py"


# The Activity-by-Contact model's candidate elements (accessibility peaks' summits +-250 bp and
# gene TSSs +-250 bp), their activity and, from the cell line's Hi-C, the contact rows of the
# gene TSSs, per cell line (epipair.model.abc.build_elements, epipair.io.hic)
rule abc_elements:
    input:
        peaks=abc_peaks,
        tracks=abc_track_files,
        genes=GENES or [],
        chrom_sizes=chrom_sizes(),
        hic=abc_hic,
    output:
        elements="results/{cell}/features/abc_elements.tsv",
        tss="results/{cell}/features/abc_tss.tsv",
        contact="results/{cell}/features/abc_contact.npz",
    log:
        "results/logs/abc_elements/{cell}.log",
    conda:
        "../../envs/features.yaml"
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        tracks=abc_track_specs,
        abc=abc_params,
    script:
        "../scripts/abc_elements.py"


# e2g's pair features (epipair.model.e2g): each pair's distance, gene rank, activity and contact
# from its cell line's candidate elements and gene TSSs, never from the pair set itself
rule pair_features:
    input:
        unpack(pair_feature_inputs),
    output:
        "results/{sample}/features/pair_features.tsv",
    log:
        "results/logs/pair_features/{sample}.log",
    wildcard_constraints:
        sample=SAMPLE_RE,
    conda:
        "../../envs/features.yaml"
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        abc=abc_params,
    script:
        "../scripts/pair_features.py"
