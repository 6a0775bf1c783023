"""Settings layers: where their files live and how one file becomes a mapping of raw settings.

Reading never raises: whatever goes wrong (missing file aside) becomes a ConfigError in the result, and the
layer is simply absent, so the other layers still load.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import platformdirs

from core.config import problems
from core.config.formats import SETTINGS_FILE_NAMES, ConfigFormat, SyntaxProblem, format_for, parse_document
from core.errors import ConfigError

CONFIG_DIR_ENV = "SYMPHONY_CONFIG_DIR"
"""Environment variable that moves the user settings directory (tests, portable installs)."""

WORKSPACE_DIR_NAME = ".symphony"
"""Directory inside a workspace that holds its settings file."""

MAX_SETTINGS_BYTES = 1 << 20
"""Largest settings file read (1 MiB); anything bigger is surely not a settings file."""

_UTF8_BOM = b"\xef\xbb\xbf"
_IGNORED_TOP_LEVEL = ("$schema",)  # editors' schema pointer in JSON/YAML files, not a setting


class LayerKind(StrEnum):
    """The settings layers, lowest precedence first."""

    DEFAULT = "default"
    USER = "user"
    WORKSPACE = "workspace"
    CLI = "cli"


@dataclass
class Layer:
    """One source of raw settings, with enough of its origin to name it in messages and provenance."""

    kind: LayerKind
    data: dict[str, Any]
    path: Path | None = None
    text: str | None = None
    """The file's decoded text, kept to find the line of a bad key."""
    format: ConfigFormat | None = None

    @property
    def label(self) -> str:
        """Provenance label: ``default``, ``cli``, ``user: /path/settings.toml``, ``workspace: ...``."""
        return str(self.kind) if self.path is None else f"{self.kind}: {self.path}"


@dataclass
class LayerRead:
    """The outcome of reading one layer's directory: the layer (if usable), the file considered, problems."""

    layer: Layer | None = None
    source: Path | None = None
    problems: list[ConfigError] = field(default_factory=list)


def default_config_dir() -> Path:
    """The user settings directory: ``$SYMPHONY_CONFIG_DIR`` if set, else the platform's config dir."""
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_config_dir("symphony"))


def workspace_settings_dir(workspace: Path) -> Path:
    """Where a workspace keeps its settings file."""
    return workspace / WORKSPACE_DIR_NAME


def read_layer_dir(directory: Path, kind: LayerKind) -> LayerRead:
    """Find the settings file in ``directory`` (first of toml/json/yaml/yml) and read it."""
    candidates = [directory / name for name in SETTINGS_FILE_NAMES]
    present = [path for path in candidates if path.exists() or path.is_symlink()]
    if not present:
        return LayerRead()
    chosen, ignored = present[0], present[1:]
    result = read_layer_file(chosen, kind)
    if ignored:
        result.problems.insert(0, problems.ignored_files(str(kind), chosen, ignored))
    return result


def read_layer_file(path: Path, kind: LayerKind) -> LayerRead:
    """Read and parse one settings file; every failure is a problem, never an exception."""
    result = LayerRead(source=path)
    fmt = format_for(path)
    if fmt is None:
        result.problems.append(problems.unreadable(str(kind), path, f"unknown settings format {path.suffix!r}"))
        return result
    raw = _read_bytes(path, kind, result.problems)
    if raw is None:
        return result
    try:
        text = raw.removeprefix(_UTF8_BOM).decode("utf-8")
    except UnicodeDecodeError as exc:
        result.problems.append(problems.not_utf8(str(kind), path, raw.removeprefix(_UTF8_BOM), exc))
        return result
    try:
        # An empty file is an empty layer in every format (strict JSON would call it an error).
        document = parse_document(text, fmt) if text.strip() else {}
    except SyntaxProblem as exc:
        result.problems.append(problems.syntax_error(str(kind), path, exc))
        return result
    if document is None:  # YAML with only comments
        document = {}
    if not isinstance(document, dict):
        result.problems.append(problems.not_a_table(str(kind), path, document))
        return result
    for key in _IGNORED_TOP_LEVEL:
        document.pop(key, None)
    result.layer = Layer(kind=kind, data=document, path=path, text=text, format=fmt)
    return result


def _read_bytes(path: Path, kind: LayerKind, found: list[ConfigError]) -> bytes | None:
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_SETTINGS_BYTES + 1)
        if len(raw) > MAX_SETTINGS_BYTES:
            reason = f"is larger than {MAX_SETTINGS_BYTES // 1024} KiB, too large for a settings file"
            found.append(problems.unreadable(str(kind), path, reason, "Check that this is the right file."))
            return None
        return raw
    except IsADirectoryError:
        reason = "is a directory, not a settings file"
        found.append(problems.unreadable(str(kind), path, reason, "Remove or rename the directory."))
    except PermissionError:
        found.append(
            problems.unreadable(
                str(kind), path, "cannot be read: permission denied", "Make the file readable (e.g. chmod u+r)."
            )
        )
    except FileNotFoundError:
        # Gone since it was listed (a save in progress) is not a problem; a dangling symlink is.
        if path.is_symlink():
            found.append(problems.unreadable(str(kind), path, f"is a broken link to {os.readlink(path)}"))
    except OSError as exc:
        found.append(problems.unreadable(str(kind), path, f"cannot be read: {exc.strerror or exc}"))
    return None


__all__ = [
    "CONFIG_DIR_ENV",
    "MAX_SETTINGS_BYTES",
    "WORKSPACE_DIR_NAME",
    "Layer",
    "LayerKind",
    "LayerRead",
    "default_config_dir",
    "read_layer_dir",
    "read_layer_file",
    "workspace_settings_dir",
]
