"""Rendering one editor row at a cost bounded by the visible width, not by the line or the longest line.

Textual's ``TextArea._render_line`` styles and renders the whole line, then crops it to the *virtual* width (the
longest line of the file), so one line of 100,000 characters made every painted row 100,000 cells wide and took
seconds per keystroke. Here only the characters in view are styled (cursor, selection, highlights, bracket
match), and the strip is exactly as wide as the view. Soft-wrapped rows render their own section only.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.expand_tabs import expand_text_tabs_from_widths
from textual.strip import Strip
from textual.widgets import TextArea

SHORT_LINE = 1024
"""Lines up to this many characters are styled whole (cheap); longer ones only in the visible window."""


def _utf8_offsets(line: str) -> dict[int, int]:
    """Byte offset -> character index for ``line`` (and its end)."""
    mapping: dict[int, int] = {}
    offset = 0
    for index, char in enumerate(line):
        mapping[offset] = index
        offset += len(char.encode("utf-8"))
    mapping[offset] = len(line)
    return mapping


def visible_window(line: str, scroll_x: int, width: int, tab_width: int) -> tuple[int, int, int, list[int]]:
    """Characters [first, end) of an unwrapped ``line`` that cover cells [scroll_x, scroll_x + width), the cell
    where ``first`` starts, and the widths of the tabs inside the window."""
    if line.isascii() and "\t" not in line:
        first = min(scroll_x, len(line))
        return first, min(len(line), scroll_x + width + 1), first, []
    cell = 0
    first = -1
    first_cell = 0
    tabs: list[int] = []
    limit = scroll_x + width
    for index, char in enumerate(line):
        if char == "\t":
            size = tab_width - cell % tab_width if tab_width else 1
        else:
            size = 1 if char.isascii() else cell_len(char)
        if first < 0 and cell + size > scroll_x:
            first, first_cell = index, cell
        if first >= 0:
            if cell >= limit:
                return first, index, first_cell, tabs
            if char == "\t":
                tabs.append(size)
        cell += size
    if first < 0:
        return len(line), len(line), cell, []
    return first, len(line), first_cell, tabs


class WindowedRenderMixin(TextArea):
    """``_render_line`` that only renders what is visible."""

    def decorate_line(self, line: Text, line_index: int, clip: Callable[[int | None], int]) -> None:
        """Hook for styles layered over the syntax colours (language-server marks); ``clip`` maps a document
        column to an index in ``line``, which may hold only the visible part of the document line."""

    def _render_line(self, y: int) -> Strip:
        theme = self._theme
        base_style = theme.base_style if theme and theme.base_style is not None else self.rich_style
        wrapped = self.wrapped_document
        scroll_x, scroll_y = self.scroll_offset
        y_offset = y + scroll_y
        view_width = self.scrollable_content_region.size.width
        if y_offset >= wrapped.height:
            return Strip.blank(view_width, base_style)
        try:
            line_index, section = wrapped._offset_to_line_info[y_offset]
        except IndexError:
            return Strip.blank(view_width, base_style)

        raw = self.document[line_index]
        gutter_width = self.gutter_width
        text_width = max(0, view_width - gutter_width)
        tab_width = self.indent_width
        crop_left = 0
        unscrolled_key = self._unscrolled_key if not self.soft_wrap and len(raw) <= SHORT_LINE else None
        self._unscrolled_key = None
        cache = self._line_cache
        if unscrolled_key is not None and (styled := cache.get(unscrolled_key)) is not None:
            return self._finish_row(styled, scroll_x, line_index, section, text_width, base_style)
        if self.soft_wrap:
            offsets = wrapped.get_offsets(line_index)
            first = offsets[section - 1] if section > 0 else 0
            end = offsets[section] if section < len(offsets) else len(raw)
            tabs_before = raw.count("\t", 0, first)
            tab_widths = wrapped.get_tab_widths(line_index)[tabs_before : tabs_before + raw.count("\t", first, end)]
        elif len(raw) <= SHORT_LINE:
            first, end = 0, len(raw)
            tab_widths = [] if "\t" not in raw else _tab_widths(raw, tab_width)
            crop_left = scroll_x
        else:
            first, end, first_cell, tab_widths = visible_window(raw, scroll_x, text_width, tab_width)
            crop_left = scroll_x - first_cell

        line = Text(raw[first:end], end="", no_wrap=True)
        at_line_end = end == len(raw)
        line.set_length(end - first + (1 if at_line_end else 0))  # a cell for the cursor after the last character

        def clip(column: int | None) -> int:
            if column is None:
                return len(line)
            return min(max(column - first, 0), len(line))

        selection = self.selection
        start, stop = selection
        cursor_row, cursor_column = stop
        top, bottom = sorted(selection)
        has_cursor = self._has_cursor
        highlight_cursor_line = self.highlight_cursor_line and has_cursor
        cursor_line_style = theme.cursor_line_style if (theme and highlight_cursor_line) else None
        if has_cursor and cursor_line_style and cursor_row == line_index:
            line.stylize(cursor_line_style)

        if start != stop and top[0] <= line_index <= bottom[0]:
            selection_style = theme.selection_style if theme else None
            if selection_style:
                if not raw and line_index != cursor_row:
                    line = Text("▌", end="", style=Style(color=selection_style.bgcolor))
                else:
                    left = top[1] if line_index == top[0] else 0
                    right = bottom[1] if line_index == bottom[0] else len(raw)
                    line.stylize(selection_style, clip(left), clip(right))

        highlights = self._highlights
        if highlights and theme:
            get_style = theme.syntax_styles.get
            spans = highlights[line_index]
            if spans:
                to_char = None if raw.isascii() else _utf8_offsets(raw)
                for span_start, span_end, name in spans:
                    style = get_style(name)
                    if style is None:
                        continue
                    if to_char is not None:
                        span_start = to_char.get(span_start, 0)
                        span_end = to_char.get(span_end) if span_end is not None else None
                    left, right = clip(span_start), clip(span_end)
                    if right > left:
                        line.stylize(style, left, right)
        self.decorate_line(line, line_index, clip)

        matching = self._matching_bracket_location
        draw_brackets = has_cursor and self.match_cursor_bracket and matching is not None and start == stop
        bracket_style = theme.bracket_matching_style if theme else None
        if cursor_row == line_index:
            if draw_brackets and bracket_style and first <= cursor_column < end:
                line.stylize(bracket_style, clip(cursor_column), clip(cursor_column) + 1)
            if self.suggestion and (self.has_focus or not self.hide_suggestion_on_blur) and first <= cursor_column:
                at = clip(cursor_column)
                suggestion_style = self.get_component_rich_style("text-area--suggestion")
                line = Text.assemble(line[:at], (self.suggestion, suggestion_style), line[at:], end="")
            if self._draw_cursor and theme and theme.cursor_style and first <= cursor_column <= end:
                at = clip(cursor_column)
                line.stylize(theme.cursor_style, at, at + 1)
        partner_visible = matching is not None and matching[0] == line_index and first <= matching[1] < end
        if draw_brackets and bracket_style and matching is not None and partner_visible:
            line.stylize(bracket_style, clip(matching[1]), clip(matching[1]) + 1)

        if tab_widths:
            line = expand_text_tabs_from_widths(line, tab_widths)

        # The base style goes under the text now (and under the padding and gutter in ``_finish_row``) rather
        # than over the joined row, so a row re-cropped for another horizontal scroll is not restyled.
        console = self.app.console
        styled = Strip(line.render(console), cell_length=line.cell_len).apply_style(base_style)
        if unscrolled_key is not None:
            cache[unscrolled_key] = styled
        return self._finish_row(styled, crop_left, line_index, section, text_width, base_style)

    _unscrolled_key: tuple[object, ...] | None = None
    """Set by ``render_line`` for the row about to be rendered: its cache key with the horizontal scroll left out."""

    def _finish_row(
        self, styled: Strip, crop_left: int, line_index: int, section: int, text_width: int, base_style: Style
    ) -> Strip:
        """The painted row: styled text cropped to the view, padded, after the line-number gutter."""
        theme = self._theme
        if crop_left > 0 or styled.cell_length > crop_left + text_width:
            styled = styled.crop(crop_left, crop_left + text_width)
        cursor_row = self.selection.end[0]
        highlight_cursor_line = self.highlight_cursor_line and self._has_cursor
        if cursor_row == line_index and self.highlight_cursor_line:
            line_style = theme.cursor_line_style if (theme and highlight_cursor_line) else None
        else:
            line_style = theme.base_style if theme else None
        text_strip = styled.extend_cell_length(text_width, base_style + line_style if line_style else base_style)

        if self.show_line_numbers and theme:
            if cursor_row == line_index and highlight_cursor_line:
                gutter_style = theme.cursor_line_gutter_style
            else:
                gutter_style = theme.gutter_style
            gutter_width = self.gutter_width
            number = str(line_index + self.line_number_start) if section == 0 else ""
            gutter = Strip(
                [Segment(f"{number:>{gutter_width - 2}}  ", base_style + gutter_style if gutter_style else base_style)],
                cell_length=gutter_width,
            )
            return Strip.join([gutter, text_strip])
        return text_strip


def _tab_widths(line: str, tab_width: int) -> list[int]:
    from textual.expand_tabs import get_tab_widths

    return [width for _, width in get_tab_widths(line, tab_width) if width]
