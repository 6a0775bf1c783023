"""Selections: a non-empty list of (anchor, head) ranges, one of them primary. One cursor is the one-range case.

Ranges are mapped through each change rather than recomputed, which is what makes multi-cursor editing fall out of
ordinary edits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.errors import ValidationError
from core.text.change import Change


@dataclass(frozen=True, slots=True)
class SelRange:
    """A selected span from ``anchor`` (where it started) to ``head`` (where the cursor is); equal for a caret."""

    anchor: int
    head: int

    @property
    def start(self) -> int:
        """The lower end."""
        return min(self.anchor, self.head)

    @property
    def end(self) -> int:
        """The upper end."""
        return max(self.anchor, self.head)

    @property
    def is_empty(self) -> bool:
        """True for a caret."""
        return self.anchor == self.head

    def map(self, change: Change) -> SelRange:
        """This range after ``change``: a caret stays after inserted text, a selection does not grow."""
        if self.is_empty:
            position = change.map_position(self.head, "after")
            return SelRange(position, position)
        forward = self.anchor <= self.head
        start = change.map_position(self.start, "after")
        end = change.map_position(self.end, "before")
        end = max(start, end)
        return SelRange(start, end) if forward else SelRange(end, start)


@dataclass(frozen=True, slots=True)
class Selection:
    """Non-overlapping ranges sorted by position; ``primary`` indexes the one the view follows."""

    ranges: tuple[SelRange, ...]
    primary: int = 0

    def __post_init__(self) -> None:
        if not self.ranges:
            raise ValidationError("a selection needs at least one range", hint="Use Selection.caret(0).")
        if not 0 <= self.primary < len(self.ranges):
            raise ValidationError(f"primary index {self.primary} is outside {len(self.ranges)} ranges")

    @classmethod
    def caret(cls, position: int) -> Selection:
        """A single cursor."""
        return cls((SelRange(position, position),))

    @classmethod
    def of(cls, ranges: Sequence[SelRange], primary: int = 0) -> Selection:
        """Sort ranges and merge those that overlap (or are equal carets), keeping track of the primary one."""
        if not ranges:
            raise ValidationError("a selection needs at least one range")
        chosen = ranges[primary]
        order = sorted(range(len(ranges)), key=lambda i: (ranges[i].start, ranges[i].end))
        merged: list[SelRange] = []
        new_primary = 0
        for index in order:
            current = ranges[index]
            if merged and (
                current.start < merged[-1].end
                or (current.start == merged[-1].end and (current.is_empty or merged[-1].is_empty))
            ):
                last = merged[-1]
                start, end = min(last.start, current.start), max(last.end, current.end)
                forward = last.anchor <= last.head
                merged[-1] = SelRange(start, end) if forward else SelRange(end, start)
            else:
                merged.append(current)
            if current is chosen or current == chosen:
                new_primary = len(merged) - 1
        return cls(tuple(merged), new_primary)

    @property
    def main(self) -> SelRange:
        """The primary range."""
        return self.ranges[self.primary]

    def map(self, change: Change) -> Selection:
        """Every range mapped through ``change`` (ranges that collapse together merge)."""
        return Selection.of([r.map(change) for r in self.ranges], self.primary)

    def add(self, sel_range: SelRange) -> Selection:
        """This selection plus one more range, which becomes primary."""
        ranges = [*self.ranges, sel_range]
        return Selection.of(ranges, len(ranges) - 1)

    def replace_each(self, length: int, text: str | Sequence[str]) -> Change:
        """The change that replaces every range with ``text`` (or with one text per range, e.g. a paste
        with as many lines as cursors)."""
        texts = [text] * len(self.ranges) if isinstance(text, str) else list(text)
        if len(texts) != len(self.ranges):
            raise ValidationError(f"{len(texts)} texts for {len(self.ranges)} selections")
        return Change.from_edits(length, [(r.start, r.end, t) for r, t in zip(self.ranges, texts, strict=True)])
