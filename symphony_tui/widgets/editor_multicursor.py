"""Multiple cursors for the editor: secondary selections that type, delete, paste and move with the primary one.

Edits for all cursors are applied bottom-up as one undo group; the cursors already placed are mapped through
each later edit (``editor_cursors``). Secondary cursors are drawn over the rendered line.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.document._edit import Edit
from textual.expand_tabs import expand_tabs_inline
from textual.strip import Strip
from textual.widgets import TextArea
from textual.widgets.text_area import Selection

from symphony_tui.widgets.editor_cursors import (
    GroupingHistory,
    Location,
    find_all,
    find_occurrence,
    map_selection,
    word_at,
)


class MultiCursorMixin(TextArea):
    """Secondary cursors on a TextArea whose ``history`` is a ``GroupingHistory``."""

    extra_selections: list[Selection]
    history: GroupingHistory

    def _extras_on_row(self, row: int) -> tuple[Selection, ...]:
        if not self.extra_selections or self.soft_wrap:
            return ()
        return tuple(s for s in self.extra_selections if min(s)[0] <= row <= max(s)[0])

    def _render_line(self, y: int) -> Strip:
        strip = super()._render_line(y)
        extras = self._extras_on_row(self.scroll_offset[1] + y)
        theme = self._theme
        if not extras or theme is None:
            return strip
        row = self.scroll_offset[1] + y
        line = self.document[row]
        gutter = self.gutter_width
        offset = gutter - self.scroll_offset[0]

        def cell(column: int) -> int:
            return offset + len(expand_tabs_inline(line[:column], self.indent_width))

        for extra in extras:
            top, bottom = sorted(extra)
            if top != bottom and theme.selection_style is not None:
                first = cell(top[1]) if top[0] == row else offset
                last = cell(bottom[1]) if bottom[0] == row else cell(len(line)) + 1
                # Scrolled sideways, the part left of the view stays out of the gutter.
                strip = _restyle(strip, max(first, gutter), last, theme.selection_style)
            if extra.end[0] == row and theme.cursor_style is not None:
                at = cell(extra.end[1])
                if at >= gutter:  # else scrolled out of view on the left, not drawn over the gutter
                    strip = _restyle(strip, at, at + 1, theme.cursor_style)
        return strip

    # ----------------------------------------------------------------- multiple cursors

    @property
    def all_selections(self) -> list[Selection]:
        """Every selection, primary first."""
        return [self.selection, *self.extra_selections]

    def set_selections(self, selections: list[Selection]) -> None:
        """Make the first selection primary and the rest secondary (duplicates dropped)."""
        primary, *extras = selections
        seen = {primary}
        unique = []
        for extra in extras:
            if extra not in seen:
                seen.add(extra)
                unique.append(extra)
        self.extra_selections = unique
        self.selection = primary
        self.refresh()

    def clear_extra_cursors(self) -> bool:
        """Back to one cursor; False if there was only one."""
        if not self.extra_selections:
            return False
        self.extra_selections = []
        self.refresh()
        return True

    def add_cursor_vertically(self, direction: int) -> None:
        """Add a cursor on the line above (-1) or below (+1) the outermost cursor, at the same column (the
        repeated form is a column selection)."""
        cursors = [s.end for s in self.all_selections]
        origin = min(cursors) if direction < 0 else max(cursors)
        row = origin[0] + direction
        if not 0 <= row < self.document.line_count:
            return
        column = min(origin[1], len(self.document[row]))
        self.set_selections([Selection.cursor((row, column)), *self.all_selections])
        self.scroll_cursor_visible()

    def add_next_occurrence(self) -> None:
        """Ctrl+D: select the word at the cursor, or add the next occurrence of the selected text."""
        selection = self.selection
        if selection.is_empty:
            row, column = selection.end
            word = word_at(self.document[row], column)
            if word is not None:
                self.selection = Selection((row, word[0]), (row, word[1]))
            return
        needle = self.selected_text
        after = max(max(s) for s in self.all_selections)
        found = find_occurrence(self.document.lines, needle, after)
        if found is None:
            return
        new = Selection(*found)
        if any(sorted(s) == sorted(new) for s in self.all_selections):
            return
        self.set_selections([new, *self.all_selections])
        self.scroll_cursor_visible()

    def select_all_occurrences(self) -> None:
        """Select every occurrence of the selection (or of the word at the cursor)."""
        if self.selection.is_empty:
            self.add_next_occurrence()
        needle = self.selected_text
        matches = find_all(self.document.lines, needle)
        if not matches:
            return
        current = sorted(self.selection)
        primary = next((Selection(*m) for m in matches if list(m) == current), Selection(*matches[0]))
        self.set_selections([primary, *(Selection(*m) for m in matches if Selection(*m) != primary)])

    def edit_each(self, replacement: str | list[str], *, delete: str | None = None) -> None:
        """Apply one edit per cursor as a single undo step: replace each selection with ``replacement`` (one
        text per cursor when a list), or, for empty selections and ``delete`` = 'left'/'right', delete a character.
        """
        selections = self.all_selections
        texts = replacement if isinstance(replacement, list) else [replacement] * len(selections)
        plan: list[tuple[Location, Location, str, int]] = []
        for index, (selection, text) in enumerate(zip(selections, texts, strict=True)):
            start, end = sorted(selection)
            if start == end and delete == "left":
                start = self.navigator.get_location_left(start)
            elif start == end and delete == "right":
                end = self.navigator.get_location_right(end)
            plan.append((start, end, text, index))
        plan.sort(reverse=True)
        results: dict[int, Selection] = {}
        last_start: Location | None = None
        with self.history.group():
            for start, end, text, index in plan:
                if last_start is not None and end > last_start:
                    end = max(start, last_start)  # overlapping cursors: never edit the same text twice
                result = self.edit(Edit(text, start, end, False))
                new_end = result.end_location
                for key, placed in results.items():
                    results[key] = map_selection(placed, start, end, new_end)
                results[index] = Selection.cursor(new_end)
                last_start = start
        self.set_selections([results[i] for i in range(len(selections))])
        self.scroll_cursor_visible()

    def _move_extras(self, how: str, select: bool) -> None:
        navigator = self.navigator
        moved = []
        for extra in self.extra_selections:
            head = extra.end
            if how == "left":
                target = navigator.get_location_left(head) if select or extra.is_empty else min(extra)
            elif how == "right":
                target = navigator.get_location_right(head) if select or extra.is_empty else max(extra)
            elif how == "up":
                target = navigator.get_location_above(head)
            elif how == "down":
                target = navigator.get_location_below(head)
            elif how == "home":
                target = (head[0], 0)
            else:
                target = (head[0], len(self.document[head[0]]))
            moved.append(Selection(extra.start if select else target, target))
        self.extra_selections = moved

    def action_cursor_left(self, select: bool = False) -> None:
        self._move_extras("left", select)
        super().action_cursor_left(select)

    def action_cursor_right(self, select: bool = False) -> None:
        self._move_extras("right", select)
        super().action_cursor_right(select)

    def action_cursor_up(self, select: bool = False) -> None:
        self._move_extras("up", select)
        super().action_cursor_up(select)

    def action_cursor_down(self, select: bool = False) -> None:
        self._move_extras("down", select)
        super().action_cursor_down(select)

    def action_cursor_line_start(self, select: bool = False) -> None:
        self._move_extras("home", select)
        super().action_cursor_line_start(select)

    def action_cursor_line_end(self, select: bool = False) -> None:
        self._move_extras("end", select)
        super().action_cursor_line_end(select)

    def action_cursor_document_start(self, select: bool = False) -> None:
        """ctrl+home: to the first character, leaving one cursor (as VS Code and Helix's ``gg``)."""
        self.extra_selections = []
        self.move_cursor((0, 0), select=select)

    def action_cursor_document_end(self, select: bool = False) -> None:
        """ctrl+end: past the last character, leaving one cursor."""
        self.extra_selections = []
        last = self.document.line_count - 1
        self.move_cursor((last, len(self.document[last])), select=select)

    def action_select_all(self) -> None:
        """ctrl+a: the whole document in one selection (VS Code's and Micro's key; Textual's moved to line start)."""
        self.extra_selections = []
        super().action_select_all()

    def action_delete_left(self) -> None:
        if self.extra_selections and not self.read_only:
            self.edit_each("", delete="left")
            return
        super().action_delete_left()

    def action_delete_right(self) -> None:
        if self.extra_selections and not self.read_only:
            self.edit_each("", delete="right")
            return
        super().action_delete_right()

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            # Textual's TextArea moves focus to the next widget on escape (with tab indenting, its way out); in an
            # editor escape is pressed all the time, and the next widget is the explorer, whose letters are
            # commands. So escape clears extra cursors, else the selection, and keeps the focus (F6 moves it).
            event.stop()
            event.prevent_default()
            if not self.clear_extra_cursors() and not self.selection.is_empty:
                self.selection = Selection.cursor(self.selection.end)
            return
        if event.key in ("tab", "shift+tab") and not self.read_only:
            start, end = sorted(self.selection)
            if event.key == "shift+tab" or start[0] != end[0]:
                event.stop()
                event.prevent_default()
                self.indent_lines(1 if event.key == "tab" else -1)
                return
        if self.extra_selections and not self.read_only:
            inserts = {"enter": "\n", "tab": "\t" if self.indent_type == "tabs" else " " * self.indent_width}
            if event.is_printable or event.key in inserts:
                event.stop()
                event.prevent_default()
                self.edit_each(inserts.get(event.key) or event.character or "")
        # Otherwise Textual goes on to call TextArea._on_key itself (handlers run along the MRO).

    async def _on_paste(self, event: events.Paste) -> None:
        if self.extra_selections and not self.read_only:
            event.stop()
            event.prevent_default()  # TextArea._on_paste would paste again at the primary cursor
            lines = event.text.splitlines()
            count = len(self.all_selections)
            # As in VS Code: as many pasted lines as cursors puts one line at each cursor.
            self.edit_each(lines if len(lines) == count else event.text)

    def undo(self) -> None:
        self.clear_extra_cursors()
        super().undo()

    def redo(self) -> None:
        self.clear_extra_cursors()
        super().redo()


def _restyle(strip: Strip, start: int, end: int, style: Style) -> Strip:
    """``strip`` with ``style`` laid over cells [start, end)."""
    start = max(0, start)
    end = min(strip.cell_length, end)
    if start >= end:
        return strip
    left, middle, right = strip.divide([start, end, strip.cell_length])
    middle = Strip([Segment(text, (seg_style or Style()) + style, control) for text, seg_style, control in middle])
    return Strip.join([left, middle, right])
