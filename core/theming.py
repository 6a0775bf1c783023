"""Theme files as data: discovery, parsing and validation (the UI turns a ThemeSpec into Textual objects).

Themes are TOML files (``themes/*.toml`` shipped with Symphony, plus ``<config dir>/themes/*.toml`` of the
user, which win on a name clash) so users can copy and edit one without touching code.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core.errors import ConfigError

_HEX = r"#[0-9a-fA-F]{6}"
_STYLE_WORDS = {"bold", "dim", "italic", "underline", "strike", "reverse", "not", "on"}
_HEX_RE = re.compile(rf"^{_HEX}$")


def _check_color(value: str) -> str:
    if not _HEX_RE.match(value):
        raise ValueError(f"{value!r} is not a colour: use #rrggbb")
    return value


def _check_style(value: str) -> str:
    """A small, safe subset of Rich style strings: '#rrggbb [on #rrggbb] [bold|italic|...]'."""
    words = value.split()
    if not words:
        raise ValueError("a style must not be empty")
    for word in words:
        if word not in _STYLE_WORDS and not _HEX_RE.match(word):
            raise ValueError(f"{word!r} in style {value!r}: use #rrggbb colours, 'on #rrggbb' and bold/italic/...")
    return value


class ThemeColors(BaseModel):
    """The base palette; Textual derives its shades from these."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    primary: str
    secondary: str
    accent: str
    foreground: str
    background: str
    surface: str
    panel: str
    warning: str
    error: str
    success: str

    _v = field_validator("*")(classmethod(lambda cls, v: _check_color(v)))


class EditorColors(BaseModel):
    """Styles of the editor's own parts (not syntax)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    background: str
    foreground: str
    gutter: str
    gutter_active: str
    cursor: str
    cursor_line: str
    selection: str
    bracket_match: str

    _v = field_validator("*")(classmethod(lambda cls, v: _check_style(v)))


class ThemeSpec(BaseModel):
    """One theme file, validated."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    display_name: str
    dark: bool = True
    colors: ThemeColors
    editor: EditorColors
    syntax: dict[str, str] = Field(default_factory=dict)
    source: Path | None = None

    @field_validator("syntax")
    @classmethod
    def _syntax_styles(cls, value: dict[str, str]) -> dict[str, str]:
        for style in value.values():
            _check_style(style)
        return value


def load_theme_file(path: Path) -> ThemeSpec:
    """Parse and validate one theme file; every failure is a ConfigError naming the file and key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}", data={"file": str(path)}) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read theme file: {exc}", data={"file": str(path)}) from exc
    try:
        return ThemeSpec.model_validate({**data, "source": path})
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise ConfigError(
            f"{path}: key '{key}': {first['msg']}",
            hint="Fix the theme file; the other themes are still available.",
            data={"file": str(path), "key": key},
        ) from exc


def builtin_theme_dir() -> Path:
    """Where Symphony's shipped themes live (the ``themes`` package)."""
    return Path(str(resources.files("themes")))


def discover_themes(dirs: Iterable[Path]) -> tuple[dict[str, ThemeSpec], list[ConfigError]]:
    """All valid themes from ``dirs`` (later dirs override earlier ones by name) and the problems found."""
    themes: dict[str, ThemeSpec] = {}
    problems: list[ConfigError] = []
    for directory in dirs:
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.toml")):
            try:
                spec = load_theme_file(path)
            except ConfigError as exc:
                problems.append(exc)
                continue
            themes[spec.name] = spec
    return themes, problems
