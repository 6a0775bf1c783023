"""Places in a terminal's whole history: what a search match or a mouse selection covers.

Coordinates are *screen* coordinates: ``y`` 0 is the oldest line kept in the scrollback, so a point stays on
the same text while the viewport scrolls (only trimming the scrollback moves it). A view converts with
``viewport_top`` (the screen row shown at the top of the viewport).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class ScreenPoint:
    """One cell: row ``y`` of the history (0 = oldest), column ``x``; ordered in reading order."""

    y: int
    x: int


@dataclass(frozen=True, slots=True)
class TextRange:
    """The cells from ``start`` to ``end`` inclusive, in reading order (a stream, not a rectangle)."""

    start: ScreenPoint
    end: ScreenPoint

    @classmethod
    def between(cls, anchor: ScreenPoint, head: ScreenPoint) -> TextRange:
        """The range a drag from ``anchor`` to ``head`` covers, whichever way the mouse went."""
        return cls(min(anchor, head), max(anchor, head))

    def contains(self, point: ScreenPoint) -> bool:
        """Whether the cell at ``point`` is inside the range."""
        return self.start <= point <= self.end

    def columns_on(self, y: int, cols: int) -> range:
        """The columns of row ``y`` (of a ``cols``-wide screen) the range covers; empty if none."""
        if not self.start.y <= y <= self.end.y:
            return range(0)
        first = self.start.x if y == self.start.y else 0
        last = self.end.x if y == self.end.y else cols - 1
        return range(max(first, 0), min(last, cols - 1) + 1)
