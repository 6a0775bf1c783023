"""The completion popup: a ranked list drawn line by line (no widget per row, so re-ranking on each keystroke
costs a repaint of ten rows) and a documentation pane for the highlighted item."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.markdown import Markdown
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.containers import Horizontal
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
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


class CompletionList(Widget, can_focus=False):
    """The visible window of ranked items, with the selected one highlighted."""

    DEFAULT_CSS = """
    CompletionList {
        width: auto;
        height: auto;
        background: $surface;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.items: Sequence[RankedItem] = ()
        self.selected = 0
        self.top = 0
        self._width = 0
        self._height = 0
        self._styles: tuple[Style, Style, Style, Style, Style, Style] | None = None

    def show(self, items: Sequence[RankedItem], selected: int = 0) -> None:
        """Replace the rows (keeping the window on the selection)."""
        self.items = items
        self.select(selected)
        widest = max((len(self._label(r)) for r in items[:50]), default=10)
        width = min(MAX_LABEL, widest) + 4
        height = min(VISIBLE_ROWS, len(items))
        if (width, height) != (self._width, self._height):
            # A size change re-lays out the screen; typing that keeps the size repaints only these rows.
            self._width, self._height = width, height
            self.styles.width = width
            self.styles.height = height
            self.size_changed(height)
        self.refresh()

    def size_changed(self, height: int) -> None:
        """Hook: the popup keeps its documentation pane as tall as the list."""

    def select(self, index: int) -> None:
        """Highlight row ``index`` (clamped), scrolling the window to keep it visible."""
        if not self.items:
            self.selected = self.top = 0
            return
        self.selected = max(0, min(index, len(self.items) - 1))
        if self.selected < self.top:
            self.top = self.selected
        elif self.selected >= self.top + VISIBLE_ROWS:
            self.top = self.selected - VISIBLE_ROWS + 1
        self.refresh()

    @staticmethod
    def _label(ranked: RankedItem) -> str:
        return ranked.label  # not ranked.item: that would type the item, and only drawn rows need it

    def render_lines(self, crop: Region) -> list[Strip]:
        self._styles = None  # the theme may have changed since the last paint
        return super().render_lines(crop)

    def _row_styles(self) -> tuple[Style, Style, Style, Style, Style, Style]:
        """(base, icon, match) styles, then the same for the selected row; once per paint, not per row."""
        if self._styles is None:
            base = self.rich_style
            selected = base + Style(reverse=True)
            dim, match = Style(dim=True), Style(bold=True, underline=True)
            self._styles = (base, base + dim, base + match, selected, selected + dim, selected + match)
        return self._styles

    def render_line(self, y: int) -> Strip:
        # Built from segments directly: Text + stylize + console.render cost ~0.2 ms a row, on every keystroke.
        index = self.top + y
        width = self._width
        styles = self._row_styles()
        if index >= len(self.items):
            return Strip.blank(width, styles[0])
        ranked = self.items[index]
        base, dim, match = styles[3:] if index == self.selected else styles[:3]
        icon = KIND_ICONS.get(ranked.items.kind(ranked.index) or 0, " ")  # not ranked.item: typing it costs more
        label = ranked.label if len(ranked.label) <= MAX_LABEL else ranked.label[: MAX_LABEL - 1] + "…"
        segments = [Segment(f" {icon} ", dim)]
        start = 0
        for position in ranked.positions:
            if position >= len(label):
                break
            if position > start:
                segments.append(Segment(label[start:position], base))
            segments.append(Segment(label[position], match))
            start = position + 1
        if start < len(label):
            segments.append(Segment(label[start:], base))
        used = 3 + cell_len(label)
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return Strip(segments).crop(0, width)


class CompletionDocs(Static, can_focus=False):
    """The highlighted item's detail and documentation (markdown rendered)."""

    DEFAULT_CSS = """
    CompletionDocs {
        width: 50;
        height: 1;
        padding: 0 1;
        border-left: solid $primary 40%;
        background: $surface;
    }
    """


class CompletionPopup(CursorPopup):
    """Ranked list plus documentation pane, floating under the word being completed."""

    DEFAULT_CSS = """
    CompletionPopup {
        layout: horizontal;
    }
    CompletionPopup > Horizontal {
        width: auto;
        height: auto;
    }
    """

    def __init__(self) -> None:
        super().__init__(id="completion-popup")
        self.list = CompletionList()
        self.docs = CompletionDocs("")
        self.docs.display = False
        self._docs_shown: tuple[str, str, bool] | None = None
        self.list.size_changed = self._list_resized  # type: ignore[method-assign]

    def _list_resized(self, height: int) -> None:
        self.docs.styles.height = height

    def compose(self):  # type: ignore[no-untyped-def]
        with Horizontal():
            yield self.list
            yield self.docs

    def hide(self) -> None:
        """Hide, documentation pane included: the next list shows without the previous list's documentation
        (rendering it, stale, cost ~1.3 ms on the first key of every word); its own follows a frame later."""
        self.display = False
        self.docs.display = False
        self._docs_shown = None

    def show_docs(self, detail: str, documentation: str, markdown: bool) -> None:
        """Fill the documentation pane (hidden when there is nothing to say)."""
        if (detail, documentation, markdown) == self._docs_shown:
            return  # unchanged: updating would re-lay out the screen for nothing
        self._docs_shown = (detail, documentation, markdown)
        if not detail and not documentation:
            if self.docs.display:
                self.docs.display = False
            return
        parts: list[object] = []
        if detail:
            # Plain text: a fenced code block went through Markdown and pygments (~1 ms whenever the
            # highlighted item changes, on the keystroke's critical path).
            parts.append(Text(detail, style="bold"))
        if documentation:
            if detail:
                parts.append(Text(""))
            parts.append(Markdown(documentation) if markdown else Text(documentation))
        from rich.console import Group

        # The pane's size is fixed (as tall as the list): new text needs a repaint, not a layout.
        self.docs.update(Group(*parts), layout=not self.docs.display)  # type: ignore[arg-type]
        if not self.docs.display:
            self.docs.display = True
