"""A UiPort with no screen: documents are TextBuffers, dialogs answer from a script, the rest is recorded.

Runs extensions without the Textual app: ``symphony serve``-style headless use, the integration tests and the
extensions benchmark. The real app implements UiPort over its widgets (symphony_tui/extensions_service.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import NotFoundError, ValidationError
from core.extensions.ports import NotifyLevel
from core.text.buffer import TextBuffer
from core.text.change import Change
from core.types.base import new_entity_id
from core.types.document import DocumentMeta
from core.types.text import Position, TextEdit

CommandHandler = Callable[..., Awaitable[Any]]


@dataclass(slots=True)
class HeadlessDocument:
    """An open document: metadata plus the buffer that owns its text and undo history."""

    meta: DocumentMeta
    buffer: TextBuffer

    def offset(self, position: Position) -> int:
        """The character offset of ``position``, columns clamped to the line's end."""
        text = self.buffer.text
        start = 0
        for _ in range(position.line):
            newline = text.find("\n", start)
            if newline < 0:
                raise ValidationError(
                    f"line {position.line} is past the end of document {self.meta.id}",
                    hint="Ask for the text again: the document changed since the edit was computed.",
                    data={"document": self.meta.id, "line": position.line},
                )
            start = newline + 1
        end = text.find("\n", start)
        return min(start + position.column, len(text) if end < 0 else end)

    def position(self, offset: int) -> Position:
        """The (line, column) of a character offset."""
        before = self.buffer.text[:offset]
        line = before.count("\n")
        return Position(line=line, column=offset - (before.rfind("\n") + 1))


@dataclass(slots=True)
class HeadlessUi:
    """Implements core.extensions.ports.UiPort in memory."""

    answers: list[Any] = field(default_factory=list)
    """Scripted replies to quick picks (an index) and input boxes (a string); None means dismissed."""
    commands: dict[str, CommandHandler] = field(default_factory=dict)
    """App commands reachable through ``ctx.commands.execute``."""
    documents: dict[str, HeadlessDocument] = field(default_factory=dict)
    active_id: str | None = None
    notifications: list[tuple[str, NotifyLevel, str]] = field(default_factory=list)
    """(extension id, level, message)."""
    status_items: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    """(extension id, item id) -> item."""
    progress_log: list[tuple[str, str, str, float | None, bool]] = field(default_factory=list)
    terminals: dict[str, list[str]] = field(default_factory=dict)
    _terminal_ids: Iterator[int] = field(default_factory=itertools.count, repr=False)

    def open_document(self, text: str = "", *, path: Path | None = None, language: str = "text") -> HeadlessDocument:
        """Open a document and give it the focus."""
        document = HeadlessDocument(
            DocumentMeta(id=new_entity_id("doc-"), path=path, language=language), TextBuffer(text)
        )
        self.documents[document.meta.id] = document
        self.active_id = document.meta.id
        return document

    def document(self, document_id: str | None) -> HeadlessDocument:
        """An open document by id, or the active one; NotFoundError otherwise."""
        wanted = document_id if document_id is not None else self.active_id
        found = self.documents.get(wanted) if wanted is not None else None
        if found is None:
            raise NotFoundError(
                f"no open document {wanted!r}" if wanted else "no document is open",
                hint="Open a document first, or pass the id of an open one.",
                data={"document": wanted},
            )
        return found

    async def active_document(self) -> DocumentMeta | None:
        if self.active_id is None:
            return None
        document = self.documents[self.active_id]
        return document.meta.model_copy(update={"version": document.buffer.version})

    async def get_text(self, document_id: str | None) -> str:
        return self.document(document_id).buffer.text

    async def get_selections(self, document_id: str | None) -> list[tuple[Position, Position]]:
        document = self.document(document_id)
        return [(document.position(r.anchor), document.position(r.head)) for r in document.buffer.selection.ranges]

    async def apply_edits(self, edits: Sequence[TextEdit], document_id: str | None) -> int:
        document = self.document(document_id)
        buffer = document.buffer
        spans = [(document.offset(e.range.start), document.offset(e.range.end), e.new_text) for e in edits]
        buffer.checkpoint()
        buffer.apply(Change.from_edits(len(buffer), spans))
        buffer.checkpoint()
        return buffer.version

    async def notify(self, extension_id: str, message: str, level: NotifyLevel) -> None:
        self.notifications.append((extension_id, level, message))

    async def quick_pick(
        self, extension_id: str, items: Sequence[tuple[str, str]], title: str, placeholder: str
    ) -> int | None:
        answer = self._next_answer(f"quick pick {title or placeholder!r}")
        return None if answer is None else int(answer)

    async def input_box(self, extension_id: str, prompt: str, value: str, placeholder: str) -> str | None:
        answer = self._next_answer(f"input box {prompt!r}")
        return None if answer is None else str(answer)

    async def progress(
        self, extension_id: str, progress_id: str, title: str, message: str, fraction: float | None, done: bool
    ) -> None:
        self.progress_log.append((extension_id, title, message, fraction, done))

    async def set_status_item(self, extension_id: str, item: dict[str, Any]) -> None:
        self.status_items[(extension_id, str(item["id"]))] = dict(item)

    async def remove_status_item(self, extension_id: str, item_id: str) -> None:
        self.status_items.pop((extension_id, item_id), None)

    async def create_terminal(self, extension_id: str, name: str, cwd: str | None) -> str:
        terminal_id = f"term-{next(self._terminal_ids)}"
        self.terminals[terminal_id] = []
        return terminal_id

    async def write_terminal(self, extension_id: str, terminal_id: str, text: str) -> None:
        self.terminals[terminal_id].append(text)

    async def execute_command(self, command_id: str, args: Sequence[Any]) -> Any:
        handler = self.commands.get(command_id)
        if handler is None:
            raise NotFoundError(f"unknown command {command_id!r}", data={"command": command_id})
        return await handler(*args)

    def _next_answer(self, what: str) -> Any:
        if not self.answers:
            raise ValidationError(f"an extension opened a {what} but no answer is scripted")
        return self.answers.pop(0)


__all__ = ["HeadlessDocument", "HeadlessUi"]
