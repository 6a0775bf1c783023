"""Settings file formats (TOML, JSON, YAML): parsing with the line and column of any syntax error."""

from __future__ import annotations

import json
import re
import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Any


class ConfigFormat(StrEnum):
    """A settings file syntax; the value is what messages call it."""

    TOML = "TOML"
    JSON = "JSON"
    YAML = "YAML"


SETTINGS_FILE_NAMES: tuple[str, ...] = ("settings.toml", "settings.json", "settings.yaml", "settings.yml")
"""Settings file names in precedence order: when several exist in one directory, the first wins."""

_BY_SUFFIX = {
    ".toml": ConfigFormat.TOML,
    ".json": ConfigFormat.JSON,
    ".yaml": ConfigFormat.YAML,
    ".yml": ConfigFormat.YAML,
}
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_AT_END = re.compile(r"\s*\(at end of document\)$")


class SyntaxProblem(Exception):
    """A document does not parse; ``line`` and ``column`` are 1-based when known."""

    def __init__(self, fmt: ConfigFormat, reason: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(reason)
        self.format = fmt
        self.reason = reason
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return f"{self.format} syntax error: {self.reason}"


def format_for(path: Path) -> ConfigFormat | None:
    """The format a file name implies, or None for an unknown suffix."""
    return _BY_SUFFIX.get(path.suffix.lower())


MAX_DEPTH = 32
"""Deepest nesting accepted; real settings are 3 levels deep."""

MAX_NODES = 100_000
"""Most values (counting each use of a YAML alias) accepted; bounds the work a hostile file can cause."""


def parse_document(text: str, fmt: ConfigFormat) -> Any:
    """Parse ``text``; raises SyntaxProblem with the position of the first error.

    Workspace settings come with cloned repositories, so they are untrusted: documents nested too deeply or
    expanding to too many values (YAML alias bombs) are refused instead of exhausting the stack or memory.
    """
    try:
        if fmt is ConfigFormat.TOML:
            document = _parse_toml(text)
        elif fmt is ConfigFormat.JSON:
            document = _parse_json(text)
        else:
            document = _parse_yaml(text)
    except RecursionError:
        raise SyntaxProblem(fmt, "values are nested too deeply") from None
    _check_shape(document, fmt)
    return document


def _check_shape(document: Any, fmt: ConfigFormat) -> None:
    """Walk the parsed values (aliases expanded) until a limit is passed; cost is bounded by MAX_NODES."""
    stack: list[tuple[Any, int]] = [(document, 1)]
    nodes = 0
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise SyntaxProblem(fmt, f"the document expands to more than {MAX_NODES} values (are YAML aliases nested?)")
        if depth > MAX_DEPTH:
            raise SyntaxProblem(fmt, f"values are nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def _parse_toml(text: str) -> Any:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        # Python 3.14 adds lineno/colno; older versions only put the position in the message.
        line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)
        match = _TOML_POSITION.search(message)
        if match:
            message = message[: match.start()]
            line, column = line or int(match.group(1)), column or int(match.group(2))
        elif _TOML_AT_END.search(message):
            message = _TOML_AT_END.sub("", message) + " at the end of the file"
            line = line or text.count("\n") + 1
        raise SyntaxProblem(
            ConfigFormat.TOML, _lower_first(getattr(exc, "msg", None) or message), line, column
        ) from None


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SyntaxProblem(ConfigFormat.JSON, _lower_first(exc.msg), exc.lineno, exc.colno) from None


def _parse_yaml(text: str) -> Any:
    import yaml  # deferred: most users have no YAML settings, and start-up time matters

    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = " ".join(part for part in (exc.problem, exc.context and f"({exc.context})") if part)
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        raise SyntaxProblem(ConfigFormat.YAML, reason or "invalid YAML", line, column) from None
    except yaml.YAMLError as exc:
        raise SyntaxProblem(ConfigFormat.YAML, str(exc) or "invalid YAML") from None


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


__all__ = [
    "MAX_DEPTH",
    "MAX_NODES",
    "SETTINGS_FILE_NAMES",
    "ConfigFormat",
    "SyntaxProblem",
    "format_for",
    "parse_document",
]
