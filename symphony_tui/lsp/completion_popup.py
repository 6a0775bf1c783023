"""The completion popup: one widget that draws the ranked list line by line inside its border (no widget per
row, no containers: re-ranking on each keystroke repaints ten rows, showing it again arranges one widget), and
a documentation pane beside it for the highlighted item, an overlay of its own (filling or moving it never
re-arranges the list)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.markdown import Markdown
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual._border import get_box
from textual.color import Color
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style as TextualStyle
from textual.widgets import Static

from symphony_tui.lsp.popup import CursorPopup

if TYPE_CHECKING:
    from core.lsp.completion import RankedItem

VISIBLE_ROWS = 10
MAX_LABEL = 48

KIND_ICONS = {
    1: "t",  # text
    2: "m",  # method
    3: "ƒ",  # function
    4: "ƒ",  # constructor
    5: "f",  # field
    6: "v",  # variable
    7: "C",  # class
    8: "I",  # interface
    9: "M",  # module
    10: "p",  # property
    11: "u",  # unit
    12: "=",  # value
    13: "E",  # enum
    14: "k",  # keyword
    15: "s",  # snippet
    16: "c",  # color
    17: "F",  # file
    18: "r",  # reference
    19: "D",  # folder
    20: "e",  # enum member
    21: "c",  # constant
    22: "S",  # struct
    23: "~",  # event
    24: "o",  # operator
    25: "T",  # type parameter
}


DOCS_WIDTH = 50
DOCS_MAX_HEIGHT = 16


class CompletionDocs(Static, can_focus=False):
    """The highlighted item's detail and documentation (markdown rendered), beside the list."""

    DEFAULT_CSS = """
    CompletionDocs {
        overlay: screen;
        position: absolute;
        constrain: inside inside;
        width: 50;
        height: auto;
        padding: 0 1;
        background: $surface;
        border: round $primary 40%;
    }
    """

    def __init__(self) -> None:
        super().__init__("", id="completion-docs")
        self.display = False
        self._placed: tuple[int, int] | None = None
        self._heights: tuple[int, int] | None = None

    def place_beside(self, popup: Region, screen: Region, above: bool) -> None:
        """Stand to the right of the list (left when the screen has no room there). Below the cursor it is at
        least as tall as the list and grows down when the text needs it, never past the screen's last row but
        one (the status bar); flipped above the cursor, it matches the list (growing would cover the line)."""
        x = popup.right if popup.right + DOCS_WIDTH <= screen.right else max(0, popup.x - DOCS_WIDTH)
        placed = (x, popup.y)
        if placed != self._placed:
            self._placed = placed
            self.styles.offset = placed
        tallest = popup.height if above else max(popup.height, min(DOCS_MAX_HEIGHT, screen.bottom - 1 - popup.y))
        if (self._heights or (0, 0)) != (popup.height, tallest):
            self._heights = (popup.height, tallest)
            self.styles.min_height = popup.height
            self.styles.max_height = tallest


class CompletionPopup(CursorPopup):
    """The ranked list, floating under the word being completed, with its documentation pane beside it."""

    DEFAULT_CSS = """
    CompletionPopup {
        width: 14;
        height: 3;
    }
    """

    def __init__(self) -> None:
        super().__init__(id="completion-popup")
        self.items: Sequence[RankedItem] = ()
        self.selected = 0
        self.top = 0
        self._width = 0
        self._height = 0
        self._styles: tuple[Style, Style, Style, Style, Style, Style] | None = None
        self.docs = CompletionDocs()
        self._docs_shown: tuple[str, str, bool] | None = None

    def show(self, items: Sequence[RankedItem], selected: int = 0) -> None:
        """Replace the rows (keeping the window on the selection)."""
        self.items = items
        widest = max((len(self._label(r)) for r in items[:50]), default=10)
        width = min(MAX_LABEL, widest) + 4
        height = min(VISIBLE_ROWS, len(items))
        if (width, height) != (self._width, self._height):
            # A new size arranges the popup (alone: symphony_tui.partial_layout); the same size only repaints.
            self._width, self._height = width, height
            self.styles.width = width + 2
            self.styles.height = height + 2
        self.select(selected)

    def select(self, index: int) -> None:
        """Highlight row ``index`` (clamped), scrolling the window to keep it visible."""
        if not self.items:
            self.selected = self.top = 0
        else:
            self.selected = max(0, min(index, len(self.items) - 1))
            if self.selected < self.top:
                self.top = self.selected
            elif self.selected >= self.top + VISIBLE_ROWS:
                self.top = self.selected - VISIBLE_ROWS + 1
        # The rows only: the border's lines stay in Textual's line cache.
        self.refresh(Region(0, 0, self._width, self._height))  # content coordinates: inside the border

    def hide(self) -> None:
        """Hide, documentation pane included: the next list shows without the previous list's documentation;
        its own follows a frame later."""
        self.display = False
        self.docs.display = False
        self._docs_shown = None

    def show_docs(self, detail: str, documentation: str, markdown: bool) -> None:
        """Fill the documentation pane beside the list (hidden when there is nothing to say)."""
        docs = self.docs
        if self.is_attached and docs.is_attached:
            region = self.region
            docs.place_beside(region, self.screen.region, above=self._placed is not None and region.y < self._placed[1])
        if (detail, documentation, markdown) == self._docs_shown:
            return  # unchanged: nothing to repaint
        self._docs_shown = (detail, documentation, markdown)
        if not detail and not documentation:
            if docs.display:
                docs.display = False
            return
        parts: list[object] = []
        if detail:
            # Plain text: a fenced code block went through Markdown and pygments (~1 ms whenever the
            # highlighted item changes).
            parts.append(Text(detail, style="bold"))
        if documentation:
            if detail:
                parts.append(Text(""))
            parts.append(Markdown(documentation) if markdown else Text(documentation))
        from rich.console import Group

        # Its height follows the text: arranging this overlay alone (it is shown a frame after the list).
        docs.update(Group(*parts))  # type: ignore[arg-type]
        if not docs.display:
            docs.display = True

    @staticmethod
    def _label(ranked: RankedItem) -> str:
        return ranked.label  # not ranked.item: that would type the item, and only drawn rows need it

    def render_lines(self, crop: Region) -> list[Strip]:
        """Rows inside the border assembled here, border rows from Textual's line cache.

        Textual's per-line pipeline (``StylesCache``) cost ~65 us a row on top of drawing it, ten rows on
        every keystroke; for this widget's look (a border, a background, no padding, tint or opacity) a row is
        the border's two edge cells around the drawn row, in styles passed through the app's line filters, as
        Textual builds it (a test compares the two). Any other look goes through Textual's own path.
        """
        self._styles = None  # the theme may have changed since the last paint
        edges = self._edges()
        if edges is None:
            return super().render_lines(crop)
        left, right, inner, background = edges
        width, height = self.outer_size
        filters = self.get_line_filters()
        if filters:
            # Textual's filters map each segment's style alone: filter the few styles once, not every row.
            def filtered(style: Style) -> Style:
                segments = [Segment("x", style)]
                for line_filter in filters:
                    segments = line_filter.apply(segments, background)
                return segments[0].style or Style()

            self._styles = tuple(map(filtered, self._row_styles()))  # type: ignore[assignment]
            left, right = (Segment(edge.text, filtered(edge.style or Style())) for edge in (left, right))
            inner = filtered(inner)
        strips: list[Strip] = []
        for y in crop.line_range:
            if y == 0 or y >= height - 1:
                strips.append(super().render_lines(Region(0, y, width, 1))[0])
                continue
            row = self._row(y - 1)
            if width - 2 != self._width:  # resized and not yet laid out again
                row = list(Strip(row).adjust_cell_length(width - 2, inner))
            strips.append(Strip([left, *row, right], width))
        if crop.column_span != (0, width):
            x1, x2 = crop.column_span
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips

    def _edges(self) -> tuple[Segment, Segment, Style, Color] | None:
        """The border's left and right cells, the inner style and the background; None for a look that needs
        Textual's full line pipeline."""
        styles = self.styles
        (top, _), (right_type, right_color), (bottom, _), (left_type, left_color) = styles.border
        if (
            not (top and bottom and left_type and right_type)
            or styles.padding != (0, 0, 0, 0)
            or styles.tint.a
            or styles.text_opacity != 1.0
            or self.opacity != 1.0
            or self._border_title is not None
            or self._border_subtitle is not None
            or (styles.has_rule("hatch") and styles.hatch != "none")
            or any(edge for edge, _ in styles.outline)
        ):
            return None
        base_background, background = self.background_colors
        inner, outer = self._styles_cache.get_inner_outer(base_background, background)
        left = get_box(left_type, inner, outer, TextualStyle(foreground=base_background + left_color))[1][0]
        right = get_box(right_type, inner, outer, TextualStyle(foreground=base_background + right_color))[1][2]
        return left, right, inner.rich_style, background

    def _row_styles(self) -> tuple[Style, Style, Style, Style, Style, Style]:
        """(base, icon, match) styles, then the same for the selected row; once per paint, not per row."""
        if self._styles is None:
            base = self.rich_style
            selected = base + Style(reverse=True)
            dim, match = Style(dim=True), Style(bold=True, underline=True)
            self._styles = (base, base + dim, base + match, selected, selected + dim, selected + match)
        return self._styles

    def render_line(self, y: int) -> Strip:
        return Strip(self._row(y), self._width)

    def _row(self, y: int) -> list[Segment]:
        """Row ``y`` of the list as segments exactly ``_width`` cells long.

        Built from segments directly: Text + stylize + console.render cost ~0.2 ms a row, on every keystroke.
        """
        index = self.top + y
        width = self._width
        styles = self._row_styles()
        if index >= len(self.items):
            return [Segment(" " * width, styles[0])]
        ranked = self.items[index]
        base, dim, match = styles[3:] if index == self.selected else styles[:3]
        icon = KIND_ICONS.get(ranked.items.kind(ranked.index) or 0, " ")  # not ranked.item: typing it costs more
        label = ranked.label if len(ranked.label) <= MAX_LABEL else ranked.label[: MAX_LABEL - 1] + "…"
        used = 3 + cell_len(label)
        if used > width:  # wider than the list was sized for (wide characters): Textual crops by cells
            return list(Strip(self._segments(label, ranked.positions, icon, base, dim, match)).crop(0, width))
        segments = self._segments(label, ranked.positions, icon, base, dim, match)
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return segments

    @staticmethod
    def _segments(
        label: str, positions: Sequence[int], icon: str, base: Style, dim: Style, match: Style
    ) -> list[Segment]:
        segments = [Segment(f" {icon} ", dim)]
        start = 0
        run_start = run_end = -1  # a run of adjacent matched characters is one segment (a typed prefix: one)
        for position in positions:
            if position >= len(label):
                break
            if position == run_end:
                run_end += 1
                continue
            if run_end > run_start:
                segments.append(Segment(label[run_start:run_end], match))
                start = run_end
            if position > start:
                segments.append(Segment(label[start:position], base))
            run_start, run_end = position, position + 1
        if run_end > run_start:
            segments.append(Segment(label[run_start:run_end], match))
            start = run_end
        if start < len(label):
            segments.append(Segment(label[start:], base))
        return segments
