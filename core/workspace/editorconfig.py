"""EditorConfig (``.editorconfig``) for one file: indentation, line endings, charset, whitespace on save.

Files are found and matched by the reference ``editorconfig`` library (glob rules, ``root = true``, nearest file
wins). The result only *overrides* Symphony's settings where a property is set. End of line and charset apply
to files created by Symphony; an existing file keeps the bytes it has (its own endings and encoding win).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from core.errors import ConfigError
from core.types import LineEnding

log = logging.getLogger(__name__)

_EOL = {"lf": LineEnding.LF, "crlf": LineEnding.CRLF, "cr": LineEnding.CR}
_CHARSETS = {
    "utf-8": ("utf-8", False),
    "utf-8-bom": ("utf-8", True),
    "latin1": ("latin-1", False),
    "utf-16be": ("utf-16-be", True),
    "utf-16le": ("utf-16-le", True),
}


@dataclass(frozen=True, slots=True)
class EditorConfig:
    """The EditorConfig properties that apply to one file; None means "not set here"."""

    indent_style: str | None = None
    """"tab" or "space"."""
    indent_size: int | None = None
    tab_width: int | None = None
    end_of_line: LineEnding | None = None
    encoding: str | None = None
    """A Python codec name (from ``charset``)."""
    bom: bool | None = None
    trim_trailing_whitespace: bool | None = None
    insert_final_newline: bool | None = None

    @property
    def is_empty(self) -> bool:
        """True when no property applies."""
        return self == EditorConfig()


def _bool(value: str | None) -> bool | None:
    if value is None:
        return None
    lowered = value.lower()
    return True if lowered == "true" else False if lowered == "false" else None


def _positive(value: str | None) -> int | None:
    if value is None or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= 64 else None


def editorconfig_for(path: Path) -> EditorConfig:
    """The EditorConfig properties for ``path`` (which need not exist yet).

    Raises ConfigError naming the problem when an ``.editorconfig`` on the way cannot be parsed.
    """
    import editorconfig

    try:
        properties = editorconfig.get_properties(str(path.absolute()))
    except editorconfig.EditorConfigError as exc:
        raise ConfigError(
            f"cannot read the .editorconfig that applies to {path}: {exc}",
            hint="Fix the syntax of the .editorconfig file (sections are [glob], properties key = value).",
            data={"path": str(path)},
        ) from exc
    style = properties.get("indent_style", "").lower() or None
    tab_width = _positive(properties.get("tab_width"))
    size_value = properties.get("indent_size")
    indent_size = tab_width if size_value == "tab" else _positive(size_value)
    charset = _CHARSETS.get(properties.get("charset", "").lower())
    return EditorConfig(
        indent_style=style if style in ("tab", "space") else None,
        indent_size=indent_size,
        tab_width=tab_width,
        end_of_line=_EOL.get(properties.get("end_of_line", "").lower()),
        encoding=charset[0] if charset else None,
        bom=charset[1] if charset else None,
        trim_trailing_whitespace=_bool(properties.get("trim_trailing_whitespace")),
        insert_final_newline=_bool(properties.get("insert_final_newline")),
    )


__all__ = ["EditorConfig", "editorconfig_for"]
