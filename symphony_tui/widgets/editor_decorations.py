"""Generic editor decorations, keyed by source ("git", an extension id...): gutter marks drawn in the gutter's
last column (next to the text, where VS Code draws its git bars; the language servers' signs sit one column to
the left) and styled ranges over the text. Each source replaces only its own marks.

``Editor.set_decorations("git", gutter=[GutterMark(4, "▎", "green", 10, "Added")])``
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.widgets import TextArea


@dataclass(frozen=True, slots=True)
class GutterMark:
    """A one-cell symbol in the gutter of a 0-based ``line``; on a shared line the highest ``priority`` wins."""

    line: int
    symbol: str
    style: str = ""
    """A Rich style string ("green", "bold red")."""
    priority: int = 0
    tooltip: str = ""


@dataclass(frozen=True, slots=True)
class RangeMark:
    """A style over text from ``start`` to ``end`` ((line, column), end exclusive)."""

    start: tuple[int, int]
    end: tuple[int, int]
    style: str
    tooltip: str = ""


class EditorDecorationsMixin(TextArea):
    """Keeps decorations per source and draws them; mixed into the Editor."""

    _decoration_gutter: dict[str, dict[int, GutterMark]]
    _decoration_ranges: dict[str, tuple[RangeMark, ...]]

    def set_decorations(
        self, source: str, *, gutter: Iterable[GutterMark] = (), ranges: Iterable[RangeMark] = ()
    ) -> None:
        """Replace ``source``'s decorations (empty lists clear them) and repaint."""
        if not hasattr(self, "_decoration_gutter"):
            self._decoration_gutter, self._decoration_ranges = {}, {}
        by_line: dict[int, GutterMark] = {}
        for mark in gutter:
            kept = by_line.get(mark.line)
            if kept is None or mark.priority > kept.priority:
                by_line[mark.line] = mark
        self._decoration_gutter[source] = by_line
        self._decoration_ranges[source] = tuple(ranges)
        self._line_cache.clear()
        self.refresh()

    def decorations_of(self, source: str) -> tuple[Sequence[GutterMark], Sequence[RangeMark]]:
        """``source``'s gutter marks (by line) and ranges, as last set."""
        gutter = getattr(self, "_decoration_gutter", {}).get(source, {})
        return [gutter[line] for line in sorted(gutter)], getattr(self, "_decoration_ranges", {}).get(source, ())

    def gutter_mark_at(self, line: int) -> GutterMark | None:
        """The mark drawn on ``line``: the highest priority over every source."""
        best: GutterMark | None = None
        for marks in getattr(self, "_decoration_gutter", {}).values():
            mark = marks.get(line)
            if mark is not None and (best is None or mark.priority > best.priority):
                best = mark
        return best

    def decorate_line(self, line: Text, line_index: int, clip: Callable[[int | None], int]) -> None:
        super().decorate_line(line, line_index, clip)  # type: ignore[misc]
        sources = getattr(self, "_decoration_ranges", None)
        if not sources:
            return
        length = len(self.document[line_index])
        for marks in sources.values():
            for mark, start, end in spans_on_line(marks, line_index, length):
                left, right = clip(start), clip(end)
                if right > left:
                    line.stylize(mark.style, left, right)

    def _render_line(self, y: int) -> Strip:
        strip = super()._render_line(y)
        if not getattr(self, "_decoration_gutter", None) or not self.show_line_numbers:
            return strip
        try:
            line_index, section = self.wrapped_document._offset_to_line_info[self.scroll_offset[1] + y]
        except IndexError:
            return strip
        mark = self.gutter_mark_at(line_index) if section == 0 else None
        at = self.gutter_width - 1
        if mark is None or at < 0 or at >= strip.cell_length:
            return strip
        return splice_gutter_cell(strip, at, mark.symbol[:1] or " ", Style.parse(mark.style))


class _Spanned(Protocol):
    start: tuple[int, int]
    end: tuple[int, int]


SpannedT = TypeVar("SpannedT", bound=_Spanned)


def spans_on_line(marks: Iterable[SpannedT], line: int, length: int) -> Iterator[tuple[SpannedT, int, int]]:
    """(mark, start column, end column) for the marks crossing ``line`` (``length`` columns long); a zero-width
    mark still covers one cell, so it can be seen."""
    for mark in marks:
        if not mark.start[0] <= line <= mark.end[0]:
            continue
        start = mark.start[1] if mark.start[0] == line else 0
        end = mark.end[1] if mark.end[0] == line else length
        yield mark, start, max(end, start + 1)


def splice_gutter_cell(strip: Strip, at: int, symbol: str, style: Style) -> Strip:
    """``strip`` with gutter cell ``at`` replaced by ``symbol``, over that cell's background."""
    left, middle, right = strip.divide([at, at + 1, strip.cell_length])
    base = next((seg.style for seg in middle if seg.style is not None), None) or Style()
    return Strip.join([left, Strip([Segment(symbol, base + style)], 1), right])
