"""Syntax highlights computed for the lines being painted instead of for the whole file.

Textual's TextArea queries the entire syntax tree after every parse (≈150 ms for 2,000 lines of Python, and
growing with the file). The renderer only ever asks for the lines it paints, so this map answers those on
demand: the first access to a line queries tree-sitter for the not-yet-known lines of its 64-line block, limited
to that point range. After an edit only the edited lines are forgotten; the others move with the line shift.
"""

from __future__ import annotations

from collections.abc import Callable

Highlight = tuple[int, int | None, str]
"""(start column byte, end column byte or None for end of line, highlight name) — Textual's shape."""

BLOCK_LINES = 64
MAX_CACHED_LINES = 8192
"""Beyond this many known lines an edit forgets everything rather than shifting them all."""


class LazyHighlights(dict[int, list[Highlight]]):
    """A line -> highlights mapping that fills itself when a line is first read."""

    def __init__(self, query_rows: Callable[[int, int], dict[str, list[object]]]) -> None:
        super().__init__()
        self._query_rows = query_rows
        self._known: set[int] = set()

    def __bool__(self) -> bool:
        # TextArea skips highlighting entirely when the map is falsy; an unfilled map still has answers.
        return True

    def clear(self) -> None:
        super().clear()
        self._known.clear()

    def __missing__(self, line: int) -> list[Highlight]:
        if line not in self._known:
            known = self._known
            block_first = line - line % BLOCK_LINES
            first = line
            while first > block_first and first - 1 not in known:
                first -= 1
            end = line + 1
            while end < block_first + BLOCK_LINES and end not in known:
                end += 1
            self._fill(first, end)
        return self.setdefault(line, [])

    def edited(self, first: int, old_last: int, new_last: int) -> None:
        """Forget rows ``first..old_last`` (now ``first..new_last``) and move the rows below by the line shift."""
        if len(self._known) > MAX_CACHED_LINES:
            self.clear()
            return
        shift = new_last - old_last
        known = self._known
        if not shift:
            for row in range(first, old_last + 1):
                known.discard(row)
                self.pop(row, None)
            return

        def moved(row: int) -> int:
            return row + shift if row > old_last else row

        kept = {moved(row): spans for row, spans in self.items() if not first <= row <= old_last}
        self._known = {moved(row) for row in known if not first <= row <= old_last}
        super().clear()
        self.update(kept)

    def _fill(self, first: int, end: int) -> None:
        captures = self._query_rows(first, end)
        last = end - 1
        for name, nodes in captures.items():
            for node in nodes:
                (start_row, start_col), (end_row, end_col) = node.start_point, node.end_point  # type: ignore[attr-defined]
                for row in range(max(start_row, first), min(end_row, last) + 1):
                    start = start_col if row == start_row else 0
                    stop = end_col if row == end_row else None
                    self.setdefault(row, []).append((start, stop, name))
        self._known.update(range(first, end))
