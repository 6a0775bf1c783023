"""Language-server document symbols as Symphony outline symbols (code points), for the Outline view and '@'."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from core.workspace.symbols import Symbol, SymbolKind

if TYPE_CHECKING:
    from core.lsp.client import LanguageServerClient
    from core.types.text import Range

_KINDS = {
    2: SymbolKind.MODULE,
    3: SymbolKind.MODULE,
    4: SymbolKind.MODULE,
    5: SymbolKind.CLASS,
    6: SymbolKind.METHOD,
    9: SymbolKind.METHOD,
    10: SymbolKind.ENUM,
    11: SymbolKind.INTERFACE,
    12: SymbolKind.FUNCTION,
    14: SymbolKind.CONSTANT,
    22: SymbolKind.CONSTANT,
    23: SymbolKind.STRUCT,
    26: SymbolKind.TYPE,
}
"""LSP SymbolKind -> outline kind; fields, properties, variables and the rest show as variables."""


def outline_from_lsp(server: LanguageServerClient, uri: str, symbols: Sequence[Any]) -> tuple[Symbol, ...]:
    """DocumentSymbol trees (or flat SymbolInformation lists) converted to outline symbols in file order."""
    from lsprotocol import types as lsp

    def span(raw: lsp.Range) -> Range:
        return server.range_from_server(uri, raw)

    def convert(node: Any) -> Symbol | None:
        kind = _KINDS.get(int(node.kind), SymbolKind.VARIABLE)
        if isinstance(node, lsp.DocumentSymbol):
            children = tuple(c for c in (convert(child) for child in node.children or ()) if c is not None)
            return Symbol(node.name, kind, span(node.range), span(node.selection_range), children, node.detail or "")
        if isinstance(node, lsp.SymbolInformation) and node.location.uri == uri:
            whole = span(node.location.range)
            return Symbol(node.name, kind, whole, whole, (), node.container_name or "")
        return None

    converted = [symbol for symbol in (convert(node) for node in symbols) if symbol is not None]
    converted.sort(key=lambda s: s.range.start.as_tuple())
    return tuple(converted)
