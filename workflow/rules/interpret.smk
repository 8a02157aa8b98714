# What the models learned (config "interpret"): filter and TF-MoDISco motifs matched with
# Tomtom to JASPAR and to your motif files, attributions of the best-scored test positives.


rule jaspar_motifs:
    output:
        jaspar_file(),
    log:
        "results/logs/jaspar_motifs.log",
    localrule: True
    conda:
        "../../envs/train.yaml"
    params:
        jaspar=canonical(config["interpret"]["jaspar"]),
    script:
        "../scripts/jaspar_motifs.py"


rule interpret:
    input:
        unpack(interpret_inputs),
    output:
        motifs="results/interpret/{model}/{protocol}/{cell}/motifs.tsv",
        logos=report(
            "results/interpret/{model}/{protocol}/{cell}/logos.png",
            caption="../report/logos.rst",
            category="What the models learned",
            subcategory="{model} {protocol} {cell}",
        ),
        attributions="results/interpret/{model}/{protocol}/{cell}/attributions.npz",
    log:
        "results/logs/interpret/{model}/{protocol}/{cell}.log",
    wildcard_constraints:
        model=_alternation(config["interpret"]["models"]),
    conda:
        "../../envs/train.yaml"
    threads: config["train"]["threads"]
    resources:
        mem_mb=16000,
        runtime=240,
    params:
        windows=element_windows(),
        augment=flank_params(),
        marks=MARKS,
        model_params=model_params,
        settings=canonical(epiinterpret.motif_settings(config["interpret"])),
        backend=config["train"]["backend"],
    script:
        "../scripts/interpret.py"
