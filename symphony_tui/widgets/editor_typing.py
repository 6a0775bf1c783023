"""Smart typing for the editor: auto-closing pairs, auto-indent and dedent, bounded bracket matching, and
visible whitespace.

The decisions live in ``core.text.smart_typing`` (pure functions); this mixin feeds them the document and the
key, applies the edit they return as one undo step, and draws whitespace markers over rendered lines.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.strip import Strip
from textual.widgets import TextArea
from textual.widgets.text_area import Selection

from core.text import smart_typing
from core.text.smart_typing import TypedEdit

WHITESPACE_GLYPHS = {" ": "·", "\t": "→"}
"""How visible whitespace is drawn (a tab's first cell shows the arrow)."""


class SmartTypingMixin(TextArea):
    """Typing helpers on a TextArea; ``auto_close_pairs`` and ``auto_indent`` switch them off."""

    auto_close_pairs: bool = True
    """Insert the closing half of a bracket or quote pair, step over it, and delete empty pairs together."""
    auto_indent: bool = True
    """Enter keeps and adjusts indentation; a closer typed on a blank line dedents to its opener, and so does a
    line like Python's ``else:`` once its colon is typed."""
    _show_whitespace: bool = False

    @property
    def language_id(self) -> str:  # overridden by the editor
        return "text"

    @property
    def show_whitespace(self) -> bool:
        """Draw spaces as ``·`` and tabs as ``→``."""
        return self._show_whitespace

    @show_whitespace.setter
    def show_whitespace(self, value: bool) -> None:
        if value != self._show_whitespace:
            self._show_whitespace = value
            self._line_cache.clear()
            self.refresh()

    def _indent_unit(self) -> str:
        return "\t" if self.indent_type == "tabs" else " " * self.indent_width

    def _apply_typed(self, edit: TypedEdit) -> None:
        self.replace(edit.text, edit.start, edit.end, maintain_selection_offset=False)
        self.selection = Selection(edit.selection_start, edit.selection_end)

    async def _on_key(self, event: events.Key) -> None:
        if self.read_only or getattr(self, "extra_selections", None):
            return  # several cursors type plainly (MultiCursorMixin handles them)
        start, end = sorted(self.selection)
        lines = self.document.lines
        edit: TypedEdit | None = None
        if event.key == "enter" and self.auto_indent:
            edit = smart_typing.on_enter(lines, start, end, self.language_id, self._indent_unit())
        elif event.is_printable and event.character and len(event.character) == 1:
            if self.auto_close_pairs:
                edit = smart_typing.on_character(lines, start, end, event.character, self.language_id)
            if edit is None and self.auto_indent and start == end:
                unit = self._indent_unit()
                edit = smart_typing.on_outdent(lines, start, event.character, self.language_id, unit)
        if edit is not None:
            event.stop()
            event.prevent_default()
            self._apply_typed(edit)

    def action_delete_left(self) -> None:
        if self.auto_close_pairs and not self.read_only and not getattr(self, "extra_selections", None):
            selection = self.selection
            if selection.is_empty:
                edit = smart_typing.on_backspace(self.document.lines, selection.end, self.language_id)
                if edit is not None:
                    self._apply_typed(edit)
                    return
        super().action_delete_left()

    # ----------------------------------------------------------------- bracket matching

    def find_matching_bracket(self, bracket: str, search_from: tuple[int, int]) -> tuple[int, int] | None:
        # Textual walks the document a character at a time and, for an unmatched bracket, to its very end: a
        # cursor move next to one in a 100,000-line file took seconds. Scanning by regex with a budget keeps
        # it cheap on any file and any line length.
        lines = self.document.lines
        row, column = search_from
        if row >= len(lines) or column >= len(lines[row]) or lines[row][column] != bracket:
            return None
        return smart_typing.find_matching_bracket(lines, search_from)

    # ----------------------------------------------------------------- visible whitespace

    def _render_line(self, y: int) -> Strip:
        strip = super()._render_line(y)
        if not self._show_whitespace:
            return strip
        return self._mark_whitespace(strip, y)

    def _mark_whitespace(self, strip: Strip, y: int) -> Strip:
        wrapped = self.wrapped_document
        scroll_x, scroll_y = self.scroll_offset
        visual_row = scroll_y + y
        if visual_row >= wrapped.height:
            return strip
        row, section = wrapped._offset_to_line_info[visual_row]
        line = self.document[row]
        if " " not in line and "\t" not in line:
            return strip
        offsets = wrapped.get_offsets(row) if self.soft_wrap else []
        first = offsets[section - 1] if section > 0 else 0
        last = offsets[section] if section < len(offsets) else len(line)
        # The cells each character of the section occupies, tabs expanded as TextArea expands them.
        glyphs: dict[int, str] = {}
        cell = 0
        tab_width = self.indent_width
        for index in range(first, last):
            char = line[index]
            if char == "\t":
                width = tab_width - (cell % tab_width) if tab_width else 1
                glyphs[cell] = WHITESPACE_GLYPHS["\t"]
                cell += width
            else:
                if char == " ":
                    glyphs[cell] = WHITESPACE_GLYPHS[" "]
                cell += 1 if char.isascii() else _cell_width(char)
        if not glyphs:
            return strip
        gutter = self.gutter_width
        offset = gutter - (0 if self.soft_wrap else scroll_x)
        theme = self._theme
        colour = theme.gutter_style.color if theme is not None and theme.gutter_style is not None else None
        marker = Style(color=colour) if colour is not None else Style(dim=True)
        segments: list[Segment] = []
        position = 0
        for text, style, control in strip:
            if control or " " not in text:
                segments.append(Segment(text, style, control))
                position += len(text) if text.isascii() else _cell_width(text)
                continue
            run: list[str] = []
            run_marked = False
            for char in text:
                # Scrolled sideways, the gutter's own spaces are not the line's.
                glyph = glyphs.get(position - offset) if char == " " and position >= gutter else None
                marked = glyph is not None
                if run and marked != run_marked:
                    segments.append(Segment("".join(run), (style or Style()) + marker if run_marked else style))
                    run = []
                run.append(glyph if glyph is not None else char)
                run_marked = marked
                position += 1 if char.isascii() else _cell_width(char)
            if run:
                segments.append(Segment("".join(run), (style or Style()) + marker if run_marked else style))
        return Strip(segments, strip.cell_length)


def _cell_width(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)
