"""Find/replace: the modes people toggle, and replace-all as one change that undoes in one step."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ValidationError
from core.text import TextBuffer
from core.text.search import SearchQuery, find_matches, replace_all

TEXT = "Cat cat concat\ncat_food CAT\n"


def spans(query: SearchQuery, text: str = TEXT) -> list[tuple[int, int]]:
    return [(m.start, m.end) for m in find_matches(text, query)]


def test_plain_search_ignores_case_by_default() -> None:
    assert len(spans(SearchQuery("cat"))) == 5


def test_case_sensitive_and_whole_word_narrow_the_matches() -> None:
    assert len(spans(SearchQuery("cat", case_sensitive=True))) == 3
    assert spans(SearchQuery("cat", case_sensitive=True, whole_word=True)) == [(4, 7)]


def test_regex_special_characters_are_literal_unless_regex_is_on() -> None:
    assert spans(SearchQuery("c.t", regex=False)) == []
    assert len(spans(SearchQuery("c.t", regex=True))) == 5


def test_search_within_a_selection_only() -> None:
    found = find_matches(TEXT, SearchQuery("cat"), within=[(0, 8)])
    assert [(m.start, m.end) for m in found] == [(0, 3), (4, 7)]


def test_an_invalid_regex_names_the_pattern_and_position() -> None:
    with pytest.raises(ValidationError) as info:
        SearchQuery("(unclosed", regex=True).compile()
    assert "(unclosed" in info.value.message and "position" in info.value.message and info.value.hint


def test_regex_replacement_expands_groups_and_undoes_in_one_step() -> None:
    buffer = TextBuffer("a=1, b=2")
    buffer.apply(replace_all(buffer.text, SearchQuery(r"(\w)=(\d)", regex=True), r"\2=\1"))
    assert buffer.text == "1=a, 2=b"
    buffer.undo()
    assert buffer.text == "a=1, b=2"


@given(st.text(alphabet="ab.\n", max_size=30), st.text(alphabet="ab.", min_size=1, max_size=3), st.text(max_size=3))
def test_plain_replace_all_matches_str_replace_ignoring_case(text: str, needle: str, new: str) -> None:
    expected = re.sub(re.escape(needle), lambda _: new, text, flags=re.IGNORECASE)
    assert replace_all(text, SearchQuery(needle), new).apply(text) == expected


def test_whole_word_means_the_same_in_a_file_and_across_files() -> None:
    from core.workspace.search import SearchQuery as WorkspaceQuery

    text = "call foo(); foobar(); x.foo()"
    in_file = SearchQuery("foo(", whole_word=True).compile()
    across = WorkspaceQuery("foo(", whole_word=True).compile()
    assert [m.start() for m in in_file.finditer(text)] == [m.start() for m in across.finditer(text)] == [5, 24]
