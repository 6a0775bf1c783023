"""docs/motifs.md is executed: its Python runs, its JSON matches the schema, its tables match the catalog."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from core.vdom import LAYOUT_PROPS, NODE_TYPES, wire_json_schema
from core.vdom.catalog import ANY_CHILD
from core.vdom.patch import OP_NAMES

DOC = Path(__file__).resolve().parents[3] / "docs" / "motifs.md"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)
TEXT = DOC.read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(TEXT) if lang == language]


def test_python_examples_run_top_to_bottom() -> None:
    namespace: dict[str, object] = {"__name__": "docs_motifs"}
    assert blocks("python")
    for number, block in enumerate(blocks("python"), start=1):
        try:
            exec(compile(block, f"{DOC.name} python block {number}", "exec"), namespace)
        except Exception as exc:
            pytest.fail(f"python block {number} of {DOC.name} failed: {type(exc).__name__}: {exc}\n{block}")


def test_json_examples_are_valid_mounted_nodes() -> None:
    schema = {**wire_json_schema(), "oneOf": [{"$ref": "#/$defs/node"}]}
    for block in blocks("json"):
        jsonschema.validate(json.loads(block), schema)


def test_the_node_table_matches_the_catalog() -> None:
    for node_type, spec in NODE_TYPES.items():
        row = next((line for line in TEXT.splitlines() if line.startswith(f"| `{node_type}` |")), None)
        assert row is not None, node_type
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[1] == spec.widget
        assert (cells[2] == "yes") == spec.text
        assert set(re.findall(r"`(\w+)`", cells[3])) == set(spec.props)
        assert set(re.findall(r"`(\w+)`", cells[4])) == set(spec.events)
        children = "any" if ANY_CHILD in spec.children else ", ".join(f"`{c}`" for c in sorted(spec.children))
        assert cells[5] == (children or "none"), node_type


def test_every_layout_prop_and_op_is_documented() -> None:
    for prop in LAYOUT_PROPS:
        assert f"`{prop}`" in TEXT, prop
    for op in OP_NAMES:
        assert f"| `{op}` |" in TEXT, op
