"""Syntax highlights computed per block of visible lines instead of for the whole file.

Textual's TextArea queries the entire syntax tree after every parse (≈150 ms for 2,000 lines of Python, and
growing with the file). The renderer only ever asks for the lines it paints, so this map answers those on
demand: the first access to a line queries tree-sitter for its 64-line block, limited to that point range.
"""

from __future__ import annotations

from collections.abc import Callable

Highlight = tuple[int, int | None, str]
"""(start column byte, end column byte or None for end of line, highlight name) — Textual's shape."""

BLOCK_LINES = 64


class LazyHighlights(dict[int, list[Highlight]]):
    """A line -> highlights mapping that fills itself one block at a time, when a line is first read."""

    def __init__(self, query_block: Callable[[int, int], dict[str, list[object]]]) -> None:
        super().__init__()
        self._query_block = query_block
        self._done: set[int] = set()

    def __bool__(self) -> bool:
        # TextArea skips highlighting entirely when the map is falsy; an unfilled map still has answers.
        return True

    def clear(self) -> None:
        super().clear()
        self._done.clear()

    def __missing__(self, line: int) -> list[Highlight]:
        block = line // BLOCK_LINES
        if block not in self._done:
            self._done.add(block)
            self._fill(block)
        return self.setdefault(line, [])

    def _fill(self, block: int) -> None:
        first = block * BLOCK_LINES
        last = first + BLOCK_LINES - 1
        captures = self._query_block(first, last + 1)
        for name, nodes in captures.items():
            for node in nodes:
                (start_row, start_col), (end_row, end_col) = node.start_point, node.end_point  # type: ignore[attr-defined]
                for row in range(max(start_row, first), min(end_row, last) + 1):
                    start = start_col if row == start_row else 0
                    end = end_col if row == end_row else None
                    self.setdefault(row, []).append((start, end, name))
