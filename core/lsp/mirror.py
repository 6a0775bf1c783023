"""The client's copy of an open document: what the server has been told, line by line.

The editor owns the real document; the LSP client keeps this mirror because incremental sync needs the old
line text to convert columns into the server's encoding, and because a restarted server must be sent the
current text again. Edits are applied in order, each against the result of the previous one (LSP semantics).
"""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types as lsp

from core.errors import ConflictError, ValidationError
from core.lsp.positions import Encoding, from_units, line_content, split_lines, to_units
from core.types.text import Position, Range, TextEdit


class DocumentMirror:
    """Text and version of one open document, kept in step with the editor's edits."""

    def __init__(self, uri: str, language_id: str, version: int, text: str) -> None:
        self.uri = uri
        """The document's URI (``file://...``)."""
        self.language_id = language_id
        """The language id sent in didOpen."""
        self.version = version
        """The editor's version of the text this mirror holds."""
        self._lines = split_lines(text)

    @property
    def text(self) -> str:
        """The whole text (joined on demand; used for didOpen and full sync)."""
        return "".join(self._lines)

    def lines_snapshot(self) -> list[str]:
        """The lines with their terminators, as of now (a shallow copy: later edits do not change it)."""
        return list(self._lines)

    @property
    def line_count(self) -> int:
        """Number of lines (a trailing line break starts one more, empty line)."""
        return len(self._lines)

    def line(self, index: int) -> str:
        """Line ``index`` without its terminator ("" beyond the end)."""
        return line_content(self._lines[index]) if 0 <= index < len(self._lines) else ""

    def apply(
        self, version: int, edits: Sequence[TextEdit], encoding: Encoding
    ) -> list[lsp.TextDocumentContentChangeEvent]:
        """Apply the editor's edits for ``version``; returns the incremental change events for the server."""
        if version <= self.version:
            raise ConflictError(
                f"{self.uri}: change to version {version} arrived after version {self.version}",
                hint="Document versions must increase with every change; the editor should resend the document.",
            )
        events: list[lsp.TextDocumentContentChangeEvent] = []
        for edit in edits:
            events.append(
                lsp.TextDocumentContentChangePartial(
                    range=self.range_to_server(edit.range, encoding), text=edit.new_text
                )
            )
            self._replace(edit.range, edit.new_text)
        self.version = version
        return events

    def position_to_server(self, position: Position, encoding: Encoding) -> lsp.Position:
        """A code-point position in this document in the server's units."""
        self._check(position)
        return lsp.Position(line=position.line, character=to_units(self.line(position.line), position.column, encoding))

    def range_to_server(self, span: Range, encoding: Encoding) -> lsp.Range:
        """A code-point range in this document in the server's units."""
        return lsp.Range(
            start=self.position_to_server(span.start, encoding), end=self.position_to_server(span.end, encoding)
        )

    def position_from_server(self, position: lsp.Position, encoding: Encoding) -> Position:
        """A server position in this document as a code-point position."""
        return Position(line=position.line, column=from_units(self.line(position.line), position.character, encoding))

    def range_from_server(self, span: lsp.Range, encoding: Encoding) -> Range:
        """A server range in this document as a code-point range."""
        return Range(
            start=self.position_from_server(span.start, encoding), end=self.position_from_server(span.end, encoding)
        )

    def _check(self, position: Position) -> None:
        if position.line >= len(self._lines):
            raise ValidationError(
                f"{self.uri}: line {position.line} is past the end of the document ({len(self._lines)} lines)",
                hint="The editor and the language client disagree about the text; reopen the document.",
            )

    def _replace(self, span: Range, new_text: str) -> None:
        self._check(span.end)
        first, last = span.start.line, span.end.line
        prefix = self.line(first)[: span.start.column]
        suffix_line = self._lines[last]
        suffix = suffix_line[min(span.end.column, len(line_content(suffix_line))) :]
        chunk = prefix + new_text + suffix
        # A CR ending the previous line and an LF starting the chunk are one line break: re-split them together.
        if first > 0 and chunk.startswith("\n") and self._lines[first - 1].endswith("\r"):
            first -= 1
            chunk = self._lines[first] + chunk
        replacement = split_lines(chunk)
        if last + 1 < len(self._lines):
            # The chunk ends with line ``last``'s terminator: its empty tail is not a line, the next one follows.
            replacement.pop()
        self._lines[first : last + 1] = replacement


__all__ = ["DocumentMirror"]
