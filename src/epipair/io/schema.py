"""The configuration schema shipped in the package (``epipair/schemas/config.schema.yaml``)
and the defaults it declares. The schema is the only place a setting's default is written:
``epipair.config`` validates with it, and a module whose settings have defaults there (the
motifs of ``epipair.interpret``) reads them here."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

# inside the package, so an installed (not editable) epipair validates too
SCHEMA = Path(__file__).resolve().parents[1] / "schemas" / "config.schema.yaml"


@functools.cache
def rules() -> dict:
    """The schema as a dictionary (read once)."""
    return yaml.safe_load(SCHEMA.read_text())


def defaults(section: str) -> dict:
    """``{key: default}`` of the keys of a top-level config ``section`` that declare one."""
    props = rules()["properties"][section]["properties"]
    return {key: rule["default"] for key, rule in props.items() if "default" in rule}
