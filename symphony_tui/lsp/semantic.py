"""Semantic tokens layered over tree-sitter: where a server offers them, its token types recolour identifiers the
grammar cannot tell apart (a parameter from a local, a class from a function), after tree-sitter's colours, and
its token modifiers add emphasis (deprecated names struck through, static and abstract ones in italics).

Tokens are requested a moment after typing stops and after a document opens; they are kept per line in code
points (dropped for edited lines until fresh ones arrive) and drawn in the theme's colours after the syntax
highlights, so they win. Servers that offer ``full/delta`` send only what changed since their last answer; for
big files, servers that offer ``range`` are asked for the lines around the view only (again when the view
scrolls away from them), so neither side pays for the whole file on every pause in typing.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from rich.style import Style

from core.errors import ProtocolError
from core.types.text import Range
from symphony_tui.lsp.deferred import DeferredRequest

if TYPE_CHECKING:
    from core.lsp.client import LanguageServerClient
    from core.lsp.features import SemanticToken, SemanticTokensData
    from symphony_tui.lsp.service import LspService, TrackedDocument
    from symphony_tui.widgets.editor import Editor

SEMANTIC_DELAY = 0.3
"""Seconds after the last edit before semantic tokens are asked for again."""
SCROLL_DELAY = 0.15
"""Seconds after scrolling out of the fetched lines of a big file before asking for the new ones."""
RANGE_LINES = 2000
"""Documents longer than this ask for the lines around the view when the server answers ``range`` requests."""
RANGE_MARGIN = 100
"""Lines above and below the view fetched with it in range mode."""


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

MODIFIER_STYLES = {
    "deprecated": Style(strike=True),
    "abstract": Style(italic=True),
    "static": Style(italic=True),
}
"""LSP token modifier -> emphasis added over the colour (stored per line as ``"~modifier"`` entries)."""

_BUILTIN_TYPES = frozenset({"class", "type", "enum", "interface", "struct", "namespace"})


def style_for(token_type: str, modifiers: tuple[str, ...]) -> str | None:
    """The theme style a token of this type and modifiers is drawn with (None: leave tree-sitter's colour)."""
    if token_type in ("variable", "property", "parameter"):
        if "defaultLibrary" in modifiers:
            return "variable.builtin"
        if "readonly" in modifiers and token_type != "parameter":
            return "constant.builtin"
        return None
    if "defaultLibrary" in modifiers and token_type in _BUILTIN_TYPES:
        return "type.builtin"
    return TOKEN_STYLES.get(token_type)


def by_line(tokens: list[SemanticToken]) -> dict[int, list[tuple[int, int, str]]]:
    """Tokens as (start column, end column, style name) per line, in code points; modifiers with an emphasis
    follow their token's colour as ``"~name"`` entries. (Styles are looked up once per distinct type and
    modifier set: this runs over the whole file after every pause in typing.)"""
    lines: dict[int, list[tuple[int, int, str]]] = {}
    names_of: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {}
    for line, start, length, token_type, modifiers in tokens:
        if length <= 0:
            continue
        names = names_of.get((token_type, modifiers))
        if names is None:
            style = style_for(token_type, modifiers)
            names = ((style,) if style is not None else ()) + tuple(
                f"~{modifier}" for modifier in modifiers if modifier in MODIFIER_STYLES
            )
            names_of[(token_type, modifiers)] = names
        if names:
            spans = lines.get(line)
            if spans is None:
                spans = lines[line] = []
            end = start + length
            for name in names:
                spans.append((start, end, name))
    return lines


def span_style(name: str, syntax_styles: dict[str, Style]) -> Style | None:
    """The style of a stored span: a theme colour, or a modifier's emphasis."""
    if name.startswith("~"):
        return MODIFIER_STYLES.get(name[1:])
    return syntax_styles.get(name)


def view_lines(editor: Editor, margin: int) -> tuple[int, int]:
    """First and last document line of the view, widened by ``margin`` lines each way."""
    top = editor.scroll_offset[1]
    last_row = editor.document.line_count - 1
    return max(0, top - margin), min(last_row, top + editor.size.height + margin)


class SemanticTokensController(DeferredRequest["tuple[SemanticTokensData, list[SemanticToken]]"]):
    """Fetches tokens for the documents whose servers offer them (whole, by delta, or by range) and hands them
    to the editors."""

    capability = "semantic_tokens_provider"
    what = "semantic tokens"
    delay = SEMANTIC_DELAY

    def __init__(self, service: LspService) -> None:
        super().__init__(service)
        self._previous: weakref.WeakKeyDictionary[TrackedDocument, SemanticTokensData] = weakref.WeakKeyDictionary()
        """The last whole-document answer per document (a delta request builds on it)."""
        self._covered: weakref.WeakKeyDictionary[TrackedDocument, tuple[int, int]] = weakref.WeakKeyDictionary()
        """Range mode: the lines whose tokens were fetched last."""

    async def ask(
        self, server: LanguageServerClient, document: TrackedDocument
    ) -> tuple[SemanticTokensData, list[SemanticToken]]:
        editor = document.editor
        span = None
        if editor.document.line_count > RANGE_LINES and server.semantic_tokens_range_offered():
            first, last = view_lines(editor, RANGE_MARGIN)
            span = Range.of(first, 0, last, len(editor.document[last]))
        try:
            answer = await server.semantic_tokens_data(document.uri, previous=self._previous.get(document), span=span)
        except ProtocolError:
            self._previous.pop(document, None)  # a delta that does not fit: ask for everything next time
            raise
        return answer, server.decode_tokens(document.uri, answer.data)

    def show(self, document: TrackedDocument, answer: tuple[SemanticTokensData, list[SemanticToken]]) -> None:
        data, tokens = answer
        decorations = document.editor.decorations
        if data.span is None:
            self._previous[document] = data
            self._covered.pop(document, None)
            decorations.semantic = by_line(tokens)
            return
        first, last = data.span.start.line, data.span.end.line
        self._covered[document] = (first, last)
        kept = {line: spans for line, spans in decorations.semantic.items() if not first <= line <= last}
        kept.update(by_line(tokens))
        decorations.semantic = kept

    def scrolled(self, document: TrackedDocument) -> None:
        """The view moved: in range mode, fetch the new lines once the view left the fetched ones."""
        covered = self._covered.get(document)
        if covered is None:
            return
        first, last = view_lines(document.editor, 0)
        if first < covered[0] or last > covered[1]:
            self.schedule(document, SCROLL_DELAY)
