"""Semantic tokens layered over tree-sitter: where a server offers them, its token types recolour identifiers the
grammar cannot tell apart (a parameter from a local, a class from a function), after tree-sitter's colours.

Tokens are requested a moment after typing stops and after a document opens; they are kept per line in code
points (dropped for edited lines until fresh ones arrive) and drawn in the theme's colours after the syntax
highlights, so they win.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING

from symphony_tui.lsp.deferred import DeferredRequest

if TYPE_CHECKING:
    from core.lsp.client import LanguageServerClient
    from core.lsp.features import SemanticToken
    from symphony_tui.lsp.service import TrackedDocument

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


class SemanticTokensController(DeferredRequest["list[SemanticToken]"]):
    """Fetches tokens for the documents whose servers offer them and hands them to the editors."""

    capability = "semantic_tokens_provider"
    what = "semantic tokens"
    delay = SEMANTIC_DELAY

    def ask(self, server: LanguageServerClient, document: TrackedDocument) -> Awaitable[list[SemanticToken]]:
        return server.semantic_tokens(document.uri)

    def show(self, document: TrackedDocument, answer: list[SemanticToken]) -> None:
        document.editor.decorations.semantic = by_line(answer)
