"""What language servers paint into an editor: diagnostic underlines and gutter signs, the code-action
lightbulb, and document highlights — kept per editor in code-point locations and drawn over each painted line.

Marks move with line insertions and deletions until the server publishes fresh ones, so they do not point at
the wrong lines while the user types.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.widgets import TextArea

from symphony_tui.lsp.semantic import span_style
from symphony_tui.widgets.editor_decorations import spans_on_line, splice_gutter_cell

Location = tuple[int, int]

ERROR, WARNING, INFORMATION, HINT = 1, 2, 3, 4
SIGNS = {ERROR: "●", WARNING: "▲", INFORMATION: "■", HINT: "·"}
LIGHTBULB = "◆"
"""Drawn in the gutter of the cursor line when code actions are available there (an emoji would be two cells)."""


@dataclass(frozen=True, slots=True)
class Mark:
    """A decorated span: a diagnostic (with its severity and message) or a document highlight."""

    start: Location
    end: Location
    severity: int = ERROR
    message: str = ""
    source: str = ""

    def shifted(self, delta: int) -> Mark:
        return Mark(
            (self.start[0] + delta, self.start[1]),
            (self.end[0] + delta, self.end[1]),
            self.severity,
            self.message,
            self.source,
        )

    def covers(self, location: Location) -> bool:
        """Whether ``location`` lies on the mark (a zero-width mark covers its own column)."""
        end = self.end if self.end != self.start else (self.end[0], self.end[1] + 1)
        return self.start <= location <= end


@dataclass
class EditorDecorations:
    """Everything the LSP layer paints into one editor."""

    diagnostics: list[Mark] = field(default_factory=list)
    highlights: list[Mark] = field(default_factory=list)
    lightbulb_line: int | None = None
    semantic: dict[int, list[tuple[int, int, str]]] = field(default_factory=dict)
    """Semantic-token colours per line: (start column, end column, style name), code points."""
    inlay: dict[int, list[str]] = field(default_factory=dict)
    """Inlay hints per line, drawn after the line's end (virtual text never shifts the columns the cursor uses)."""

    @property
    def empty(self) -> bool:
        """Nothing to draw."""
        return not (self.diagnostics or self.highlights or self.semantic or self.inlay) and self.lightbulb_line is None

    def shift(self, first: int, old_last: int, new_last: int) -> None:
        """Move marks below an edit of rows ``first..old_last`` (now ``first..new_last``) by the line delta;
        semantic colours of the edited rows are dropped until the server sends fresh ones."""
        delta = new_last - old_last
        if self.semantic:
            self.semantic = {
                (line + delta if line > old_last else line): spans
                for line, spans in self.semantic.items()
                if not first <= line <= old_last
            }
        if self.inlay:
            self.inlay = {
                (line + delta if line > old_last else line): hints
                for line, hints in self.inlay.items()
                if not first <= line <= old_last
            }
        if not delta:
            return

        def moved(marks: list[Mark]) -> list[Mark]:
            return [m.shifted(delta) if m.start[0] > old_last else m for m in marks]

        self.diagnostics = moved(self.diagnostics)
        self.highlights = moved(self.highlights)
        if self.lightbulb_line is not None and self.lightbulb_line > old_last:
            self.lightbulb_line += delta

    def diagnostics_on(self, line: int) -> list[Mark]:
        """Diagnostics touching ``line``: indexed once per diagnostics list, so painting a row with thousands
        of diagnostics in the file costs only its own marks."""
        cache = self.__dict__.get("_line_index")
        if cache is None or cache[0] is not self.diagnostics:
            index: dict[int, list[Mark]] = {}
            for mark in self.diagnostics:
                for row in range(mark.start[0], max(mark.start[0], mark.end[0]) + 1):
                    index.setdefault(row, []).append(mark)
            cache = (self.diagnostics, index)
            self.__dict__["_line_index"] = cache
        return cache[1].get(line, [])

    def diagnostics_at(self, location: Location) -> list[Mark]:
        """Diagnostics covering ``location``, most severe first (the hover shows them)."""
        return sorted((m for m in self.diagnostics if m.covers(location)), key=lambda m: m.severity)

    def line_severity(self, line: int) -> int | None:
        """The most severe diagnostic starting on ``line`` (drawn as the gutter sign)."""
        severities = [m.severity for m in self.diagnostics_on(line) if m.start[0] == line]
        return min(severities) if severities else None


class LspDecorationsMixin(TextArea):
    """Draws an editor's :class:`EditorDecorations`; the LSP service fills them in and calls ``decorations_changed``."""

    decorations: EditorDecorations

    def decorations_changed(self) -> None:
        """Repaint after the decorations changed (cached lines are stale); the other panes of a split view
        show the same marks."""
        self._line_cache.clear()
        self.refresh()
        for peer in getattr(self, "_peers", ()):
            peer.decorations = self.decorations
            peer._line_cache.clear()
            peer.refresh()

    def _severity_style(self, severity: int) -> Style:
        theme = self.app.current_theme
        color = {ERROR: theme.error, WARNING: theme.warning, INFORMATION: theme.primary}.get(severity)
        return Style(color=color or None, bold=severity == ERROR)

    def decorate_line(self, line: Text, line_index: int, clip: Callable[[int | None], int]) -> None:
        super().decorate_line(line, line_index, clip)  # type: ignore[misc]
        decorations = getattr(self, "decorations", None)
        if decorations is None or decorations.empty:
            return
        theme = self._theme
        spans = decorations.semantic.get(line_index)
        if spans and theme is not None:
            for start, end, name in spans:
                style = span_style(name, theme.syntax_styles)
                if style is not None and clip(end) > clip(start):
                    line.stylize(style, clip(start), clip(end))
        length = len(self.document[line_index])
        highlight = theme.bracket_matching_style if theme else None
        for _, start, end in spans_on_line(decorations.highlights, line_index, length):
            line.stylize(highlight or Style(reverse=True), clip(start), clip(end))
        for mark, start, end in spans_on_line(decorations.diagnostics_on(line_index), line_index, length):
            style = Style(dim=True) if mark.severity == HINT else Style(underline=True)
            left, right = clip(start), clip(end)
            if right > left:
                line.stylize(style, left, right)
        hints = decorations.inlay.get(line_index)
        if hints and clip(length) == len(line) - 1:  # the painted part reaches the line's end
            line.append("  " + "  ".join(hints), style=Style(dim=True, italic=True))

    def _render_line(self, y: int) -> Strip:
        strip = super()._render_line(y)
        decorations = getattr(self, "decorations", None)
        if decorations is None or not self.show_line_numbers:
            return strip
        try:
            line_index, section = self.wrapped_document._offset_to_line_info[self.scroll_offset[1] + y]
        except IndexError:
            return strip
        if section:
            return strip
        sign: tuple[str, Style] | None = None
        if decorations.lightbulb_line == line_index:
            sign = (LIGHTBULB, Style(color=self.app.current_theme.warning or None, bold=True))
        else:
            severity = decorations.line_severity(line_index)
            if severity is not None:
                sign = (SIGNS[severity], self._severity_style(severity))
        if sign is None:
            return strip
        at = self.gutter_width - 2
        if at < 0 or at >= strip.cell_length:
            return strip
        return splice_gutter_cell(strip, at, sign[0], sign[1])
