"""Packaging: pyproject's dependencies are what the library imports; the conda envs pin what
envs/requirements.txt pins; the schema ships inside the package."""

import ast
import re
import sys
import tomllib

import yaml

from .conftest import ROOT

# import name -> distribution name, where they differ
DISTRIBUTION = {"sklearn": "scikit-learn", "yaml": "pyyaml", "modiscolite": "modisco-lite"}
# Keras backends: one is needed, any will do (TensorFlow is the "tensorflow" extra)
BACKENDS = {"tensorflow", "torch", "jax"}


def _pins(lines):
    out = {}
    for line in lines:
        m = re.match(r"^\s*-?\s*([A-Za-z0-9_.-]+)(\[[^\]]*\])?==([^\s#]+)", line)
        if m:
            out[m.group(1).lower()] = m.group(3)
    return out


def requirements():
    return _pins((ROOT / "envs" / "requirements.txt").read_text().splitlines())


def project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_dependencies_are_what_the_library_imports():
    imported = set()
    for path in (ROOT / "src" / "epipair").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level:
                imported.add(node.module.split(".")[0])
    third_party = {
        DISTRIBUTION.get(m, m).lower()
        for m in imported
        if m not in sys.stdlib_module_names and m != "epipair" and m not in BACKENDS
    }
    declared = {d.lower() for d in project()["dependencies"]}
    assert declared == third_party
    assert project()["optional-dependencies"]["tensorflow"] == ["tensorflow"]


def test_every_dependency_is_pinned_and_conda_envs_pin_the_same_versions():
    pins = requirements()
    for dep in project()["dependencies"]:
        assert dep.lower() in pins, f"{dep} is not pinned in envs/requirements.txt"
    for env in sorted((ROOT / "envs").glob("*.yaml")):
        spec = yaml.safe_load(env.read_text())
        pip = next(d["pip"] for d in spec["dependencies"] if isinstance(d, dict))
        env_pins = _pins(f"- {p}" for p in pip)
        for dep in project()["dependencies"]:
            assert env_pins.get(dep.lower()) == pins[dep.lower()], (env.name, dep)
        for name, version in env_pins.items():
            # the GPU env takes TensorFlow with CUDA, the same release as tensorflow-cpu
            key = "tensorflow-cpu" if name == "tensorflow" else name
            assert pins.get(key) == version, (env.name, name)


def test_schema_ships_inside_the_package():
    from epipair import config

    assert config.SCHEMA.is_file()
    assert config.SCHEMA.is_relative_to(ROOT / "src" / "epipair")
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "schemas/*.yaml" in data["tool"]["setuptools"]["package-data"]["epipair"]
