"""A manifest JSON Schema shaped like the extension kit's, for the manifest server's tests."""

from __future__ import annotations

from typing import Any

SCHEMA: dict[str, Any] = {
    "$defs": {
        "Command": {
            "type": "object",
            "additionalProperties": False,
            "description": "A command the extension adds to the palette.",
            "properties": {
                "id": {"type": "string", "description": "Unique command id."},
                "title": {"type": "string", "minLength": 1, "description": "Shown in the palette."},
            },
            "required": ["id", "title"],
        },
        "Kind": {"enum": ["instrument", "operator", "motif"], "type": "string", "description": "Extension kind."},
    },
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "description": "Reverse-domain extension id."},
        "name": {"type": "string", "description": "Display name."},
        "version": {"type": "string", "pattern": r"^\d+\.\d+\.\d+$", "description": "Semantic version."},
        "type": {"$ref": "#/$defs/Kind"},
        "contributes": {
            "type": "object",
            "additionalProperties": False,
            "description": "What the extension adds.",
            "properties": {"commands": {"type": "array", "items": {"$ref": "#/$defs/Command"}}},
        },
    },
    "required": ["id", "name", "version", "type"],
}

GOOD = """id = "symphony.hello"
name = "Hello"
version = "1.0.0"
type = "operator"

[[contributes.commands]]
id = "hello.say"
title = "Say Hello"
"""
