"""Checking a Symphony.toml against a JSON Schema, and reading the schema for completion and hover.

The schema is data handed in by whoever owns the manifest format (the extension kit); core only knows JSON
Schema. Problems are LSP diagnostics placed on the offending key via :mod:`core.lsp.toml_keys`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator
from lsprotocol import types as lsp

from core.lsp.toml_keys import KeyPath, TomlKeys, scan

Schema = dict[str, Any]
SOURCE = "symphony-manifest"
MAX_PROBLEMS = 200
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def resolve(root: Schema, node: Any) -> Schema:
    """``node`` with local ``$ref``s (``#/$defs/...``) followed."""
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 32:
        target: Any = root
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        node = target
        seen += 1
    return node if isinstance(node, dict) else {}


def _branches(root: Schema, node: Schema) -> Iterator[Schema]:
    node = resolve(root, node)
    yield node
    for keyword in ("allOf", "anyOf", "oneOf"):
        for branch in node.get(keyword, ()):
            yield from _branches(root, branch)


def child(root: Schema, node: Schema, key: str | int) -> Schema | None:
    """The schema of ``node[key]`` (a property, a map value or an array item), or None if not allowed."""
    for branch in _branches(root, node):
        if isinstance(key, int):
            if isinstance(branch.get("items"), dict):
                return resolve(root, branch["items"])
            continue
        if key in branch.get("properties", {}):
            return resolve(root, branch["properties"][key])
        if isinstance(branch.get("additionalProperties"), dict):
            return resolve(root, branch["additionalProperties"])
    return None


def subschema(root: Schema, path: KeyPath) -> Schema | None:
    """The schema at ``path`` from the root, or None where the schema allows nothing."""
    node: Schema | None = root
    for key in path:
        if node is None:
            return None
        node = child(root, node, key)
    return node


def properties(root: Schema, node: Schema) -> dict[str, Schema]:
    """The named keys ``node`` allows (across allOf/anyOf/oneOf branches), with their schemas."""
    found: dict[str, Schema] = {}
    for branch in _branches(root, node):
        for name, value in branch.get("properties", {}).items():
            found.setdefault(name, resolve(root, value))
    return found


def describe(root: Schema, node: Schema) -> str:
    """Markdown for hover and completion docs: description, type, allowed values, default."""
    node = resolve(root, node)
    lines = []
    if node.get("description"):
        lines.append(str(node["description"]))
    kinds = sorted({str(b["type"]) for b in _branches(root, node) if isinstance(b.get("type"), str)})
    if kinds:
        lines.append(f"Type: `{' | '.join(kinds)}`")
    values = enum_values(root, node)
    if values:
        lines.append("Values: " + ", ".join(f"`{v}`" for v in values))
    if "default" in node and node["default"] not in ({}, [], None):
        lines.append(f"Default: `{node['default']}`")
    return "\n\n".join(lines)


def enum_values(root: Schema, node: Schema) -> list[Any]:
    """The values an enum or const schema allows (empty if any value is allowed)."""
    values: list[Any] = []
    for branch in _branches(root, node):
        values.extend(branch.get("enum", ()))
        if "const" in branch:
            values.append(branch["const"])
    return values


def _range(keys: TomlKeys, path: KeyPath) -> lsp.Range:
    span = keys.locate(path)
    if span is None:
        return lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=0))
    return lsp.Range(
        start=lsp.Position(line=span.line, character=span.start), end=lsp.Position(line=span.line, character=span.end)
    )


def _dotted(path: KeyPath) -> str:
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text or "(top level)"


def check_manifest(text: str, schema: Schema | None) -> list[lsp.Diagnostic]:
    """TOML syntax errors, then schema violations (when a schema is known), each placed on its key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_POSITION.search(message)
        line, column = (int(match.group(1)) - 1, int(match.group(2)) - 1) if match else (0, 0)
        position = lsp.Position(line=max(0, line), character=max(0, column))
        return [
            lsp.Diagnostic(
                range=lsp.Range(start=position, end=position),
                message=_TOML_POSITION.sub("", message).strip(),
                severity=lsp.DiagnosticSeverity.Error,
                source=SOURCE,
            )
        ]
    if schema is None:
        return []
    keys = scan(text)
    problems: list[lsp.Diagnostic] = []
    validator = Draft202012Validator(schema)
    for error in validator.iter_errors(data):
        path: KeyPath = tuple(error.absolute_path)
        for where, message in _explain(root=schema, error_path=path, error=error):
            problems.append(
                lsp.Diagnostic(
                    range=_range(keys, where), message=message, severity=lsp.DiagnosticSeverity.Error, source=SOURCE
                )
            )
        if len(problems) >= MAX_PROBLEMS:
            break
    problems.sort(key=lambda d: (d.range.start.line, d.range.start.character))
    return problems


def _explain(*, root: Schema, error_path: KeyPath, error: Any) -> list[tuple[KeyPath, str]]:
    """(where, message) pairs for one jsonschema error, worded for a manifest author."""
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(properties(root, error.schema))
        extras = [key for key in error.instance if key not in allowed]
        hint = f" (expected one of: {', '.join(allowed)})" if allowed else ""
        return [((*error_path, key), f"unknown key '{key}' in {_dotted(error_path)}{hint}") for key in extras]
    if error.validator == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        names = ", ".join(f"'{name}'" for name in missing) or error.message
        return [(error_path, f"{_dotted(error_path)} is missing required key {names}")]
    return [(error_path, f"{_dotted(error_path)}: {error.message}")]


__all__ = [
    "SOURCE",
    "Schema",
    "check_manifest",
    "child",
    "describe",
    "enum_values",
    "properties",
    "resolve",
    "subschema",
]
