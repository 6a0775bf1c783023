"""Location arithmetic for multiple cursors: mapping through edits, words, occurrences, and an atomic undo group.

Locations are Textual's (row, column) tuples. Edits for several cursors are applied bottom-up, so each edit
leaves the locations above it untouched; the cursors already placed below it are mapped through it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from textual.document._edit import Edit
from textual.document._history import EditHistory
from textual.widgets.text_area import Selection

Location = tuple[int, int]

_WORD = re.compile(r"\w+")


def map_location(location: Location, start: Location, old_end: Location, new_end: Location) -> Location:
    """Where ``location`` moves when [start, old_end) is replaced by text ending at ``new_end``."""
    if location <= start:
        return location
    if location < old_end:
        return new_end
    row, column = location
    if row == old_end[0]:
        return (new_end[0], new_end[1] + column - old_end[1])
    return (row + new_end[0] - old_end[0], column)


def map_selection(selection: Selection, start: Location, old_end: Location, new_end: Location) -> Selection:
    """A selection with both ends mapped through an edit."""
    return Selection(
        map_location(selection.start, start, old_end, new_end), map_location(selection.end, start, old_end, new_end)
    )


def word_at(line: str, column: int) -> tuple[int, int] | None:
    """Columns [start, end) of the word touching ``column`` in ``line``, if any."""
    for match in _WORD.finditer(line):
        if match.start() <= column <= match.end():
            return match.start(), match.end()
    return None


def find_occurrence(lines: Sequence[str], needle: str, after: Location) -> tuple[Location, Location] | None:
    """The first occurrence of ``needle`` (single-line) at or after ``after``, wrapping round the document."""
    if not needle or "\n" in needle:
        return None
    row, column = after
    count = len(lines)
    for step in range(count + 1):
        index = (row + step) % count
        line = lines[index]
        if step == 0:
            found = line.find(needle, column)
        elif step == count:  # wrapped back to the starting row: only matches before ``after`` are new
            found = line.find(needle)
            found = found if 0 <= found < column else -1
        else:
            found = line.find(needle)
        if found >= 0:
            return (index, found), (index, found + len(needle))
    return None


def find_all(lines: Sequence[str], needle: str) -> list[tuple[Location, Location]]:
    """Every non-overlapping occurrence of a single-line ``needle``, in document order."""
    if not needle or "\n" in needle:
        return []
    found: list[tuple[Location, Location]] = []
    for row, line in enumerate(lines):
        start = line.find(needle)
        while start >= 0:
            found.append(((row, start), (row, start + len(needle))))
            start = line.find(needle, start + len(needle))
    return found


class GroupingHistory(EditHistory):
    """Textual's edit history, plus groups: every edit recorded inside ``group()`` undoes as one step."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._group: list[Edit] | None = None

    @contextmanager
    def group(self) -> Iterator[None]:
        """Record the edits made inside as a single undo batch (nested groups join the outer one)."""
        if self._group is not None:
            yield
            return
        self._group = []
        try:
            yield
        finally:
            edits, self._group = self._group, None
            if edits:
                self._undo_stack.append(edits)
                self._redo_stack.clear()
                self.checkpoint()

    def record(self, edit: Edit) -> None:
        if self._group is not None:
            if edit._edit_result is not None and (edit.text or edit._edit_result.replaced_text):
                self._group.append(edit)
            return
        super().record(edit)
