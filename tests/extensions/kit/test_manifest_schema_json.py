"""The JSON Schema handed to editors and the manifest language server accepts real manifests as written."""

from __future__ import annotations

import tomllib
from pathlib import Path

import jsonschema

from extensions.kit.manifest import manifest_json_schema

BUILTIN = Path(__file__).resolve().parents[3] / "extensions" / "builtin"


def test_every_builtin_manifest_validates_against_the_schema() -> None:
    schema = manifest_json_schema()
    manifests = sorted(BUILTIN.glob("*/Symphony.toml"))
    assert manifests, "the built-in extensions must ship manifests"
    for path in manifests:
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(tomllib.loads(path.read_text())))
        assert errors == [], f"{path}: {[e.message for e in errors]}"


def test_bad_activation_string_is_rejected_and_keys_are_documented() -> None:
    schema = manifest_json_schema()
    validator = jsonschema.Draft202012Validator(schema)
    doc = {"id": "a.b", "name": "x", "version": "1.0.0", "type": "operator", "entry": "m:C", "activation": ["onBoot"]}
    assert any("onBoot" in e.message for e in validator.iter_errors(doc))
    assert all(schema["properties"][k].get("description") for k in ("id", "activation", "capabilities"))
