"""Semantic tokens layered over tree-sitter: where a server offers them, its token types recolour identifiers the
grammar cannot tell apart (a parameter from a local, a class from a function), after tree-sitter's colours.

Tokens are requested a moment after typing stops and after a document opens; they are kept per line in code
points (dropped for edited lines until fresh ones arrive) and drawn in the theme's colours after the syntax
highlights, so they win.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from core.errors import CancelledError, SymphonyError
from core.types.text import TextEdit

if TYPE_CHECKING:
    from core.lsp.features import SemanticToken
    from symphony_tui.lsp.service import LspService, TrackedDocument

log = logging.getLogger(__name__)

RETRY_DELAY = 1.0
"""Seconds before asking a just-started server once more whether it offers the feature."""

SEMANTIC_DELAY = 0.3
"""Seconds after the last edit before semantic tokens are asked for again."""


TOKEN_STYLES = {
    "namespace": "type",
    "type": "type",
    "class": "class",
    "enum": "type",
    "interface": "type",
    "struct": "type",
    "typeParameter": "type",
    "function": "function",
    "method": "method",
    "macro": "function",
    "decorator": "function",
    "enumMember": "constant.builtin",
    "keyword": "keyword",
    "modifier": "keyword",
    "comment": "comment",
    "string": "string",
    "number": "number",
    "regexp": "string",
    "operator": "operator",
}
"""LSP token type -> theme style name; parameters, variables and properties keep tree-sitter's colour unless a
modifier says they are built in or read-only."""


def style_for(token: SemanticToken) -> str | None:
    """The theme style a token is drawn with (None: leave tree-sitter's colour)."""
    if token.token_type in ("variable", "property", "parameter"):
        if "defaultLibrary" in token.modifiers:
            return "variable.builtin"
        if "readonly" in token.modifiers and token.token_type == "variable":
            return "constant.builtin"
        return None
    return TOKEN_STYLES.get(token.token_type)


def by_line(tokens: list[SemanticToken]) -> dict[int, list[tuple[int, int, str]]]:
    """Tokens as (start column, end column, style name) per line, in code points."""
    lines: dict[int, list[tuple[int, int, str]]] = {}
    for token in tokens:
        style = style_for(token)
        if style is not None and token.length > 0:
            lines.setdefault(token.line, []).append((token.start, token.start + token.length, style))
    return lines


class SemanticTokensController:
    """Fetches tokens for the documents whose servers offer them and hands them to the editors."""

    def __init__(self, service: LspService) -> None:
        self.service = service
        self._pending: dict[int, asyncio.TimerHandle] = {}
        service.change_listeners.append(self.on_change)

    def on_change(self, document: TrackedDocument, edits: list[TextEdit]) -> None:
        """Typing: ask again once the user pauses."""
        self.schedule(document)

    def schedule(self, document: TrackedDocument, delay: float = SEMANTIC_DELAY, *, retry: bool = False) -> None:
        """Fetch tokens for ``document`` after ``delay`` seconds (a later call replaces an earlier one)."""
        key = id(document)
        handle = self._pending.pop(key, None)
        if handle is not None:
            handle.cancel()
        loop = asyncio.get_running_loop()
        self._pending[key] = loop.call_later(
            delay, lambda: self.service._spawn(self.fetch(document, retry=retry), "lsp-semantic-tokens")
        )

    async def fetch(self, document: TrackedDocument, *, retry: bool = False) -> None:
        """Ask the server and repaint the editor with the answer (dropped if the text changed meanwhile)."""
        self._pending.pop(id(document), None)
        manager = self.service.manager
        if manager is None or self.service.document(document.editor) is not document:
            return
        server = await manager.ready(document.uri, 30)
        if server is None or not server.supports("semantic_tokens_provider"):
            if retry and server is not None:
                # Servers may register the capability just after initialize: look once more a moment later.
                self.schedule(document, RETRY_DELAY)
            return
        await self.service.synced(document)
        version = document.version
        try:
            tokens = await server.semantic_tokens(document.uri)
        except CancelledError:
            return
        except SymphonyError as exc:
            log.info("semantic tokens for %s failed: %s", document.uri, exc)
            return
        if document.version != version or document.pending:
            return
        editor = document.editor
        editor.decorations.semantic = by_line(tokens)
        editor.decorations_changed()
