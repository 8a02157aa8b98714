import copy

import pytest
import yaml
from snakemake.exceptions import WorkflowError

from epipair import config as epiconfig
from epipair import sources
from epipair.errors import EpipairError
from epipair.io import download

from .conftest import ROOT


def demo_config():
    return yaml.safe_load((ROOT / "config" / "demo.yaml").read_text())


def test_demo_and_real_configs_validate_with_defaults():
    cfg = epiconfig.validate(demo_config())
    assert cfg["train"]["epochs"] >= 1
    assert cfg["windows"] == {
        "enhancer": 500,
        "promoter": 500,
        "signal_bin": 50,
        "signal_window": 50,
        "signal_step": 10,
    }
    assert cfg["cell_lines"]["CellA"]["pairs"]["format"] == "targetfinder"
    assert cfg["genome"]["demo"]["chromosomes"] == 6
    real = epiconfig.validate(yaml.safe_load((ROOT / "config.yaml").read_text()))
    assert list(real["cell_lines"]) == ["GM12878", "HeLa-S3", "HUVEC", "IMR90", "K562", "NHEK"]
    assert real["split"]["test_chroms"] == ["chr1", "chr2", "chr3"]


def test_unknown_key_is_named():
    cfg = demo_config()
    cfg["windowz"] = {}
    with pytest.raises(WorkflowError, match="windowz"):
        epiconfig.validate(cfg)
    cfg = demo_config()
    cfg["windows"]["enhancr"] = 3
    with pytest.raises(WorkflowError, match="enhancr"):
        epiconfig.validate(cfg)
    # every file source is one schema definition: its keys, and the owner's own ones
    for entry in (lambda c: c["cell_lines"]["CellA"]["pairs"], lambda c: c["genes"]):
        cfg = demo_config()
        if "genes" not in cfg:
            cfg["genes"] = {"url": "genes.bed"}
        entry(cfg)["sha265"] = "0" * 64
        with pytest.raises(WorkflowError, match="sha265"):
            epiconfig.validate(cfg)
    cfg = demo_config()
    cfg["cell_lines"]["CellA"]["tracks"]["DNase"]["url"] = "ftp://x/d.bw"
    with pytest.raises(WorkflowError, match="ftp://x/d.bw"):
        epiconfig.validate(cfg)


@pytest.mark.parametrize("bad", ["../evil", "a/b", "-x", "", "K562 ", "C" * 260])
def test_bad_cell_and_mark_names(bad):
    cfg = demo_config()
    cfg["cell_lines"][bad] = copy.deepcopy(cfg["cell_lines"]["CellA"])
    with pytest.raises(WorkflowError):
        epiconfig.validate(cfg)
    cfg = demo_config()
    cfg["cell_lines"]["CellA"]["tracks"][bad] = {"url": "x.bw", "kind": "bigwig"}
    with pytest.raises(WorkflowError):
        epiconfig.validate(cfg)


def test_bad_enums_and_urls():
    for key, value in [("models", ["speid", "bert"]), ("protocol", ["random"])]:
        cfg = demo_config()
        cfg[key] = value
        with pytest.raises(WorkflowError):
            epiconfig.validate(cfg)
    cfg = demo_config()
    cfg["cell_lines"]["CellA"]["pairs"]["url"] = "ftp://host/pairs.csv"
    with pytest.raises(WorkflowError):
        epiconfig.validate(cfg)


def test_only():
    cfg = epiconfig.validate(dict(demo_config(), only="CellB, CellA"))
    assert epiconfig.selected_cells(cfg) == ["CellA", "CellB"]
    with pytest.raises(
        EpipairError, match="config only: unknown cell line\\(s\\) K562; known: CellA, CellB, CellC"
    ):
        epiconfig.validate(dict(demo_config(), only="K562"))


def test_cross_checks():
    cfg = demo_config()
    cfg["windows"] = {"enhancer": 3050, "promoter": 2000, "signal_bin": 100}
    with pytest.raises(EpipairError, match="windows.enhancer \\(3050\\) must be a multiple"):
        epiconfig.validate(cfg)
    cfg = demo_config()
    cfg["genome"]["chrom_sizes"] = "x"
    with pytest.raises(EpipairError, match="either 'demo' or 'url'.*--replace-workflow-config"):
        epiconfig.validate(cfg)
    cfg["genome"] = {"url": "hg19.fa.gz"}  # no chrom_sizes: the schema's oneOf, one line
    with pytest.raises(EpipairError, match=r"^config genome: give either 'demo' or 'url' \+"):
        epiconfig.validate(cfg)
    for where in ("cell", "mark"):  # names are the schema's alone (they become wildcards)
        cfg = demo_config()
        cells = cfg["cell_lines"]
        if where == "cell":
            cells["Cell:A"] = cells.pop("CellA")
        else:
            cells["CellA"]["tracks"]["H3K27ac:x"] = cells["CellA"]["tracks"].pop("H3K27ac")
        with pytest.raises(WorkflowError, match=r"'(Cell|H3K27ac):(A|x)' does not match"):
            epiconfig.validate(cfg)
    cfg = demo_config()
    del cfg["cell_lines"]["CellA"]["tracks"]
    cfg["models"] = [m for m in cfg["models"] if m not in ("abc", "e2g", "e2g_gbm")]
    del cfg["train_groups"], cfg["candidates"]["genome_wide_e2g"]
    with pytest.raises(EpipairError, match="CellA: models .* read epigenomic signal"):
        epiconfig.validate(cfg)


def test_abc_and_crispri_need_genes_and_peaks():
    cfg = demo_config()
    del cfg["genes"]
    with pytest.raises(EpipairError, match="benchmarks.demo_crispri: format crispri .* 'genes'"):
        epiconfig.validate(cfg)
    cfg = demo_config()
    cfg["benchmarks"].pop("demo_crispri")
    del cfg["genes"]
    with pytest.raises(
        EpipairError, match="config models: abc, e2g, e2g_gbm need\\(s\\) the config key 'genes'"
    ):
        epiconfig.validate(cfg)
    cfg = demo_config()
    del cfg["cell_lines"]["CellA"]["elements"]  # then from the DNase track: a bigWig
    with pytest.raises(
        EpipairError, match="tracks.DNase: abc, e2g, e2g_gbm take\\(s\\) candidate elements from"
    ):
        epiconfig.validate(cfg)
    cfg = demo_config()
    del cfg["cell_lines"]["CellB"]["tracks"]["DNase"]
    with pytest.raises(
        EpipairError, match="CellB.tracks: abc, e2g, e2g_gbm read\\(s\\) accessibility from"
    ):
        epiconfig.validate(cfg)
    cfg = demo_config()
    cfg["model_params"]["abc"] = {"gama": 1}
    with pytest.raises(EpipairError, match="model_params.abc: unknown key\\(s\\) gama"):
        epiconfig.validate(cfg)
    # BAM tracks: abc's activity only, read where they lie
    cfg = demo_config()
    cfg["cell_lines"]["CellA"]["tracks"]["DNase"] = {"url": "https://x/d.bam", "kind": "bam"}
    with pytest.raises(EpipairError, match="CellA.tracks.DNase: a BAM track is read where it"):
        epiconfig.validate(cfg)
    for cell in ("CellA", "CellB", "CellC"):
        cfg["cell_lines"][cell]["tracks"]["DNase"] = {"url": "d.bam", "kind": "bam"}
    with pytest.raises(EpipairError, match="tracks.DNase: a BAM gives the abc model its activity"):
        epiconfig.validate(cfg)
    cfg["signal_marks"] = ["H3K27ac", "CTCF"]
    epiconfig.validate(cfg)  # the models read other marks: fine
    # abc trains nothing: it runs under leakage_free only, whatever protocol_models says
    cfg = demo_config()
    assert [p for m, p in epiconfig.runs(cfg) if m == "abc"] == ["leakage_free"]
    assert epiconfig.score_thresholds(cfg, ["gbm", "abc"]) == {"abc": 0.02}
    # Hi-C: a .cool/.mcool is downloaded for abc and kept by its suffix; a .hic is refused
    cfg["cell_lines"]["CellA"]["hic"] = {"url": "https://x.org/files/GM.mcool"}
    epiconfig.validate(cfg)
    files = {where: target for where, target, _ in sources.config_files(cfg)}
    assert files["cell_lines.CellA.hic"].startswith("resources/CellA/hic.")
    assert files["cell_lines.CellA.hic"].endswith(".mcool")
    cfg["models"].remove("abc")  # e2g reads it too (its contact), in models or in a group
    assert "cell_lines.CellA.hic" in {w for w, _, _ in sources.config_files(cfg)}
    cfg["models"] = [m for m in cfg["models"] if m not in ("e2g", "e2g_gbm")]
    assert "cell_lines.CellA.hic" in {w for w, _, _ in sources.config_files(cfg)}
    del cfg["train_groups"]
    assert "cell_lines.CellA.hic" not in {w for w, _, _ in sources.config_files(cfg)}
    cfg = demo_config()
    cfg["cell_lines"]["CellA"]["hic"] = {"url": "https://x.org/ENCFF1.hic"}
    with pytest.raises(EpipairError, match="CellA.hic: .*ENCFF1.hic is a .hic file.*hic2cool"):
        epiconfig.validate(cfg)
    cfg["cell_lines"]["CellA"]["hic"] = {"url": "https://x.org/a.mcool", "resolution": 5000}
    with pytest.raises(WorkflowError, match="'resolution' was unexpected"):  # model_params.abc's
        epiconfig.validate(cfg)


def test_url_helpers():
    assert download.is_remote("https://x/y.csv") and not download.is_remote("file:///a/b")
    assert download.local_path("file:///a/b.csv") == "/a/b.csv"
    from epipair.io.download import source_target, target_name

    # unique per URL, readable (key first, the file name's known suffixes kept)
    a = target_name("https://h/a/signal.bw", "DNase")
    b = target_name("https://h/b/signal.bw", "DNase")
    assert a != b and a.startswith("DNase.") and a.endswith(".bw") and len(a) == len("DNase.") + 11
    geo = target_name("https://www.ncbi.nlm.nih.gov/geo/download/?acc=GSM1&format=file", "CTCF")
    assert geo.startswith("CTCF.") and len(geo) == len("CTCF.") + 8
    assert target_name("https://h/E1-DNase.pval.signal.bigwig", "x").endswith(".bigwig")
    assert target_name("https://h/x/pairs.csv?x=1", "pairs").endswith(".csv")
    assert target_name("https://h/hg19.fa.gz", "hg19").endswith(".fa.gz")
    assert source_target("https://h/hg19.fa.gz", "genome", "hg19").startswith("resources/genome/")


def test_signal_marks_missing_in_one_cell_line():
    cfg = demo_config()
    cfg["signal_marks"] = ["H3K27ac", "CTCF"]
    assert epiconfig.model_marks(epiconfig.validate(cfg)) == ["H3K27ac", "CTCF"]
    cfg = demo_config()
    del cfg["cell_lines"]["CellB"]["tracks"]["CTCF"]
    assert "CTCF" not in epiconfig.model_marks(epiconfig.validate(cfg))
    cfg["signal_marks"] = ["H3K27ac", "CTCF"]
    with pytest.raises(EpipairError, match="signal_marks: cell line CellB has no track for CTCF"):
        epiconfig.validate(cfg)


def test_predict_section_checks():
    cfg = demo_config()
    cfg["predict"]["my_pairs"]["model"] = "speid"
    cfg["models"] = ["simple_cnn"]
    with pytest.raises(
        EpipairError, match="predict.my_pairs: model 'speid' is not in config 'models'"
    ):
        epiconfig.validate(cfg)
    cfg = demo_config()
    cfg["predict"]["my_pairs"]["cell_line"] = "K562"
    with pytest.raises(EpipairError, match="cell_line 'K562' is not in config 'cell_lines'"):
        epiconfig.validate(cfg)


def test_candidates_section_checks():
    cfg = epiconfig.validate(demo_config())
    entry = cfg["candidates"]["genome_wide_gbm"]
    assert entry["protocol"] == "leakage_free" and entry["top_k"] == 10
    cfg = demo_config()
    cfg["candidates"]["genome_wide_gbm"]["protocol"] = "paper"
    cfg["protocol"] = ["leakage_free"]
    with pytest.raises(
        EpipairError,
        match="candidates.genome_wide_gbm: protocol 'paper' is not in config 'protocol'",
    ):
        epiconfig.validate(cfg)
    cfg = demo_config()
    cfg["candidates"]["genome_wide_gbm"]["max_distance"] = 0
    with pytest.raises(WorkflowError, match="max_distance"):
        epiconfig.validate(cfg)
    cfg = demo_config()
    cfg["candidates"]["genome_wide_gbm"]["enhancers"] = {"url": "e.bed", "format": "bed"}
    with pytest.raises(WorkflowError, match="format"):
        epiconfig.validate(cfg)


def test_tracks_from_bigwig_switches_track_sets():
    real = yaml.safe_load((ROOT / "config.yaml").read_text())
    peaks = epiconfig.validate(copy.deepcopy(real))
    assert {t["kind"] for e in peaks["cell_lines"].values() for t in e["tracks"].values()} == {
        "peaks"
    }
    # the 14 datasets TargetFinder has for every cell line (Roadmap DNase for IMR90 and NHEK)
    assert epiconfig.model_marks(peaks) == [
        "CTCF", "DNase", "H2AZ", "H3K27ac", "H3K27me3", "H3K36me3", "H3K4me1", "H3K4me2",
        "H3K4me3", "H3K79me2", "H3K9ac", "H3K9me3", "H4K20me1", "POLR2A",
    ]  # fmt: skip
    # Xiao et al.'s 22 for K562 alone (config/xiao_k562.yaml over config.yaml)
    xiao = yaml.safe_load((ROOT / "config" / "xiao_k562.yaml").read_text())
    within = epiconfig.validate({**yaml.safe_load((ROOT / "config.yaml").read_text()), **xiao})
    assert len(epiconfig.model_marks(within)) == 22
    with pytest.raises(EpipairError, match="cell line GM12878 has no track for EZH2"):
        epiconfig.model_marks(dict(within, only="K562,GM12878"))
    bw = epiconfig.validate(dict(copy.deepcopy(real), tracks_from="bigwig"))
    assert {t["kind"] for e in bw["cell_lines"].values() for t in e["tracks"].values()} == {
        "bigwig"
    }
    # Roadmap DNase for all six; CTCF only where a bigWig URL could be checked (three cell lines)
    assert epiconfig.model_marks(bw) == ["DNase", "H3K27ac", "H3K4me1", "H3K4me3"]
    assert [c for c, e in bw["cell_lines"].items() if "CTCF" in e["tracks"]] == [
        "GM12878",
        "HUVEC",
        "K562",
    ]
    demo = demo_config()
    demo["tracks_from"] = "bigwig"
    with pytest.raises(
        EpipairError, match="CellA: tracks_from is 'bigwig' but there are no bigwig_tracks"
    ):
        epiconfig.validate(demo)


def test_max_shift_must_keep_the_element_in_the_window():
    cfg = demo_config()
    cfg["augment"]["max_shift"] = 5000  # windows of 500 bp
    with pytest.raises(EpipairError, match=r"augment.max_shift \(5000\) must be less than half"):
        epiconfig.validate(cfg)
    cfg = demo_config()
    cfg["augment"]["max_shift"] = 249
    epiconfig.validate(cfg)


def test_mark_names_differing_only_in_case_are_refused():
    cfg = demo_config()
    tracks = cfg["cell_lines"]["CellB"]["tracks"]
    tracks["dnase"] = tracks.pop("DNase")
    with pytest.raises(EpipairError, match="CellB.tracks: mark 'dnase' is spelled 'DNase' in cell"):
        epiconfig.validate(cfg)


@pytest.mark.parametrize(
    "model, params, message",
    [
        ("gbm", {"max_iter": -5}, r"model_params.gbm.max_iter: must be an integer >= 1, got -5"),
        ("gbm", {"learning_rate": "fast"}, r"gbm.learning_rate: must be a number > 0"),
        ("simple_cnn", {"pool": 2000}, r"simple_cnn.pool \(2000\) is longer than windows"),
        ("simple_cnn", {"filters": 2.5}, r"simple_cnn.filters: must be an integer >= 1"),
        ("speid", {"dropout_lstm": 1.0}, r"speid.dropout_lstm: must be a number in \[0, 1\)"),
        ("simple_cnn", {"second_conv": "yes"}, r"simple_cnn.second_conv: must be true or false"),
    ],
)
def test_bad_model_params_are_named_at_start_up(model, params, message):
    cfg = demo_config()
    cfg.setdefault("model_params", {})[model] = params
    with pytest.raises(EpipairError, match=message):
        epiconfig.validate(cfg)


def test_backend_that_is_not_installed_is_named(monkeypatch):
    import importlib.util

    cfg = epiconfig.validate(demo_config())
    epiconfig.check_backend(cfg)  # tensorflow, installed
    cfg["train"]["backend"] = "jax"
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda n: None if n == "jax" else real(n))
    with pytest.raises(EpipairError, match="train.backend: jax is not installed"):
        epiconfig.check_backend(cfg)
    cfg["models"] = ["distance", "gbm"]  # no neural model: no backend needed
    epiconfig.check_backend(cfg)


def test_interpret_settings_defaults_and_errors():
    real = epiconfig.validate(yaml.safe_load((ROOT / "config.yaml").read_text()))
    assert real["interpret"]["models"] == ["speid", "simple_cnn"]
    assert real["interpret"]["jaspar"] == {
        "release": "JASPAR2024",
        "collection": "CORE",
        "tax_group": "vertebrates",
    }
    assert real["interpret"]["threshold"] == 0.5 and real["interpret"]["modisco"] is True
    from epipair.interpret.attributions import SETTINGS, motif_settings

    # the rule's params: the schema's defaults (written there only), and nothing that names
    # models or databases
    assert (
        motif_settings(real["interpret"])
        == motif_settings()
        == {k: real["interpret"][k] for k in SETTINGS}
    )
    assert motif_settings()["threshold"] == 0.5 and motif_settings({"logos": 3})["logos"] == 3
    cfg = demo_config()
    del cfg["interpret"]
    assert epiconfig.validate(cfg)["interpret"]["models"] == []
    cfg = demo_config()
    cfg["interpret"]["models"] = ["gbm"]
    with pytest.raises(EpipairError, match="interpret.models: 'gbm' is a baseline"):
        epiconfig.validate(cfg)
    cfg = demo_config()
    cfg.update(protocol=["paper"], predict={}, candidates={}, benchmarks={}, train_groups={})
    with pytest.raises(EpipairError, match="interpret.protocols: 'leakage_free' is not in"):
        epiconfig.validate(cfg)
    cfg = demo_config()
    cfg["interpret"]["motif_files"]["hocomoco"] = "https://example.org/h.meme"
    with pytest.raises(EpipairError, match="motif_files.hocomoco: .* must be a local MEME"):
        epiconfig.validate(cfg)


def test_protocol_models_choose_the_runs_and_are_checked():
    cfg = epiconfig.validate(demo_config())
    runs = epiconfig.runs(cfg)
    # the demo: every model under leakage_free, the mission models and baselines under all three
    assert [m for m, p in runs if p == "leakage_free"] == cfg["models"]
    mission = ["speid", "simple_cnn", "epi_cnn", "distance", "gbm"]
    assert [m for m, p in runs if p == "paper"] == mission
    assert [m for m, p in runs if p == "random_holdout"] == mission
    assert len(runs) == len(cfg["models"]) + 2 * len(mission)
    # models and protocols left out of the run are left out here too (--config models=...)
    cfg = demo_config()
    cfg.update(models=["cnn_gru", "gbm"], protocol=["leakage_free", "paper"])
    cfg.update(predict={}, candidates={})
    assert epiconfig.runs(epiconfig.validate(cfg)) == [
        ("cnn_gru", "leakage_free"),
        ("gbm", "leakage_free"),
        ("gbm", "paper"),
    ]
    for bad in ({"paper": ["bert"]}, {"random": ["gbm"]}):  # names outside the registries
        cfg = demo_config()
        cfg["protocol_models"] = bad
        with pytest.raises(WorkflowError, match="bert|random"):
            epiconfig.validate(cfg)
    # a predict entry must name a model that runs under its protocol
    cfg = demo_config()
    cfg["predict"]["my_pairs"].update(model="cnn_gru", protocol="paper")
    with pytest.raises(EpipairError, match="not in config protocol_models.paper"):
        epiconfig.validate(cfg)


def test_per_model_training_jobs_are_a_resource_and_refuse_folds():
    cfg = epiconfig.validate(demo_config())
    assert cfg["train"]["jobs"] == "per_model"
    assert "jobs" not in epiconfig.train_params(cfg)  # switching it retrains nothing
    cfg = demo_config()
    cfg["split"]["folds"] = 3
    with pytest.raises(EpipairError, match="train.jobs: per_model .* split.folds; use per_cell"):
        epiconfig.validate(cfg)
    cfg["train"]["jobs"] = "per_cell"
    epiconfig.validate(cfg)


def test_interpret_cell_lines_are_checked():
    cfg = demo_config()
    assert epiconfig.validate(cfg)["interpret"]["cell_lines"] == ["CellA"]
    cfg["interpret"]["cell_lines"] = ["CellZ"]
    with pytest.raises(EpipairError, match="interpret.cell_lines: 'CellZ' is not in config"):
        epiconfig.validate(cfg)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda g, c: g.update(CellA={"members": ["demo_genes"]}), "train_groups.CellA: the name"),
        (lambda g, c: g["demo_links"].update(members=["nope"]), "neither a cell line nor a bench"),
        (lambda g, c: g["demo_links"].update(models=["e2g", "speid"]), "models: speid: a group"),
        (lambda g, c: g["demo_links"].update(models=["abc"]), "models: abc: a group pools"),
        (lambda g, c: g["demo_links"].update(benchmarks=["x"]), "benchmarks: 'x' is not in"),
        (lambda g, c: c["genome_wide_e2g"].update(train_group="x"), "train_group 'x' is not in"),
        (lambda g, c: c["genome_wide_e2g"].update(model="gbm"), "'gbm' is not among train_gr"),
    ],
)
def test_train_groups_are_checked(change, message):
    cfg = demo_config()
    change(cfg["train_groups"], cfg["candidates"])
    with pytest.raises(EpipairError, match=message):
        epiconfig.validate(cfg)


def test_train_groups_resolve_members_and_follow_only():
    cfg = epiconfig.validate(demo_config())
    groups = epiconfig.train_groups(cfg, ["CellA", "CellB", "CellC"])
    assert groups == {
        "demo_links": {
            "members": {
                "demo_genes": ("benchmark/demo_genes", "CellA"),
                "demo_bengi": ("benchmark/demo_bengi", "CellA"),
            },
            "models": ["e2g", "e2g_gbm"],
            "benchmarks": ["demo_bengi", "demo_genes", "demo_crispri"],
        }
    }
    assert epiconfig.train_groups(cfg, ["CellB"]) == {}  # its member's cell line is not run
    cfg["train_groups"]["pooled"] = {"members": ["CellB", "demo_genes"]}
    pooled = epiconfig.train_groups(epiconfig.validate(cfg), ["CellA", "CellB"])["pooled"]
    assert pooled["members"]["CellB"] == ("CellB", "CellB")
    assert pooled["models"] == ["distance", "gbm", "e2g", "e2g_gbm"]  # the configured learners


@pytest.mark.parametrize("key", ["split", "evaluation", "train"])
def test_negative_seeds_are_refused_by_the_schema(key):
    cfg = demo_config()
    cfg.setdefault(key, {})["seed"] = -1
    with pytest.raises(WorkflowError, match="seed"):
        epiconfig.validate(cfg)
    cfg[key]["seed"] = 2**31 - 1  # the largest accepted
    epiconfig.validate(cfg)


def test_an_empty_selection_is_refused_naming_the_key():
    """`models: []`, `only: ","` or protocol_models that leave no run: refused at start-up,
    not by the reports after the features are built."""
    cfg = epiconfig.validate(demo_config())
    alone = dict(cfg, models=[], train_groups={}, predict={}, candidates={})
    with pytest.raises(EpipairError, match=r"config models: empty; name at least one model \("):
        epiconfig.check(alone)
    # a train group alone is something to train (the real-data BENGI study runs so)
    groups = dict(cfg, models=[], predict={})
    groups["candidates"] = {"genome_wide_e2g": cfg["candidates"]["genome_wide_e2g"]}
    epiconfig.check(groups)
    with pytest.raises(EpipairError, match="config only: ',' selects no cell line; name one"):
        epiconfig.check(dict(cfg, only=" , "))
    with pytest.raises(EpipairError, match="config protocol_models: no model of abc runs"):
        epiconfig.check(dict(alone, models=["abc"], protocol=["paper"]))
    with pytest.raises(EpipairError, match="simple_cnn_transfer pre-train.*no model is left"):
        epiconfig.models_for(dict(alone, models=["simple_cnn_transfer"]), ["CellA"])
    assert epiconfig.models_for(dict(cfg, models=["simple_cnn_transfer", "gbm"]), ["CellA"]) == [
        "gbm"
    ]
