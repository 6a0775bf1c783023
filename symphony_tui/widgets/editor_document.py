"""The editor's document and wrapping model, with the per-keystroke costs of Textual's versions removed.

Textual's ``Document.get_size`` measures every line, ``WrappedDocument.height`` sums every line's wrap offsets
and ``wrap(0)`` walks every line even when nothing wraps; each runs on every keystroke or render, so a 100,000-line
file costs hundreds of milliseconds per key. Here line widths are counted incrementally, the byte offsets
tree-sitter needs come from lazily summed blocks of lines, and an unwrapped document answers from its line count.
"""

from __future__ import annotations

import gc
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterator
from typing import overload

from rich.cells import cell_len
from textual._wrap import compute_wrap_offsets
from textual.document._document import Document, EditResult, Location
from textual.document._wrapped_document import WrappedDocument
from textual.expand_tabs import get_tab_widths
from textual.geometry import Size

ByteEdit = tuple[int, int, tuple[int, int], tuple[int, int], int, tuple[int, int]]
"""(start_byte, old_end_byte, start_point, old_end_point, new_end_byte, new_end_point), points being
(row, byte column): what ``tree_sitter.Tree.edit`` takes."""


def line_width(line: str, tab_width: int) -> int:
    """Cells a line occupies (tabs expanded); the ASCII, tab-free case is just its length."""
    if line.isascii() and "\t" not in line:
        return len(line)
    return cell_len(line.expandtabs(tab_width))


def line_bytes(line: str) -> int:
    """UTF-8 length of a line."""
    return len(line) if line.isascii() else len(line.encode("utf-8"))


class LineByteOffsets:
    """Byte offset of a (row, column) without summing every line above it on each call.

    Lines are grouped in blocks whose byte totals are cached; an edit at row ``r`` invalidates the blocks from
    ``r``'s onwards, and they are summed again only when a later query reaches past them. Typing at one place
    therefore costs one partial block per query.
    """

    BLOCK = 256

    def __init__(self, lines: list[str], newline_length: int) -> None:
        self._lines = lines
        self._newline = newline_length
        self._sums: list[int] = []  # cumulative bytes at the end of each valid leading block

    def invalidate_from(self, row: int) -> None:
        """Forget cached totals for blocks at or after ``row``'s block."""
        del self._sums[row // self.BLOCK :]

    def offset(self, location: Location) -> int:
        """The UTF-8 byte offset of ``location`` in ``newline.join(lines)``."""
        row, column = location
        lines = self._lines
        block = row // self.BLOCK
        sums = self._sums
        size = self.BLOCK
        newline = self._newline
        while len(sums) < block:
            b = len(sums)
            chunk = lines[b * size : (b + 1) * size]
            # Joined and measured in C: a Python call per line made summing a 100,000-line file take ~40 ms.
            joined = "".join(chunk)
            total = (len(joined) if joined.isascii() else len(joined.encode("utf-8"))) + newline * len(chunk)
            sums.append((sums[-1] if sums else 0) + total)
        offset = sums[block - 1] if block else 0
        for line in lines[block * size : row]:
            offset += line_bytes(line) + newline
        if row < len(lines):
            offset += line_bytes(lines[row][:column])
        return offset


class EditorDocument(Document):
    """Textual's line-list document plus an incremental width census and a hook for the syntax tree."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.byte_offsets = LineByteOffsets(self._lines, len(self.newline))
        """Byte offsets for tree-sitter edits."""
        self.on_replace: Callable[[int, int, int, ByteEdit | None], None] | None = None
        """Called after each edit with (first row, old last row, new last row, byte edit or None)."""
        self.track_bytes = False
        """Whether edits report byte offsets (needed only by a syntax tree)."""
        self.on_text_replaced: Callable[[Location, Location, str], None] | None = None
        """Called after each edit with the replaced span (before-edit locations, columns clamped) and the new
        text: what an incremental language-server sync sends."""
        self._tab_width = 0
        self._widths: Counter[int] = Counter()
        self.line_endings: list[str] | None = None
        """For files that mixed line endings: the ending after each line (one fewer than the lines), kept
        through edits; breaks typed by the user get ``default_line_ending``."""
        self.default_line_ending = "lf"
        """The dominant ending, for new line breaks in a mixed file."""

    def replace_range(self, start: Location, end: Location, text: str) -> EditResult:
        top, bottom = sorted((start, end))
        lines = self._lines
        hook = self.on_replace
        text_hook = self.on_text_replaced
        if text_hook is not None:
            last = len(lines) - 1
            top = (min(top[0], last), min(top[1], len(lines[min(top[0], last)])))
            bottom = (min(bottom[0], last), min(bottom[1], len(lines[min(bottom[0], last)])))
        track_bytes = self.track_bytes
        if track_bytes:
            start_byte = self.byte_offsets.offset(top)
            old_end_byte = self.byte_offsets.offset(bottom)
            start_point = (top[0], self._point_column(top))
            old_end_point = (bottom[0], self._point_column(bottom))
        tab_width = self._tab_width
        if tab_width:
            widths = self._widths
            for line in lines[top[0] : bottom[0] + 1]:
                widths[line_width(line, tab_width)] -= 1
        result = super().replace_range(start, end, text)
        new_bottom = result.end_location[0]
        if self.line_endings is not None:
            self.line_endings[top[0] : bottom[0]] = [self.default_line_ending] * (new_bottom - top[0])
        if tab_width:
            for line in lines[top[0] : new_bottom + 1]:
                widths[line_width(line, tab_width)] += 1
        self.byte_offsets.invalidate_from(top[0])
        if hook is not None:
            byte_edit: ByteEdit | None = None
            if track_bytes:
                end_location = result.end_location
                new_end_byte = self.byte_offsets.offset(end_location)
                new_end_point = (end_location[0], self._point_column(end_location))
                byte_edit = (start_byte, old_end_byte, start_point, old_end_point, new_end_byte, new_end_point)
            hook(top[0], bottom[0], new_bottom, byte_edit)
        if text_hook is not None:
            text_hook(top, bottom, text)
        return result

    def _point_column(self, location: Location) -> int:
        row, column = location
        if row >= len(self._lines):
            return 0
        return line_bytes(self._lines[row][:column])

    def get_size(self, tab_width: int) -> Size:
        if tab_width != self._tab_width:
            self._tab_width = tab_width
            self._widths = Counter(line_width(line, tab_width) for line in self._lines)
        widths = self._widths
        for width in [w for w, n in widths.items() if n <= 0]:
            del widths[width]
        return Size(max(widths, default=0), len(self._lines))


class _NoWrapLineInfo:
    """``_offset_to_line_info`` of an unwrapped document: visual row y is line y, section 0."""

    def __init__(self, document: Document) -> None:
        self._document = document

    def __len__(self) -> int:
        return self._document.line_count

    @overload
    def __getitem__(self, index: int) -> tuple[int, int]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, int]]: ...
    def __getitem__(self, index: int | slice) -> tuple[int, int] | list[tuple[int, int]]:
        count = len(self)
        if isinstance(index, slice):
            return [(y, 0) for y in range(*index.indices(count))]
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError(index)
        return (index, 0)


class _NoWrapLineOffsets(_NoWrapLineInfo):
    """``_line_index_to_offsets`` of an unwrapped document: line i sits at visual row i."""

    def __getitem__(self, index: int | slice) -> list[int]:  # type: ignore[override]
        row = super().__getitem__(index)
        if isinstance(row, list):
            raise TypeError("slices are not used on an unwrapped document")
        return [row[0]]


class _NoWrapOffsets(_NoWrapLineInfo):
    """``_wrap_offsets`` of an unwrapped document: no line has a wrap point."""

    def __getitem__(self, index: int | slice) -> list[int]:  # type: ignore[override]
        super().__getitem__(index)
        return []


class _TabWidths(_NoWrapLineInfo):
    """``_tab_width_cache`` computed per line on demand instead of for the whole document up front."""

    def __init__(self, document: Document, tab_width: Callable[[], int]) -> None:
        super().__init__(document)
        self._tab_width = tab_width

    def __getitem__(self, index: int | slice) -> list[int]:  # type: ignore[override]
        row = super().__getitem__(index)
        if isinstance(row, list):
            raise TypeError("slices are not used on tab widths")
        return [width for _, width in get_tab_widths(self._document[row[0]], self._tab_width())]

    def __iter__(self) -> Iterator[list[int]]:
        return (self[i] for i in range(len(self)))


_NO_OFFSETS: tuple[int, ...] = ()


class VisualRows:
    """Where each document line starts among the visual (wrapped) rows, from per-line row counts.

    Textual keeps a list entry per visual row and a list of rows per line, and after an edit that changes a
    line's row count rewrites every entry below it in Python (tens of milliseconds per key on 100,000 lines).
    Here an edit replaces the edited lines' counts; the running totals are kept per block of lines and summed
    again, in C, only from the edited block on, when next asked.
    """

    BLOCK = 256

    def __init__(self, heights: list[int]) -> None:
        self.heights = heights
        """Visual rows of each document line (1 + its wrap points)."""
        self._sums: list[int] = []  # rows up to the end of each leading block whose total is known

    def replace(self, first: int, old_end: int, heights: list[int]) -> None:
        """Lines ``first..old_end`` (exclusive) are now ``len(heights)`` lines of these row counts."""
        self.heights[first:old_end] = heights
        del self._sums[first // self.BLOCK :]

    def _sum_blocks(self, count: int) -> None:
        sums, heights, size = self._sums, self.heights, self.BLOCK
        while len(sums) < count:
            block = len(sums)
            sums.append((sums[-1] if sums else 0) + sum(heights[block * size : (block + 1) * size]))

    def first_row(self, line: int) -> int:
        """The visual row where ``line`` starts."""
        block = line // self.BLOCK
        self._sum_blocks(block)
        return (self._sums[block - 1] if block else 0) + sum(self.heights[block * self.BLOCK : line])

    @property
    def total(self) -> int:
        """All visual rows."""
        self._sum_blocks(-(-len(self.heights) // self.BLOCK))
        return self._sums[-1] if self._sums else 0

    def locate(self, row: int) -> tuple[int, int]:
        """(line, section) shown on visual ``row``; IndexError past the end."""
        total = self.total
        if row < 0:
            row += total
        if not 0 <= row < total:
            raise IndexError(row)
        block = bisect_right(self._sums, row)
        line = block * self.BLOCK
        start = self._sums[block - 1] if block else 0
        heights = self.heights
        while start + heights[line] <= row:
            start += heights[line]
            line += 1
        return line, row - start


class _WrappedLineInfo:
    """``_offset_to_line_info`` of a wrapped document: visual row -> (line, section)."""

    def __init__(self, rows: VisualRows) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return self._rows.total

    def __getitem__(self, row: int) -> tuple[int, int]:
        return self._rows.locate(row)


class _WrappedLineOffsets:
    """``_line_index_to_offsets`` of a wrapped document: line -> its visual rows."""

    def __init__(self, rows: VisualRows) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows.heights)

    def __getitem__(self, line: int) -> list[int]:
        heights = self._rows.heights
        if line < 0:
            line += len(heights)
        if not 0 <= line < len(heights):
            raise IndexError(line)
        first = self._rows.first_row(line)
        return list(range(first, first + heights[line]))


class FastWrappedDocument(WrappedDocument):
    """A WrappedDocument whose unwrapped state costs nothing per edit, whose wrapped edits cost the edited lines
    (not the document), and whose height is O(1) unwrapped."""

    _rows: VisualRows
    rows_moved = True
    """Whether the last ``wrap_range`` changed the visual rows of anything below the edit (its lines now take
    a different number of rows, or there are more or fewer lines)."""

    def wrap(self, width: int, tab_width: int | None = None) -> None:
        if width:
            self._wrap_all(width, tab_width)
            return
        self._width = 0
        if tab_width:
            self._tab_width = tab_width
        document = self.document
        assert isinstance(document, Document)
        self._offset_to_line_info = _NoWrapLineInfo(document)  # type: ignore[assignment]
        self._line_index_to_offsets = _NoWrapLineOffsets(document)  # type: ignore[assignment]
        self._wrap_offsets = _NoWrapOffsets(document)  # type: ignore[assignment]
        self._tab_width_cache = _TabWidths(document, lambda: self._tab_width)  # type: ignore[assignment]

    def _wrap_all(self, width: int, tab_width: int | None) -> None:
        """Textual's ``wrap`` without its per-line cost for lines that fit: only lines wider than ``width``
        are split at word boundaries (code is mostly short lines; 100,000 of them took 7 s, now a fraction)."""
        self._width = width
        if tab_width:
            self._tab_width = tab_width
        tab_size = self._tab_width
        gc_was_enabled = gc.isenabled()
        gc.disable()  # hundreds of thousands of small lists: no cycles among them, nothing to collect
        try:
            self._wrap_lines(width, tab_size)
        finally:
            if gc_was_enabled:
                gc.enable()

    def _wrap_lines(self, width: int, tab_size: int) -> None:
        self.rows_moved = True
        wrap_offsets, tab_widths, heights = self._wrap_some(self.document.lines, width, tab_size)
        self._wrap_offsets = wrap_offsets
        self._tab_width_cache = tab_widths
        self._rows = VisualRows(heights)
        self._offset_to_line_info = _WrappedLineInfo(self._rows)  # type: ignore[assignment]
        self._line_index_to_offsets = _WrappedLineOffsets(self._rows)  # type: ignore[assignment]

    @staticmethod
    def _wrap_some(lines: list[str], width: int, tab_size: int) -> tuple[list[list[int]], list[list[int]], list[int]]:
        """Wrap points, tab widths and row counts of ``lines``."""
        wrap_offsets: list[list[int]] = []
        tab_widths: list[list[int]] = []
        heights: list[int] = []
        for line in lines:
            if len(line) <= width and line.isascii() and "\t" not in line:
                # Shared empty tuples: read-only here, and not tracked by the garbage collector (a full
                # collection walked hundreds of thousands of small lists).
                wrap_offsets.append(_NO_OFFSETS)  # type: ignore[arg-type]
                tab_widths.append(_NO_OFFSETS)  # type: ignore[arg-type]
                heights.append(1)
                continue
            sections = get_tab_widths(line, tab_size)
            offsets = compute_wrap_offsets(line, width, tab_size=tab_size, precomputed_tab_sections=sections)
            wrap_offsets.append(offsets)
            tab_widths.append([w for _, w in sections])
            heights.append(len(offsets) + 1)
        return wrap_offsets, tab_widths, heights

    def wrap_range(self, start: Location, old_end: Location, new_end: Location) -> None:
        # Unwrapped, the views read the document: nothing to update. Wrapped, only the edited lines are wrapped
        # again; the rows below move by a change of block totals (Textual rewrote an entry per row below).
        if not self._width:
            return
        line_count = self.document.line_count
        old_count = len(self._wrap_offsets)
        top = max(0, min(start[0], old_end[0], line_count - 1, old_count - 1))
        old_bottom = min(max(start[0], old_end[0]), old_count - 1)
        new_bottom = min(max(start[0], new_end[0]), line_count - 1)
        lines = self.document.lines[top : new_bottom + 1]
        wrap_offsets, tab_widths, heights = self._wrap_some(lines, self._width, self._tab_width)
        self._wrap_offsets[top : old_bottom + 1] = wrap_offsets
        self._tab_width_cache[top : old_bottom + 1] = tab_widths
        old_heights = self._rows.heights[top : old_bottom + 1]
        self.rows_moved = old_heights != heights
        self._rows.replace(top, old_bottom + 1, heights)

    @property
    def height(self) -> int:
        # One entry per visual row, so its length is the height (Textual sums every line's offsets here).
        return len(self._offset_to_line_info)
