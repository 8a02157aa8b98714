# The embedded demo: a synthetic genome, three cell lines, pairs and tracks (epipair.prep.demo).

if DEMO:

    rule demo_data:
        output:
            genome="resources/demo/genome.fa",
            chrom_sizes="resources/demo/genome.chrom.sizes",
            elements="resources/demo/elements.tsv",
            to_score="resources/demo/to_score.bedpe",
            benchmark="resources/demo/benchmark.bengi.tsv",
            genes_bengi="resources/demo/genes_benchmark.bengi.tsv",
            crispri="resources/demo/crispri.txt",
            enhancers="resources/demo/enhancers.bed",
            tss="resources/demo/tss.bed",
            motifs="resources/demo/motifs.meme",
            pairs=expand("resources/demo/{cell}/pairs.csv", cell=DEMO_CELLS),
            dnase_peaks=expand("resources/demo/{cell}/DNase.narrowPeak", cell=DEMO_CELLS),
            tracks=expand(
                "resources/demo/{cell}/tracks/{mark}",
                cell=DEMO_CELLS,
                mark=DEMO_TRACK_FILES,
            ),
        log:
            "results/logs/demo_data.log",
        localrule: True
        conda:
            "../../envs/features.yaml"
        params:
            settings=canonical(config["genome"]["demo"]),
        script:
            "../scripts/demo_data.py"
