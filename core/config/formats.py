"""Settings file formats (TOML, JSON, YAML): parsing with the line and column of any syntax error."""

from __future__ import annotations

import json
import re
import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml


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


def parse_document(text: str, fmt: ConfigFormat) -> Any:
    """Parse ``text``; raises SyntaxProblem with the position of the first error."""
    if fmt is ConfigFormat.TOML:
        return _parse_toml(text)
    if fmt is ConfigFormat.JSON:
        return _parse_json(text)
    return _parse_yaml(text)


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


__all__ = ["SETTINGS_FILE_NAMES", "ConfigFormat", "SyntaxProblem", "format_for", "parse_document"]
