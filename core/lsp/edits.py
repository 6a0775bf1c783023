"""Server edits made usable: formatting results, rename previews and code-action edits as plain changes.

A list of LSP TextEdits is relative to the text *before* any of them applies; Symphony's editor applies one
change at a time. So edits are converted to code points and ordered last-first, which makes applying them one
by one give the same result as applying them all at once.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from lsprotocol import types as lsp

from core.errors import ValidationError
from core.lsp.positions import Encoding, from_units, line_content, split_lines
from core.types.text import Position, Range, TextEdit


def to_core_edits(text: str, edits: Sequence[lsp.TextEdit], encoding: Encoding) -> list[TextEdit]:
    """Server edits against ``text`` as code-point edits, ordered so that applying them in turn is correct."""
    lines = [line_content(line) for line in split_lines(text)]

    def convert(position: lsp.Position) -> Position:
        if position.line >= len(lines):
            # LSP allows a position past the end to mean the end of the document.
            return Position(line=len(lines) - 1, column=len(lines[-1]))
        return Position(line=position.line, column=from_units(lines[position.line], position.character, encoding))

    converted = [
        (index, TextEdit(range=Range(start=convert(e.range.start), end=convert(e.range.end)), new_text=e.new_text))
        for index, e in enumerate(edits)
    ]
    # Last-first; among edits at the same position, later ones first so inserts keep their given order.
    converted.sort(key=lambda item: (item[1].range.start.as_tuple(), item[0]), reverse=True)
    ordered = [edit for _, edit in converted]
    for later, earlier in itertools.pairwise(ordered):
        if later.range.start < earlier.range.end:
            raise ValidationError(
                f"server sent overlapping edits at line {later.range.start.line + 1}",
                hint="The language server's answer is invalid; nothing was changed.",
            )
    return ordered


def apply_text_edits(text: str, edits: Sequence[lsp.TextEdit], encoding: Encoding) -> str:
    """``text`` with the server's ``edits`` applied (for previews and for documents not open in an editor)."""
    lines = split_lines(text)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: Position) -> int:
        return starts[position.line] + min(position.column, len(line_content(lines[position.line])))

    result = text
    for edit in to_core_edits(text, edits, encoding):
        start, end = offset(edit.range.start), offset(edit.range.end)
        result = result[:start] + edit.new_text + result[end:]
    return result


@dataclass(frozen=True, slots=True)
class ResourceOperation:
    """A file created, renamed or deleted by a workspace edit (shown in the preview, applied by the workspace)."""

    kind: str
    uri: str
    new_uri: str | None = None


def workspace_edit_changes(edit: lsp.WorkspaceEdit) -> tuple[dict[str, list[lsp.TextEdit]], list[ResourceOperation]]:
    """Text edits per document and file operations of a workspace edit, whichever form the server used."""
    changes: dict[str, list[lsp.TextEdit]] = {}
    operations: list[ResourceOperation] = []
    for uri, text_edits in (edit.changes or {}).items():
        changes.setdefault(uri, []).extend(text_edits)
    for change in edit.document_changes or ():
        if isinstance(change, lsp.TextDocumentEdit):
            changes.setdefault(change.text_document.uri, []).extend(
                e for e in change.edits if isinstance(e, lsp.TextEdit)
            )
        elif isinstance(change, lsp.CreateFile):
            operations.append(ResourceOperation("create", change.uri))
        elif isinstance(change, lsp.RenameFile):
            operations.append(ResourceOperation("rename", change.old_uri, change.new_uri))
        elif isinstance(change, lsp.DeleteFile):
            operations.append(ResourceOperation("delete", change.uri))
    return changes, operations


__all__ = ["ResourceOperation", "apply_text_edits", "to_core_edits", "workspace_edit_changes"]
