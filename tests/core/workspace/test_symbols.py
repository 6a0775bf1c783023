"""Outline symbols from tree-sitter queries, per language, with nesting and cursor following."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.workspace.symbols import (
    Symbol,
    SymbolKind,
    has_outline,
    iter_symbols,
    outline,
    outline_languages,
    symbol_path_at,
)


def tree(symbols: tuple[Symbol, ...], depth: int = 0) -> list[tuple[int, str, str]]:
    rows: list[tuple[int, str, str]] = []
    for symbol in symbols:
        rows.append((depth, symbol.kind.value, symbol.name))
        rows += tree(symbol.children, depth + 1)
    return rows


PYTHON = """\
LIMIT = 10
class Shape:
    sides = 0

    @property
    def area(self):
        def helper():
            pass

def main():
    local = 1
"""


def test_python_classes_methods_and_module_variables() -> None:
    assert tree(outline(PYTHON, "python")) == [
        (0, "variable", "LIMIT"),
        (0, "class", "Shape"),
        (1, "variable", "sides"),
        (1, "method", "area"),
        (2, "function", "helper"),
        (0, "function", "main"),
    ]


def test_javascript_functions_classes_and_arrow_constants() -> None:
    source = "class A { m() {} }\nfunction f() {}\nconst g = () => 1;\nexport const K = 3;\n"
    assert tree(outline(source, "javascript")) == [
        (0, "class", "A"),
        (1, "method", "m"),
        (0, "function", "f"),
        (0, "function", "g"),
        (0, "variable", "K"),
    ]


@pytest.mark.skipif(not has_outline("typescript"), reason="needs the tree-sitter-typescript grammar")
@pytest.mark.parametrize("language", ["typescript", "tsx"])
def test_typescript_interfaces_types_enums_and_namespaces(language: str) -> None:
    source = "interface I { a(): void }\ntype T = number;\nenum E { A }\nclass C { n() {} }\nnamespace N {}\n"
    assert tree(outline(source, language)) == [
        (0, "interface", "I"),
        (1, "method", "a"),
        (0, "type", "T"),
        (0, "enum", "E"),
        (0, "class", "C"),
        (1, "method", "n"),
        (0, "module", "N"),
    ]


def test_rust_items_and_impl_blocks_name_their_trait() -> None:
    source = (
        "mod m { fn a() {} }\nstruct S;\ntrait T { fn t(&self); }\nimpl T for S { fn t(&self) {} }\nconst C: u8 = 1;\n"
    )
    assert tree(outline(source, "rust")) == [
        (0, "module", "m"),
        (1, "function", "a"),
        (0, "struct", "S"),
        (0, "trait", "T"),
        (1, "method", "t"),
        (0, "impl", "impl T for S"),
        (1, "method", "t"),
        (0, "constant", "C"),
    ]


def test_go_types_take_their_specific_kind_and_methods_show_the_receiver() -> None:
    source = "package p\nconst C = 1\ntype S struct{}\ntype I interface{ M() }\ntype N int\nfunc (s *S) Do() {}\n"
    symbols = outline(source, "go")
    assert tree(symbols) == [
        (0, "constant", "C"),
        (0, "struct", "S"),
        (0, "interface", "I"),
        (1, "method", "M"),
        (0, "type", "N"),
        (0, "method", "Do"),
    ]
    assert symbols[-1].detail == "(s *S)"


def test_markdown_headings_nest_by_level_and_span_their_section() -> None:
    source = "# Title\n\ntext\n\n## Sub\n\nmore\n\nSetext\n------\n\n# Two\n"
    symbols = outline(source, "markdown")
    assert tree(symbols) == [
        (0, "heading", "Title"),
        (1, "heading", "Sub"),
        (1, "heading", "Setext"),
        (0, "heading", "Two"),
    ]
    assert symbols[0].range.end.line == 11
    assert symbols[0].children[0].detail == "##"


def test_columns_count_characters_not_bytes() -> None:
    symbol = outline("ünï = 1\nclass Ñame: pass\n", "python")[1]
    assert symbol.selection.start.as_tuple() == (1, 6) and symbol.selection.end.as_tuple() == (1, 10)


def test_cursor_path_finds_the_innermost_symbol() -> None:
    symbols = outline(PYTHON, "python")
    assert [symbol.name for symbol in symbol_path_at(symbols, 7, 12)] == ["Shape", "area", "helper"]
    assert [symbol.name for symbol in symbol_path_at(symbols, 10, 4)] == ["main"]
    assert symbol_path_at(symbols, 8, 0) == ()


def test_iter_symbols_names_containers_for_quick_open() -> None:
    pairs = [(container, symbol.name) for container, symbol in iter_symbols(outline(PYTHON, "python"))]
    assert ("Shape.area", "helper") in pairs and ("", "main") in pairs


def test_languages_without_an_outline_give_no_symbols() -> None:
    assert outline("whatever", "cobol") == ()
    assert {"python", "javascript", "typescript", "rust", "go", "markdown"} <= set(outline_languages())


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(alphabet="classdefnimpl{}()#:=\n <>'\"é", max_size=80), language=st.sampled_from(outline_languages())
)
def test_any_text_gives_well_formed_symbols(text: str, language: str) -> None:
    for _container, symbol in iter_symbols(outline(text, language)):
        assert isinstance(symbol.kind, SymbolKind)
        assert symbol.range.start <= symbol.selection.start or symbol.kind is SymbolKind.HEADING
        for child in symbol.children:
            assert symbol.range.start <= child.range.start and child.range.end <= symbol.range.end
