"""Positions, ranges and edits in a text document (0-based line and column, columns in code points)."""

from __future__ import annotations

from pydantic import Field, model_validator

from core.types.base import FrozenModel


class Position(FrozenModel):
    """A place between characters: 0-based line and column."""

    line: int = Field(ge=0)
    column: int = Field(ge=0)

    def __lt__(self, other: Position) -> bool:
        return (self.line, self.column) < (other.line, other.column)

    def __le__(self, other: Position) -> bool:
        return (self.line, self.column) <= (other.line, other.column)

    def as_tuple(self) -> tuple[int, int]:
        """(line, column), the form Textual's document API takes."""
        return (self.line, self.column)


class Range(FrozenModel):
    """A half-open span [start, end); start never comes after end."""

    start: Position
    end: Position

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.end < self.start:
            raise ValueError(f"range end {self.end.as_tuple()} comes before start {self.start.as_tuple()}")
        return self

    @classmethod
    def of(cls, start_line: int, start_col: int, end_line: int, end_col: int) -> Range:
        """Shorthand constructor."""
        return cls(start=Position(line=start_line, column=start_col), end=Position(line=end_line, column=end_col))

    @property
    def is_empty(self) -> bool:
        """True for a caret (zero-width range)."""
        return self.start == self.end

    def contains(self, pos: Position) -> bool:
        """Whether ``pos`` lies inside the half-open range."""
        return self.start <= pos and pos < self.end


class TextEdit(FrozenModel):
    """Replace ``range`` with ``new_text``: the single shape every document change takes."""

    range: Range
    new_text: str
