"""JSON Schema of the Motif wire forms (``motif.render`` and ``motif.patch`` params), schema version 1.

The schema states the shape precisely (fields, types, op kinds, node types) so a peer in another language can
check its output; what each prop accepts is the catalog's business (``core.vdom.catalog``, tabled in
docs/motifs.md) and is checked by ``validate_tree``.
"""

from __future__ import annotations

from typing import Any

from core.vdom.catalog import NODE_TYPES
from core.vdom.node import SCHEMA_VERSION


def _op(name: str, required: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"op": {"const": name}, **required},
        "required": ["op", *required],
        "additionalProperties": False,
    }


def wire_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``motif.render`` and ``motif.patch`` params."""
    node_id = {"type": "integer", "minimum": 1}
    anchor = {"oneOf": [node_id, {"type": "null"}]}
    node_ref = {"$ref": "#/$defs/node"}
    ops = [
        _op("insert", {"parent": node_id, "before": anchor, "node": node_ref}),
        _op("remove", {"id": node_id}),
        _op("move", {"id": node_id, "parent": node_id, "before": anchor}),
        _op(
            "set_props",
            {"id": node_id, "set": {"type": "object"}, "unset": {"type": "array", "items": {"type": "string"}}},
        ),
        _op("set_text", {"id": node_id, "text": {"type": ["string", "null"]}}),
        _op("set_handlers", {"id": node_id, "on": {"$ref": "#/$defs/handlers"}}),
        _op("replace", {"id": node_id, "node": node_ref}),
    ]
    envelope = {
        "schema": {"const": SCHEMA_VERSION},
        "motif": {"type": "string", "minLength": 1},
        "revision": {"type": "integer", "minimum": 1},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://symphony.dev/schemas/motif-wire-v{SCHEMA_VERSION}.json",
        "title": f"Symphony Motif wire forms, schema version {SCHEMA_VERSION}",
        "oneOf": [
            {
                "title": "motif.render params",
                "type": "object",
                "properties": {**envelope, "root": node_ref},
                "required": ["schema", "motif", "revision", "root"],
                "additionalProperties": False,
            },
            {
                "title": "motif.patch params",
                "type": "object",
                "properties": {**envelope, "ops": {"type": "array", "items": {"$ref": "#/$defs/op"}}},
                "required": ["schema", "motif", "revision", "ops"],
                "additionalProperties": False,
            },
        ],
        "$defs": {
            "handlers": {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}},
            "node": {
                "type": "object",
                "properties": {
                    "type": {"enum": sorted(NODE_TYPES)},
                    "id": node_id,
                    "key": {"type": "string"},
                    "props": {"type": "object"},
                    "text": {"type": "string"},
                    "on": {"$ref": "#/$defs/handlers"},
                    "children": {"type": "array", "items": node_ref},
                },
                "required": ["type", "id"],
                "additionalProperties": False,
            },
            "op": {"oneOf": ops},
        },
    }


__all__ = ["wire_json_schema"]
