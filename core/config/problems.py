"""ConfigError builders: one place that words every settings problem a user can meet.

Every message starts with where the problem is (``file:line`` or ``command-line override``), names the key and
the bad value, and says what was expected; ``data`` carries ``file``, ``line``, ``column``, ``key``, ``value`` and
``layer`` so the UI can link to the spot.
"""

from __future__ import annotations

import difflib
import json
import os
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from core.config.formats import SyntaxProblem
from core.config.merge import KeyPath, dotted
from core.config.schema import Settings
from core.errors import ConfigError

LOWER_LAYER_HINT = "Fix or remove it; Symphony is using the value from a lower layer."
ENTRY_HINT = "Fix or remove this entry; Symphony ignores it and keeps the other entries."
IGNORED_FILE_HINT = "Symphony ignores this file until it is fixed and uses the other settings layers."

_MAX_SHOWN = 80


def display_path(path: Path) -> str:
    """``path`` with the home directory shortened to ``~``, as users write it."""
    try:
        return "~" + os.sep + str(path.relative_to(Path.home()))
    except (ValueError, RuntimeError):
        return str(path)


def show_value(value: Any) -> str:
    """A value as it would be written in a settings file (JSON spelling), shortened if long."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def json_safe(value: Any) -> Any:
    """``value`` if it can cross IPC as JSON, else its text (TOML dates, YAML oddities)."""
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return str(value)
    return value


def _where(path: Path | None, line: int | None = None, column: int | None = None) -> str:
    if path is None:
        return "command-line override"
    where = display_path(path)
    if line is not None:
        where += f":{line}"
        if column is not None:
            where += f":{column}"
    return where


def _data(layer: str, path: Path | None, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"layer": layer, "file": str(path) if path is not None else None}
    data.update(fields)
    return data


def syntax_error(layer: str, path: Path, problem: SyntaxProblem) -> ConfigError:
    """A settings file does not parse."""
    return ConfigError(
        f"{_where(path, problem.line, problem.column)}: {problem}",
        hint=f"Fix the {problem.format} syntax. {IGNORED_FILE_HINT}",
        data=_data(layer, path, line=problem.line, column=problem.column, format=str(problem.format)),
    )


def unreadable(layer: str, path: Path, reason: str, hint: str | None = None) -> ConfigError:
    """A settings file exists but cannot be read (directory, permissions, broken link, I/O error)."""
    return ConfigError(
        f"{display_path(path)}: {reason}", hint=hint or IGNORED_FILE_HINT, data=_data(layer, path, line=None)
    )


def not_utf8(layer: str, path: Path, raw: bytes, error: UnicodeDecodeError) -> ConfigError:
    """A settings file is not UTF-8 text; points at the first bad byte."""
    line = raw.count(b"\n", 0, error.start) + 1
    column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
    return ConfigError(
        f"{_where(path, line, column)}: not valid UTF-8 text (byte 0x{raw[error.start]:02x})",
        hint=f"Save the file as UTF-8. {IGNORED_FILE_HINT}",
        data=_data(layer, path, line=line, column=column),
    )


def not_a_table(layer: str, path: Path | None, value: Any) -> ConfigError:
    """A document whose top level is not a mapping of settings."""
    return ConfigError(
        f"{_where(path)}: expected a table of settings at the top level, found {type(value).__name__} "
        f"{show_value(value)}",
        hint=f'Write settings as keys and values, e.g. theme = "symphony-dark". {IGNORED_FILE_HINT}',
        data=_data(layer, path, line=1, value=json_safe(value)),
    )


def ignored_files(layer: str, used: Path, ignored: list[Path]) -> ConfigError:
    """Several settings files in one directory: only the first in precedence order is read."""
    names = ", ".join(p.name for p in ignored)
    return ConfigError(
        f"{display_path(used.parent)}: using {used.name} and ignoring {names}",
        hint="Keep a single settings file per directory; merge the others into it and delete them.",
        data=_data(layer, used, line=None, ignored=[str(p) for p in ignored]),
    )


def bad_override_key(key: str, reason: str) -> ConfigError:
    """A command-line override whose key cannot name a setting."""
    return ConfigError(
        f"command-line override: {reason}",
        hint="Use --set SECTION.KEY=VALUE, e.g. --set editor.tab_size=2.",
        data=_data("cli", None, line=None, key=key),
    )


def schema_error(
    layer: str, path: Path | None, line: int | None, detail: ErrorDetails, dropped: KeyPath
) -> ConfigError:
    """One validation error, after ``dropped`` (the key or list entry containing it) was removed from the layer."""
    loc = tuple(detail["loc"])
    key = dotted(loc)
    value = detail.get("input")
    kind = detail["type"]
    ctx = detail.get("ctx") or {}
    in_list = any(isinstance(step, int) and not isinstance(step, bool) for step in dropped)
    hint = ENTRY_HINT if in_list else LOWER_LAYER_HINT
    where = _where(path, line)
    if kind == "extra_forbidden":
        known = _known_keys(loc[:-1])
        near = difflib.get_close_matches(str(loc[-1]), known, n=1)
        message = f"{where}: unknown key '{key}'" + (f"; did you mean '{near[0]}'?" if near else "")
        section = dotted(loc[:-1]) or "the top level"
        hint = f"Check the spelling; the keys allowed in {section} are: {', '.join(known)}. Symphony ignores it."
    elif kind == "invalid_key":
        # A YAML key like 1, true or null: a mapping key, not a list index, so not written in dotted form.
        section = f"in '{dotted(loc[:-1])}'" if loc[:-1] else "at the top level"
        key = ".".join(part for part in (dotted(loc[:-1]), show_value(value)) if part)
        message = f"{where}: key {show_value(value)} {section} is not text; quote it or remove it"
    elif kind == "missing":
        message = f"{where}: key '{key}' is required but missing"
    else:
        message = f"{where}: key '{key}': {show_value(value)} {_expectation(kind, detail['msg'], ctx)}"
    if in_list and dropped != loc:
        message += f" (entry '{dotted(dropped)}' ignored)"
    return ConfigError(message, hint=hint, data=_data(layer, path, line=line, key=key, value=json_safe(value)))


def _expectation(kind: str, msg: str, ctx: dict[str, Any]) -> str:
    if kind in ("greater_than_equal", "greater_than"):
        bound = ctx.get("ge", ctx.get("gt"))
        return f"is less than the minimum {bound}" if kind == "greater_than_equal" else f"must be more than {bound}"
    if kind in ("less_than_equal", "less_than"):
        bound = ctx.get("le", ctx.get("lt"))
        return f"is more than the maximum {bound}" if kind == "less_than_equal" else f"must be less than {bound}"
    if kind == "literal_error":
        return f"is not one of {ctx.get('expected')}"
    if kind == "string_too_short":
        return "is empty (expected some text)" if ctx.get("min_length") == 1 else f"is too short: {msg}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "is not a table (expected keys and values)"
    if kind == "value_error":
        return "is invalid: " + msg.removeprefix("Value error, ")
    return "is invalid: " + msg.replace("Input should be", "expected", 1)


def _known_keys(section: KeyPath) -> list[str]:
    """Field names allowed at ``section`` (list indices are stepped over to the item model)."""
    model: type[BaseModel] | None = Settings
    for step in section:
        if model is None:
            return []
        if isinstance(step, int):
            continue
        field = model.model_fields.get(str(step))
        model = _model_in(field.annotation) if field is not None else None
    return sorted(model.model_fields) if model is not None else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


__all__ = [
    "ENTRY_HINT",
    "IGNORED_FILE_HINT",
    "LOWER_LAYER_HINT",
    "bad_override_key",
    "display_path",
    "ignored_files",
    "json_safe",
    "not_a_table",
    "not_utf8",
    "schema_error",
    "show_value",
    "syntax_error",
    "unreadable",
]
