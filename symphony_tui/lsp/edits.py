"""Applying language-server edits to open editors: one undo step per change, cursors kept where they belong."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.widgets.text_area import Edit

from core.types.text import TextEdit

if TYPE_CHECKING:
    from symphony_tui.widgets.editor import Editor


def apply_to_editor(editor: Editor, edits: Sequence[TextEdit]) -> None:
    """Apply code-point ``edits`` ordered last-first (as ``core.lsp.to_core_edits`` gives them) as one undo step.

    The cursor stays on the same text: edits before it move it by their line and column shift.
    """
    if not edits:
        return
    cursor = editor.cursor_location
    with editor.history.group():
        for change in edits:
            start, end = change.range.start.as_tuple(), change.range.end.as_tuple()
            result = editor.edit(Edit(change.new_text, start, end, False))
            cursor = _map(cursor, start, end, result.end_location)
    last = editor.document.line_count - 1
    row = min(cursor[0], last)
    editor.move_cursor((row, min(cursor[1], len(editor.document[row]))))


def _map(
    location: tuple[int, int], start: tuple[int, int], end: tuple[int, int], new_end: tuple[int, int]
) -> tuple[int, int]:
    # Inside a replaced span (a formatter rewriting a block) the cursor keeps its line and column.
    if location < end:
        return location
    if location[0] == end[0]:
        return (new_end[0], new_end[1] + location[1] - end[1])
    return (location[0] + new_end[0] - end[0], location[1])
