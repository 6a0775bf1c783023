"""Repaint only the rows a keystroke changed.

TextArea's ``selection`` reactive repaints the whole widget whenever the cursor moves, which is on every key:
the compositor then re-renders, crops and filters every visible row of the editor (most of a keystroke's cost
on a full screen). Here the selection change repaints the rows the old and new selection (and their matching
brackets) cover, and an edit repaints the edited rows (or everything below them when lines were added or
removed), on the visual rows they occupy when soft wrap is on. Scrolling, resizing, an edit that changes how many
rows a wrapped line takes, and several cursors still repaint the whole view.
"""

from __future__ import annotations

from textual.geometry import Offset, Region, Size, Spacing
from textual.reactive import Reactive, reactive
from textual.widget import Widget
from textual.widgets import TextArea
from textual.widgets.text_area import Selection


class DirtyRowsMixin(TextArea):
    """Partial repaints for cursor moves and edits."""

    selection: Reactive[Selection] = reactive(Selection(), init=False, always_update=True, repaint=False)
    """As TextArea's, without the whole-widget repaint on every change (see ``_watch_selection``)."""

    def _watch_selection(self, previous_selection: Selection, selection: Selection) -> None:
        previous_match = self._matching_bracket_location
        super()._watch_selection(previous_selection, selection)
        if not self.is_mounted:
            return
        if getattr(self, "extra_selections", None):
            self.refresh()
            return
        rows: list[tuple[int, int]] = [
            (min(previous_selection)[0], max(previous_selection)[0]),
            (min(selection)[0], max(selection)[0]),
        ]
        for match in (previous_match, self._matching_bracket_location):
            if match is not None:
                rows.append((match[0], match[0]))
        self.repaint_rows(rows)

    def _refresh_size(self) -> None:
        # TextArea sets the exact width of the longest line: typing at its end changed the virtual size, and
        # so re-laid out the whole screen, on every key.
        view = self.scrollable_content_region.size
        if self.soft_wrap:
            # A wrapped line taking one more row changes only the height: same treatment as below.
            size = Size(0, self.wrapped_document.height)
        else:
            width, height = self.document.get_size(self.indent_width)
            content = width + self.gutter_width + 1
            size = Size(stepped_virtual_width(content, view.width), height)
        old = self.virtual_size
        same_bars = (old.width > view.width) == (size.width > view.width) and (old.height > view.height) == (
            size.height > view.height
        )
        if size != old and same_bars and self.is_mounted:
            # The scrollbars stay as they are, only their thumbs change: no need to lay out the whole screen
            # (which Widget.virtual_size, a layout reactive, would do; adding a line on Enter paid for it).
            self.set_reactive(Widget.virtual_size, size)
            self._scroll_update(size)
        else:
            self.virtual_size = size
        self._refresh_scrollbars()

    def scroll_cursor_visible(self, center: bool = False, animate: bool = False) -> Offset:
        # Textual keeps the cursor 3 cells inside the edge, so typing past the right edge scrolled (and repainted
        # the whole view) on every key. Like Vim's sidescroll and VS Code, jump a quarter of the view instead.
        if self.soft_wrap or center or not self._has_cursor:
            return super().scroll_cursor_visible(center=center, animate=animate)
        self._recompute_cursor_offset()
        x, y = self._cursor_offset
        content = self.scrollable_content_region
        view = max(1, content.width - self.gutter_width)
        scroll_x, scroll_y = self.scroll_offset
        if scroll_x <= x and x + 3 <= scroll_x + view and scroll_y <= y < scroll_y + content.height:
            return Offset()  # in view already (every typed key): Textual's scroll_to_region would find no move
        step = max(3, view // 4)
        if x + 3 > scroll_x + view:
            region = Region(x, y, width=min(step, view), height=1)
        elif x < scroll_x:
            region = Region(max(0, x - step), y, width=min(step + 1, view), height=1)
        else:
            region = Region(x, y, width=3, height=1)
        return self.scroll_to_region(region, spacing=Spacing(right=self.gutter_width), animate=animate, force=True)

    def visual_rows(self, first: int, last: int) -> tuple[int, int]:
        """The visual rows (soft wrap counted) that document rows ``first..last`` occupy."""
        offsets = self.wrapped_document._line_index_to_offsets
        count = len(offsets)
        if not count:
            return (0, 0)
        return offsets[min(max(first, 0), count - 1)][0], offsets[min(max(last, 0), count - 1)][-1]

    def repaint_rows(self, spans: list[tuple[int, int]], *, to_bottom: bool = False) -> None:
        """Repaint document rows ``first..last`` of each span that is on screen (``to_bottom``: and everything
        below the first of them)."""
        if self.soft_wrap:
            spans = [self.visual_rows(first, last) for first, last in spans]
        top = self.scroll_offset.y
        bottom = top + self.size.height
        if to_bottom and spans:
            first = max(top, min(first for first, _ in spans))
            if first < bottom:
                self.refresh_lines(first, bottom - first)
            return
        for first, last in merged_spans(spans):
            first, last = max(first, top), min(last, bottom - 1)
            if first <= last:
                self.refresh_lines(first, last - first + 1)


def merged_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching row spans joined."""
    merged: list[tuple[int, int]] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


VIRTUAL_WIDTH_STEP = 32
"""The scrollable width grows and shrinks in steps of this many cells once lines are wider than the view."""


def stepped_virtual_width(content_width: int, view_width: int) -> int:
    """The virtual width for content ``content_width`` cells wide: the view's while it fits, else rounded up to a
    step, so typing at the end of the longest line re-lays out the screen once per step, not on every key."""
    if content_width <= view_width:
        return view_width
    return -(-content_width // VIRTUAL_WIDTH_STEP) * VIRTUAL_WIDTH_STEP
