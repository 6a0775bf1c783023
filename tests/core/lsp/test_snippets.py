"""LSP snippet expansion: text plus tab stops the editor visits in order."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.lsp.snippets import TabStop, expand_snippet


def test_tab_stops_are_visited_in_number_order_with_the_final_cursor_last() -> None:
    snippet = expand_snippet("for ${1:item} in ${2:items}:\n    $0")
    assert snippet.text == "for item in items:\n    "
    assert snippet.stops == (
        TabStop(1, ((4, 8),)),
        TabStop(2, ((12, 17),)),
        TabStop(0, ((23, 23),)),
    )


def test_repeated_tab_stop_is_mirrored_at_every_place() -> None:
    snippet = expand_snippet("${1:x} = $1")
    assert snippet.text == "x = "
    assert snippet.stops[0] == TabStop(1, ((0, 1), (4, 4)))


def test_nested_placeholders_keep_absolute_offsets() -> None:
    snippet = expand_snippet("f(${1:a, ${2:b}})")
    assert snippet.text == "f(a, b)"
    assert [stop.spans for stop in snippet.stops] == [((2, 6),), ((5, 6),), ((7, 7),)]


def test_choice_inserts_its_first_option_and_offers_all() -> None:
    snippet = expand_snippet(r"${1|public,private,a\,b|}")
    assert snippet.text == "public"
    assert snippet.stops[0].choices == ("public", "private", "a,b")


def test_variables_resolve_and_unknown_ones_insert_default_or_name() -> None:
    variables = {"TM_FILENAME": "app.py"}
    assert expand_snippet("# $TM_FILENAME ${NOPE:fallback} $UNKNOWN", variables).text == "# app.py fallback UNKNOWN"


def test_known_variable_wins_over_its_default_and_transforms_insert_the_value() -> None:
    variables = {"TM_FILENAME": "app.py"}
    assert expand_snippet("${TM_FILENAME:x} ${TM_FILENAME/(.*)/${1:/upcase}/}", variables).text == "app.py app.py"


def test_malformed_elements_stay_literal() -> None:
    assert expand_snippet("cost: $ 5 ${1:open").text == "cost: $ 5 ${1:open"
    assert expand_snippet(r"\$1 and \}").text == "$1 and }"


@given(st.text())
def test_escaped_text_expands_to_itself_with_only_a_final_stop_at_the_end(text: str) -> None:
    escaped = text.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")
    snippet = expand_snippet(escaped)
    assert snippet.text == text
    assert snippet.stops == (TabStop(0, ((len(text), len(text)),)),)


@given(st.text(alphabet="${}:|,\\1a", max_size=30))
def test_any_input_expands_without_error_and_stops_lie_inside_the_text(source: str) -> None:
    snippet = expand_snippet(source)
    for stop in snippet.stops:
        for start, end in stop.spans:
            assert 0 <= start <= end <= len(snippet.text)
