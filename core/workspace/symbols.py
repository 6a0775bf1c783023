"""Outline symbols of a file from tree-sitter queries: the outline panel and ``@`` quick open, no language server.

Each supported language has one query whose patterns capture a definition (``@class``, ``@function``...) and
its ``@name``; a node caught by several patterns keeps the first (so a Go struct is a struct, not just a
type). Symbols nest by their ranges; a function directly inside a class-like symbol becomes a method.
Markdown headings nest by level instead. Lines and columns are 0-based, columns in characters, like the
editor's. Parsing is blocking: run ``outline`` in a worker thread for large files.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tree_sitter import Language, Node, Parser, Query, QueryCursor

from core.types.text import Position, Range


class SymbolKind(StrEnum):
    MODULE = "module"
    CLASS = "class"
    STRUCT = "struct"
    ENUM = "enum"
    INTERFACE = "interface"
    TRAIT = "trait"
    IMPL = "impl"
    TYPE = "type"
    FUNCTION = "function"
    METHOD = "method"
    CONSTANT = "constant"
    VARIABLE = "variable"
    HEADING = "heading"


_CONTAINERS = frozenset(
    {SymbolKind.CLASS, SymbolKind.STRUCT, SymbolKind.INTERFACE, SymbolKind.TRAIT, SymbolKind.IMPL, SymbolKind.ENUM}
)


@dataclass(frozen=True, slots=True)
class Symbol:
    """One outline entry and the entries nested in it."""

    name: str
    kind: SymbolKind
    range: Range
    """The whole definition (for markdown, the heading's section)."""
    selection: Range
    """The name: where the cursor goes when the entry is picked."""
    children: tuple[Symbol, ...] = ()
    detail: str = ""
    """Extra context shown dimmed: a Go method's receiver, a heading's level."""


_JS_COMMON = """
(function_declaration name: (identifier) @name) @function
(generator_function_declaration name: (identifier) @name) @function
(method_definition name: [(property_identifier) (private_property_identifier)] @name) @method
(lexical_declaration
  (variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression)])) @function
(variable_declaration
  (variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression)])) @function
(program (lexical_declaration (variable_declarator name: (identifier) @name)) @variable)
(program (export_statement (lexical_declaration (variable_declarator name: (identifier) @name)) @variable))
"""

_QUERIES: dict[str, str] = {
    "python": """
(class_definition name: (identifier) @name) @class
(function_definition name: (identifier) @name) @function
(module (expression_statement (assignment left: (identifier) @name)) @variable)
(class_definition body: (block (expression_statement (assignment left: (identifier) @name)) @variable))
""",
    "javascript": "(class_declaration name: (identifier) @name) @class\n" + _JS_COMMON,
    "typescript": """
(class_declaration name: (type_identifier) @name) @class
(abstract_class_declaration name: (type_identifier) @name) @class
(interface_declaration name: (type_identifier) @name) @interface
(type_alias_declaration name: (type_identifier) @name) @type
(enum_declaration name: (identifier) @name) @enum
(method_signature name: (property_identifier) @name) @method
(abstract_method_signature name: (property_identifier) @name) @method
(internal_module name: (identifier) @name) @module
"""
    + _JS_COMMON,
    "rust": """
(function_item name: (identifier) @name) @function
(function_signature_item name: (identifier) @name) @function
(struct_item name: (type_identifier) @name) @struct
(enum_item name: (type_identifier) @name) @enum
(union_item name: (type_identifier) @name) @struct
(trait_item name: (type_identifier) @name) @trait
(impl_item type: (_) @name) @impl
(mod_item name: (identifier) @name) @module
(const_item name: (identifier) @name) @constant
(static_item name: (identifier) @name) @constant
(type_item name: (type_identifier) @name) @type
(macro_definition name: (identifier) @name) @function
""",
    "go": """
(function_declaration name: (identifier) @name) @function
(method_declaration name: (field_identifier) @name) @method
(type_spec name: (type_identifier) @name type: (struct_type)) @struct
(type_spec name: (type_identifier) @name type: (interface_type)) @interface
(type_spec name: (type_identifier) @name) @type
(type_alias name: (type_identifier) @name) @type
(source_file (const_declaration (const_spec name: (identifier) @name) @constant))
(source_file (var_declaration (var_spec name: (identifier) @name) @variable))
(method_elem name: (field_identifier) @name) @method
""",
}
_QUERIES["tsx"] = _QUERIES["typescript"]

_GRAMMARS: dict[str, tuple[str, str]] = {
    "python": ("tree_sitter_python", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "rust": ("tree_sitter_rust", "language"),
    "go": ("tree_sitter_go", "language"),
    "markdown": ("tree_sitter_markdown", "language"),
}

_MARKDOWN_QUERY = "(atx_heading) @heading (setext_heading) @heading"

_compiled: dict[str, tuple[Language, Query] | None] = {}
_compile_lock = threading.Lock()


def outline_languages() -> tuple[str, ...]:
    """Language ids (as ``detect_language`` names them) that have an outline when their grammar is installed."""
    return tuple(_GRAMMARS)


def has_outline(language: str) -> bool:
    """Whether ``outline`` can give symbols for ``language`` here (its grammar package is installed)."""
    return _grammar(language) is not None


def outline(text: str, language: str) -> tuple[Symbol, ...]:
    """The symbols of ``text`` as a tree, in document order; empty for languages without an outline."""
    compiled = _grammar(language)
    if compiled is None:
        return ()
    grammar, query = compiled
    source = text.encode("utf-8")
    tree = Parser(grammar).parse(source)
    columns = _ColumnMap(source)
    if language == "markdown":
        return _markdown_outline(tree.root_node, query, columns)
    found: dict[int, tuple[int, Node, Node, SymbolKind]] = {}
    for pattern, captures in QueryCursor(query).matches(tree.root_node):
        names = captures.get("name")
        definitions = [(kind, nodes) for kind, nodes in captures.items() if kind != "name"]
        if not names or not definitions:
            continue
        kind, nodes = definitions[0]
        node = nodes[0]
        previous = found.get(node.id)
        if previous is None or pattern < previous[0]:
            found[node.id] = (pattern, node, names[0], SymbolKind(kind))
    flat = [
        _Flat(
            name=_symbol_name(node, name_node, kind),
            kind=kind,
            start=node.start_byte,
            end=node.end_byte,
            range=columns.range(node.start_point, node.end_point),
            selection=columns.range(name_node.start_point, name_node.end_point),
            detail=_detail(node, language),
        )
        for _pattern, node, name_node, kind in found.values()
    ]
    return _nest(flat)


def symbol_path_at(symbols: Sequence[Symbol], line: int, column: int = 0) -> tuple[Symbol, ...]:
    """The chain of symbols around a cursor position, outermost first: what the outline highlights."""
    path: list[Symbol] = []
    here = Position(line=line, column=column)
    level = symbols
    while True:
        inside = [symbol for symbol in level if symbol.range.start <= here and here <= symbol.range.end]
        if not inside:
            return tuple(path)
        path.append(inside[-1])
        level = inside[-1].children


def iter_symbols(symbols: Sequence[Symbol], container: str = "") -> Iterator[tuple[str, Symbol]]:
    """Every symbol depth-first with its container's dotted name, for ``@`` quick open."""
    for symbol in symbols:
        yield container, symbol
        yield from iter_symbols(symbol.children, f"{container}.{symbol.name}" if container else symbol.name)


@dataclass(slots=True)
class _Flat:
    name: str
    kind: SymbolKind
    start: int
    end: int
    range: Range
    selection: Range
    detail: str = ""
    children: list[_Flat] | None = None

    def freeze(self, parent: SymbolKind | None) -> Symbol:
        kind = SymbolKind.METHOD if self.kind is SymbolKind.FUNCTION and parent in _CONTAINERS else self.kind
        children = tuple(child.freeze(kind) for child in self.children or ())
        return Symbol(self.name, kind, self.range, self.selection, children, self.detail)


def _nest(flat: list[_Flat]) -> tuple[Symbol, ...]:
    """Nest symbols whose byte range lies inside another's."""
    flat.sort(key=lambda item: (item.start, -item.end))
    roots: list[_Flat] = []
    stack: list[_Flat] = []
    for item in flat:
        while stack and item.start >= stack[-1].end:
            stack.pop()
        if stack:
            parent = stack[-1]
            parent.children = [*(parent.children or []), item]
        else:
            roots.append(item)
        stack.append(item)
    return tuple(item.freeze(None) for item in roots)


def _symbol_name(node: Node, name_node: Node, kind: SymbolKind) -> str:
    name = _text(name_node)
    if kind is SymbolKind.IMPL:
        trait = node.child_by_field_name("trait")
        return f"impl {_text(trait)} for {name}" if trait is not None else f"impl {name}"
    return name


def _detail(node: Node, language: str) -> str:
    if language == "go" and node.type == "method_declaration":
        receiver = node.child_by_field_name("receiver")
        return _text(receiver) if receiver is not None else ""
    return ""


def _markdown_outline(root: Node, query: Query, columns: _ColumnMap) -> tuple[Symbol, ...]:
    """Headings nested by level; each heading's range runs to the next heading of the same or higher level."""
    headings: list[tuple[int, Node]] = []
    for node in QueryCursor(query).captures(root).get("heading", []):
        headings.append((_heading_level(node), node))
    headings.sort(key=lambda item: item[1].start_byte)
    end_point = root.end_point
    flat: list[tuple[int, _Flat]] = []
    for index, (level, node) in enumerate(headings):
        following = next((other for lvl, other in headings[index + 1 :] if lvl <= level), None)
        stop = following.start_point if following is not None else end_point
        content = node.child_by_field_name("heading_content") or node
        name = " ".join(_text(content).split()) or "(untitled)"
        item = _Flat(
            name=name,
            kind=SymbolKind.HEADING,
            start=node.start_byte,
            end=following.start_byte if following is not None else root.end_byte,
            range=columns.range(node.start_point, stop),
            selection=columns.range(content.start_point, content.end_point),
            detail="#" * level,
        )
        flat.append((level, item))
    return _nest([item for _level, item in flat])


def _heading_level(node: Node) -> int:
    for child in node.children:
        kind = child.type
        if kind.startswith("atx_h") and kind.endswith("_marker"):
            return int(kind[len("atx_h")])
        if kind == "setext_h1_underline":
            return 1
        if kind == "setext_h2_underline":
            return 2
    return 1


def _text(node: Node) -> str:
    raw = node.text
    return raw.decode("utf-8", errors="replace") if raw is not None else ""


class _ColumnMap:
    """tree-sitter counts bytes within a line; the editor counts characters."""

    def __init__(self, source: bytes) -> None:
        self._source = source
        self._line_starts = [0]
        start = source.find(b"\n")
        while start != -1:
            self._line_starts.append(start + 1)
            start = source.find(b"\n", start + 1)
        self._ascii = source.isascii()

    def column(self, row: int, byte_column: int) -> int:
        if self._ascii or row >= len(self._line_starts):
            return byte_column
        start = self._line_starts[row]
        return len(self._source[start : start + byte_column].decode("utf-8", errors="replace"))

    def range(self, start: Any, end: Any) -> Range:
        return Range.of(start[0], self.column(start[0], start[1]), end[0], self.column(end[0], end[1]))


def _grammar(language: str) -> tuple[Language, Query] | None:
    if language in _compiled:
        return _compiled[language]
    with _compile_lock:
        if language not in _compiled:
            _compiled[language] = _load(language)
    return _compiled[language]


def _load(language: str) -> tuple[Language, Query] | None:
    spec = _GRAMMARS.get(language)
    if spec is None:
        return None
    module_name, factory = spec
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    make: Callable[[], object] = getattr(module, factory)
    grammar = Language(make())
    source = _MARKDOWN_QUERY if language == "markdown" else _QUERIES[language]
    return grammar, Query(grammar, source)


__all__ = [
    "Symbol",
    "SymbolKind",
    "has_outline",
    "iter_symbols",
    "outline",
    "outline_languages",
    "symbol_path_at",
]
