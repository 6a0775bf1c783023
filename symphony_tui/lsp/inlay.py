"""Inlay hints (inferred types, parameter names) where a server offers them, drawn dimmed after each line's end.

Helix and VS Code draw hints inline; a terminal text area whose cursor columns are document columns cannot
without remapping every column, so Symphony shows them as end-of-line virtual text, in line order. They are
requested for the lines around the view a moment after typing stops, and dropped for edited lines meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from core.errors import CancelledError, SymphonyError
from core.types.text import Range

if TYPE_CHECKING:
    from lsprotocol import types as lsp

    from symphony_tui.lsp.service import LspService, TrackedDocument

log = logging.getLogger(__name__)

RETRY_DELAY = 1.0
"""Seconds before asking a just-started server once more whether it offers the feature."""

HINT_DELAY = 0.3
"""Seconds after the last edit before hints are asked for again."""
MARGIN_LINES = 200
"""Lines above and below the view whose hints are fetched with it."""


def hint_text(hint: lsp.InlayHint) -> str:
    """A hint's label as shown ('x: ' parameter hints lose their padding, ': int' type hints keep the colon)."""
    label = hint.label if isinstance(hint.label, str) else "".join(part.value for part in hint.label)
    return label.strip()


class InlayHintsController:
    """Fetches hints for documents whose servers offer them and hands them to the editors."""

    def __init__(self, service: LspService) -> None:
        self.service = service
        self._pending: dict[int, asyncio.TimerHandle] = {}
        service.change_listeners.append(lambda document, edits: self.schedule(document))

    def schedule(self, document: TrackedDocument, delay: float = HINT_DELAY, *, retry: bool = False) -> None:
        """Fetch hints for ``document`` after ``delay`` seconds (a later call replaces an earlier one)."""
        handle = self._pending.pop(id(document), None)
        if handle is not None:
            handle.cancel()
        self._pending[id(document)] = asyncio.get_running_loop().call_later(
            delay, lambda: self.service._spawn(self.fetch(document, retry=retry), "lsp-inlay-hints")
        )

    async def fetch(self, document: TrackedDocument, *, retry: bool = False) -> None:
        """Ask the server for the hints around the view; the answer is dropped if the text changed meanwhile."""
        self._pending.pop(id(document), None)
        manager = self.service.manager
        if manager is None or self.service.document(document.editor) is not document:
            return
        server = await manager.ready(document.uri, 30)
        if server is None or not server.supports("inlay_hint_provider"):
            if retry and server is not None:
                # Servers may register the capability just after initialize: look once more a moment later.
                self.schedule(document, RETRY_DELAY)
            return
        await self.service.synced(document)
        editor = document.editor
        top = max(0, editor.scroll_offset[1] - MARGIN_LINES)
        last = min(editor.document.line_count - 1, editor.scroll_offset[1] + editor.size.height + MARGIN_LINES)
        span = Range.of(top, 0, last, len(editor.document[last]))
        version = document.version
        try:
            hints = await server.inlay_hints(document.uri, span)
        except CancelledError:
            return
        except SymphonyError as exc:
            log.info("inlay hints for %s failed: %s", document.uri, exc)
            return
        if document.version != version or document.pending:
            return
        by_line: dict[int, list[tuple[int, str]]] = {}
        for hint in hints:
            line = hint.position.line
            if 0 <= line < editor.document.line_count:
                by_line.setdefault(line, []).append((hint.position.character, hint_text(hint)))
        editor.decorations.inlay = {line: [text for _, text in sorted(found)] for line, found in by_line.items()}
        editor.decorations_changed()


__all__ = ["InlayHintsController", "hint_text"]
