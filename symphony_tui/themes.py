"""Turn theme files (core.theming.ThemeSpec) into Textual app themes and editor (TextArea) themes."""

from __future__ import annotations

from rich.style import Style
from textual.theme import Theme
from textual.widgets.text_area import TextAreaTheme

from core.theming import ThemeSpec


class SyntaxStyles(dict[str, Style]):
    """Capture name -> style, where a name the theme does not list falls back to its parents.

    Grammar wheels name captures in more detail than a theme lists ("function.method", "variable.parameter");
    as in Helix and Neovim, the longest listed prefix decides the colour. TextArea's renderer looks names up
    with ``get``, so that is where the fallback lives (answers are cached per name).
    """

    def __init__(self, styles: dict[str, Style]) -> None:
        super().__init__(styles)
        self._resolved: dict[str, Style | None] = {}

    def get(self, name: str, default: Style | None = None) -> Style | None:  # type: ignore[override]
        try:
            resolved = self._resolved[name]
        except KeyError:
            candidate = name
            resolved = super().get(candidate)
            while resolved is None and "." in candidate:
                candidate = candidate.rsplit(".", 1)[0]
                resolved = super().get(candidate)
            self._resolved[name] = resolved
        return default if resolved is None else resolved


def app_theme(spec: ThemeSpec) -> Theme:
    """The Textual theme (widget colours) for ``spec``."""
    c = spec.colors
    return Theme(
        name=spec.name,
        primary=c.primary,
        secondary=c.secondary,
        accent=c.accent,
        foreground=c.foreground,
        background=c.background,
        surface=c.surface,
        panel=c.panel,
        warning=c.warning,
        error=c.error,
        success=c.success,
        dark=spec.dark,
    )


def editor_theme(spec: ThemeSpec) -> TextAreaTheme:
    """The TextArea theme (gutter, cursor, selection and syntax colours) for ``spec``."""
    e = spec.editor
    base = Style.parse(f"{e.foreground} on {e.background}")
    return TextAreaTheme(
        name=spec.name,
        base_style=base,
        gutter_style=Style.parse(e.gutter) + Style(bgcolor=base.bgcolor),
        cursor_style=Style.parse(e.cursor),
        cursor_line_style=Style.parse(f"on {e.cursor_line}"),
        cursor_line_gutter_style=Style.parse(e.gutter_active) + Style.parse(f"on {e.cursor_line}"),
        bracket_matching_style=_bracket_style(e.bracket_match),
        selection_style=Style.parse(f"on {e.selection}"),
        syntax_styles=SyntaxStyles({name: Style.parse(style) for name, style in spec.syntax.items()}),
    )


def _bracket_style(value: str) -> Style:
    # A bare colour means a background highlight; a full style string is taken as written.
    words = value.split()
    if len(words) == 1 and words[0].startswith("#"):
        return Style.parse(f"on {value}")
    return Style.parse(value)
