"""Metadata about an open document, shared between core, UI and extensions."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from core.types.base import EntityId, FilePath, FrozenModel, Timestamp


class LineEnding(StrEnum):
    """How lines end on disk; preserved on save."""

    LF = "lf"
    CRLF = "crlf"
    CR = "cr"

    @property
    def sequence(self) -> str:
        """The characters written to disk."""
        return {"lf": "\n", "crlf": "\r\n", "cr": "\r"}[self.value]

    @property
    def label(self) -> str:
        """What the status bar shows."""
        return self.name


class DocumentMeta(FrozenModel):
    """What is known about a document besides its text."""

    id: EntityId
    path: FilePath | None = None
    language: str = "text"
    encoding: str = "utf-8"
    line_ending: LineEnding = LineEnding.LF
    has_bom: bool = False
    final_newline: bool = True
    version: int = Field(default=0, ge=0)
    dirty: bool = False
    read_only: bool = False
    modified_on_disk: Timestamp | None = None
