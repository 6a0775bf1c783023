"""Inlay hints (inferred types, parameter names) where a server offers them, drawn dimmed after each line's end.

Helix and VS Code draw hints inline; a terminal text area whose cursor columns are document columns cannot
without remapping every column, so Symphony shows them as end-of-line virtual text, in line order. They are
requested for the lines around the view a moment after typing stops, and dropped for edited lines meanwhile.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING

from core.types.text import Range
from symphony_tui.lsp.deferred import DeferredRequest

if TYPE_CHECKING:
    from lsprotocol import types as lsp

    from core.lsp.client import LanguageServerClient
    from symphony_tui.lsp.service import TrackedDocument

HINT_DELAY = 0.3
"""Seconds after the last edit before hints are asked for again."""
MARGIN_LINES = 200
"""Lines above and below the view whose hints are fetched with it."""


def hint_text(hint: lsp.InlayHint) -> str:
    """A hint's label as shown ('x: ' parameter hints lose their padding, ': int' type hints keep the colon)."""
    label = hint.label if isinstance(hint.label, str) else "".join(part.value for part in hint.label)
    return label.strip()


class InlayHintsController(DeferredRequest["list[lsp.InlayHint]"]):
    """Fetches hints for documents whose servers offer them and hands them to the editors."""

    capability = "inlay_hint_provider"
    what = "inlay hints"
    delay = HINT_DELAY

    def ask(self, server: LanguageServerClient, document: TrackedDocument) -> Awaitable[list[lsp.InlayHint]]:
        editor = document.editor
        top = max(0, editor.scroll_offset[1] - MARGIN_LINES)
        last = min(editor.document.line_count - 1, editor.scroll_offset[1] + editor.size.height + MARGIN_LINES)
        return server.inlay_hints(document.uri, Range.of(top, 0, last, len(editor.document[last])))

    def show(self, document: TrackedDocument, answer: list[lsp.InlayHint]) -> None:
        editor = document.editor
        by_line: dict[int, list[tuple[int, str]]] = {}
        for hint in answer:
            line = hint.position.line
            if 0 <= line < editor.document.line_count:
                by_line.setdefault(line, []).append((hint.position.character, hint_text(hint)))
        editor.decorations.inlay = {line: [text for _, text in sorted(found)] for line, found in by_line.items()}


__all__ = ["InlayHintsController", "hint_text"]
