"""The model registry drives the schema, the rules and the library; the library's imports
form no cycle, and the numpy-only modules load no Keras."""

import ast
import subprocess
import sys

import pytest
import yaml

from epipair import config as epiconfig
from epipair.errors import EpipairError
from epipair.model import registry
from epipair.prep.splits import PAPER_SCHEMES

from .conftest import ROOT

SRC = ROOT / "src" / "epipair"


def test_schema_model_enum_equals_the_registry():
    schema = yaml.safe_load(epiconfig.SCHEMA.read_text())
    assert schema["definitions"]["model"]["enum"] == registry.names()
    # every place that names a model refers to that one enum
    text = epiconfig.SCHEMA.read_text()
    assert (
        text.count('$ref: "#/definitions/model"') == 7
    )  # models, model_params, protocol_models, predict, candidates, interpret, train_groups
    assert text.count("cnn_gru") == 1  # the enum; the models default lists others


def test_schema_protocol_enum_equals_the_splits_protocols():
    from epipair.prep.splits import PROTOCOLS

    schema = yaml.safe_load(epiconfig.SCHEMA.read_text())
    assert schema["definitions"]["protocol"]["enum"] == list(PROTOCOLS)
    assert epiconfig.SCHEMA.read_text().count("random_holdout") == 2  # enum and default


def test_every_entry_is_complete_and_its_builder_resolves():
    assert registry.names("neural") == [
        "speid", "simple_cnn", "simple_cnn_transfer", "epi_cnn", "epi_resnet", "xiao_seq_cnn",
        "xiao_seq_attention", "xiao_seq_resnet", "seq_epi", "cnn_gru",
    ]  # fmt: skip
    assert registry.names("baseline") == ["distance", "gbm", "abc", "e2g", "e2g_gbm"]
    assert [n for n in registry.names() if registry.spec(n).reads_elements] == ["abc"]
    assert [n for n in registry.names() if registry.spec(n).needs_elements] == [
        "abc", "e2g", "e2g_gbm",
    ]  # fmt: skip
    inputs = registry.SEQUENCE_INPUTS + registry.SIGNAL_INPUTS + registry.SIGNAL_WINDOW_INPUTS
    inputs += registry.ABC_INPUT + registry.PAIR_FEATURE_INPUT
    for name, spec in registry.MODELS.items():
        assert spec.name == name and spec.kind in registry.KINDS and spec.source
        assert set(spec.inputs) <= set(inputs + registry.DISTANCE_INPUT)
        assert spec.file_name == ("model.keras" if spec.neural else "model.skops")
        assert spec.paper in PAPER_SCHEMES
        assert all(registry.spec(p).neural for p in spec.parts)
        if spec.neural:  # the demo trains every model at its demo size (one place: here)
            demo = spec.params({"preset": "demo"})
            assert set(spec.presets["demo"]) <= set(spec.defaults) and demo != spec.params()
    assert registry.spec("gbm").builder_function().__name__ == "gbm_estimator"
    assert [n for n in registry.names() if registry.spec(n).reads_signal] == [
        "epi_cnn",
        "epi_resnet",
        "seq_epi",
        "gbm",
    ]
    assert registry.feature_stem("promoter_sigwin") == "signal_windows"
    assert registry.reads_sequence(["epi_cnn", "gbm"]) is False
    assert registry.reads_signal(["distance"]) is False


def test_params_and_unknown_names():
    assert registry.spec("speid").params({"filters": 8})["filters"] == 8
    assert registry.spec("speid").params()["filters"] == 200  # build_small_model.py
    with pytest.raises(EpipairError, match="model_params.speid: unknown key\\(s\\) filterz"):
        registry.spec("speid").params({"filterz": 3})
    # baselines pass their parameters on to scikit-learn, which knows more than the defaults
    assert registry.spec("gbm").params({"max_depth": 3})["max_depth"] == 3
    with pytest.raises(EpipairError, match="unknown model 'bert'; known: speid"):
        registry.spec("bert")
    with pytest.raises(TypeError):
        registry.spec("speid").defaults["filters"] = 3  # the registry is read-only


def test_rules_take_models_from_the_registry():
    rules = "\n".join(p.read_text() for p in (ROOT / "workflow" / "rules").rglob("*.smk"))
    for name in registry.names():
        assert f'"{name}"' not in rules and f"'{name}'" not in rules
    assert 'registry.names("neural")' in rules and 'registry.names("baseline")' in rules


def _imports():
    """``{module: {epipair modules it imports}}``, relative imports resolved."""
    graph = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        deps = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                if node.module:
                    deps.add(".".join(base + [node.module]))
                else:
                    deps.update(".".join(base + [a.name]) for a in node.names)
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("epipair"):
                deps.add(node.module)
        graph[module] = {d for d in deps if d != module}
    return graph


def test_library_has_no_import_cycles():
    graph = _imports()
    assert "epipair.model.registry" in graph and graph["epipair.model.train"]
    state = {}

    def visit(module, stack):
        state[module] = "open"
        for dep in sorted(graph.get(module, ())):
            if state.get(dep) == "open":
                raise AssertionError("import cycle: " + " -> ".join(stack + [module, dep]))
            if dep not in state:
                visit(dep, stack + [module])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [])


def test_numpy_modules_do_not_load_keras():
    code = (
        "import sys, epipair.io.tables, epipair.model.data, epipair.model.registry, "
        "epipair.config, epipair.model.baselines, epipair.model.metrics, epipair.model.predict\n"
        "print(sorted(m for m in ('keras', 'tensorflow', 'sklearn') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_transfer_model_is_simple_cnn_with_pre_training():
    plain, transfer = registry.spec("simple_cnn"), registry.spec("simple_cnn_transfer")
    assert transfer.builder == plain.builder and transfer.pretrain and not plain.pretrain
    assert {k: v for k, v in transfer.defaults.items() if k != "pretrain_epochs"} == dict(
        plain.defaults
    )
    assert transfer.defaults["pretrain_epochs"] == 16  # basic_general_training.py L35
    assert plain.paper == "zhuang_basic_training"  # basic_training.py: 50% draws (L45)
    assert transfer.paper == "zhuang_general_training"  # basic_general_training.py: 81% (L56)


def test_window_keys_follow_the_inputs():
    assert registry.spec("speid").window_keys == ()
    assert registry.spec("distance").window_keys == ()
    assert registry.spec("gbm").window_keys == ("signal_bin",)
    assert registry.spec("epi_cnn").window_keys == ("signal_window", "signal_step")
    assert registry.spec("seq_epi").window_keys == ("signal_window", "signal_step")
