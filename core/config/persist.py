"""Writing a setting back to the user's settings file (e.g. after picking a theme), keeping their comments.

Only top-level keys are written. TOML and YAML files are edited line by line so comments and layout survive;
JSON is re-serialised (JSON has no comments to lose).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.config.formats import SETTINGS_FILE_NAMES
from core.config.layers import workspace_settings_dir
from core.errors import ConfigError

if TYPE_CHECKING:
    from core.config.service import ConfigService


def settings_file_for(service: ConfigService, *, workspace: bool = False) -> Path:
    """The settings file that a write should go to: the existing one of that layer, else settings.toml."""
    if workspace:
        if service.workspace is None:
            raise ConfigError("no workspace is open", hint="Open a folder to use workspace settings.")
        directory = workspace_settings_dir(service.workspace)
    else:
        directory = service.config_dir
    for name in SETTINGS_FILE_NAMES:
        if (directory / name).is_file():
            return directory / name
    return directory / SETTINGS_FILE_NAMES[0]


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    raise ConfigError(f"cannot write a {type(value).__name__} setting", hint="Edit the settings file by hand.")


def _replace_top_level_line(text: str, key: str, rendered: str, *, table_header: str | None) -> str:
    """Replace ``key = ...`` before the first table header (TOML) or at column 0 (YAML); else insert it."""
    lines = text.splitlines(keepends=True)
    pattern = re.compile(rf"^{re.escape(key)}\s*[=:]")
    for index, line in enumerate(lines):
        if table_header is not None and line.lstrip().startswith(table_header):
            break
        if pattern.match(line):
            lines[index] = rendered + "\n"
            return "".join(lines)
    insert_at = 0
    while insert_at < len(lines) and lines[insert_at].lstrip().startswith("#"):
        insert_at += 1  # keep a leading comment block on top
    lines.insert(insert_at, rendered + "\n")
    return "".join(lines)


def persist_setting(service: ConfigService, key: str, value: Any) -> Path:
    """Set top-level ``key`` to ``value`` in the user settings file; returns the file written."""
    if "." in key:
        raise ConfigError(f"cannot persist nested key {key!r}", hint="Edit the settings file by hand.")
    path = settings_file_for(service)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    suffix = path.suffix
    if suffix == ".json":
        data = json.loads(text) if text.strip() else {}
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: the top level is not an object", hint="Fix the file, then try again.")
        data[key] = value
        new_text = json.dumps(data, indent=2) + "\n"
    elif suffix == ".toml":
        new_text = _replace_top_level_line(text, key, f"{key} = {_toml_value(value)}", table_header="[")
    else:
        new_text = _replace_top_level_line(text, key, f"{key}: {json.dumps(value)}", table_header=None)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(new_text, encoding="utf-8")
    tmp.replace(path)
    return path
