"""Typing rules of a code editor: pairs, indentation, and bracket matching bounded on huge input."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.text.smart_typing import (
    TypedEdit,
    find_matching_bracket,
    find_unmatched_opener,
    on_backspace,
    on_character,
    on_enter,
    pairs_for,
)


def apply(lines: list[str], edit: TypedEdit) -> tuple[str, tuple[int, int], tuple[int, int]]:
    """The text after ``edit`` and the selection it leaves."""
    text = "\n".join(lines)

    def offset(location: tuple[int, int]) -> int:
        return sum(len(line) + 1 for line in lines[: location[0]]) + location[1]

    result = text[: offset(edit.start)] + edit.text + text[offset(edit.end) :]
    return result, edit.selection_start, edit.selection_end


def typed(line: str, column: int, character: str, language: str = "python") -> tuple[str, int] | None:
    edit = on_character([line], (0, column), (0, column), character, language)
    if edit is None:
        return None
    text, _, cursor = apply([line], edit)
    return text, cursor[1]


def test_an_opener_closes_before_whitespace_or_a_closer_and_the_cursor_sits_inside() -> None:
    assert typed("print", 5, "(") == ("print()", 6)
    assert typed("f(x)", 2, "[") is None  # before a word character: plain insertion
    assert typed("a = ", 4, "{") == ("a = {}", 5)
    assert typed("call()", 5, "[") == ("call([])", 6)


def test_typing_the_closer_next_to_the_cursor_steps_over_it() -> None:
    assert typed("print()", 6, ")") == ("print()", 7)
    assert typed('x = ""', 5, '"') == ('x = ""', 6)
    # An extra closer the line needs is inserted, not stepped over.
    assert typed("f(g())", 5, ")") == ("f(g())", 6)
    assert typed("g())", 3, ")") is None


def test_quotes_do_not_close_after_a_word_character_or_to_finish_an_odd_quote() -> None:
    assert typed("don", 3, "'") is None
    assert typed('x = "abc', 8, '"') is None
    assert typed("x = ", 4, '"') == ('x = ""', 5)


def test_pairs_depend_on_the_language() -> None:
    assert "'" not in pairs_for("rust")  # lifetimes
    assert "`" in pairs_for("typescript") and "`" not in pairs_for("python")
    assert typed("fn f<", 5, "'", "rust") is None


def test_a_selection_is_wrapped_and_stays_selected() -> None:
    edit = on_character(["say hello now"], (0, 4), (0, 9), '"', "python")
    assert edit is not None
    assert apply(["say hello now"], edit) == ('say "hello" now', (0, 5), (0, 10))
    multi = on_character(["a", "b"], (0, 0), (1, 1), "(", "python")
    assert multi is not None
    assert apply(["a", "b"], multi) == ("(a\nb)", (0, 1), (1, 1))


def test_backspace_inside_an_empty_pair_deletes_both_halves() -> None:
    edit = on_backspace(["f()"], (0, 2), "python")
    assert edit is not None and apply(["f()"], edit)[0] == "f"
    assert on_backspace(["f(x)"], (0, 2), "python") is None


def enter(lines: list[str], row: int, column: int, language: str = "python") -> tuple[str, tuple[int, int]]:
    edit = on_enter(lines, (row, column), (row, column), language, "    ")
    text, _, cursor = apply(lines, edit)
    return text, cursor


def test_enter_keeps_indentation_and_indents_after_a_colon_in_python() -> None:
    assert enter(["    x = 1"], 0, 9) == ("    x = 1\n    ", (1, 4))
    assert enter(["def f():"], 0, 8) == ("def f():\n    ", (1, 4))
    assert enter(["if x:  # why"], 0, 12) == ("if x:  # why\n    ", (1, 4))


def test_enter_between_braces_puts_the_closer_on_its_own_line() -> None:
    assert enter(["fn main() {}"], 0, 11, "rust") == ("fn main() {\n    \n}", (1, 4))
    assert enter(["  call(", "  )"], 0, 7, "javascript") == ("  call(\n      \n  )", (1, 6))


def test_enter_after_return_or_pass_dedents_in_python() -> None:
    assert enter(["def f():", "    return 1"], 1, 12) == ("def f():\n    return 1\n", (2, 0))
    assert enter(["        pass"], 0, 12) == ("        pass\n    ", (1, 4))
    assert enter(["    returned = 1"], 0, 16) == ("    returned = 1\n    ", (1, 4))


def test_a_closer_typed_on_a_blank_line_dedents_to_its_opener() -> None:
    lines = ["int f() {", "    x();", "        "]
    edit = on_character(lines, (2, 8), (2, 8), "}", "c")
    assert edit is not None
    assert apply(lines, edit) == ("int f() {\n    x();\n}", (2, 1), (2, 1))


def test_matching_finds_the_partner_across_lines_and_nesting() -> None:
    lines = ["f(a, [b, (c)],", "  d)"]
    assert find_matching_bracket(lines, (0, 1)) == (1, 3)
    assert find_matching_bracket(lines, (1, 3)) == (0, 1)
    assert find_matching_bracket(lines, (0, 5)) == (0, 12)
    assert find_matching_bracket(lines, (0, 0)) is None
    assert find_unmatched_opener(lines, (1, 2), "(") == (0, 1)


def test_matching_gives_up_within_its_budget_on_a_huge_unmatched_line() -> None:
    line = "(" + "x" * 1_000_000
    assert find_matching_bracket([line] * 100, (0, 0), budget=200_000) is None
    assert find_matching_bracket(["(" + "x" * 100_000 + ")"], (0, 0)) == (0, 100_001)


@given(st.text(alphabet="()[]{}ab\n", max_size=60))
def test_matching_is_symmetric(text: str) -> None:
    lines = text.split("\n")
    for row, line in enumerate(lines):
        for column, char in enumerate(line):
            if char in "([{":
                partner = find_matching_bracket(lines, (row, column))
                if partner is not None:
                    assert find_matching_bracket(lines, partner) == (row, column)


def test_outdent_aligns_with_the_innermost_open_block_only() -> None:
    from core.text.smart_typing import on_outdent

    lines = ["if a:", "    if b:", "        x()", "        else"]
    edit = on_outdent(lines, (3, 12), ":", "python", "    ")
    assert edit is not None and edit.text == "    else:" and edit.start == (3, 0)
    assert on_outdent(["for x in y:", "    z()", "    else"], (2, 8), ":", "python", "    ") is not None
    assert on_outdent(["x = 1", "    else"], (1, 8), ":", "python", "    ") is None
    assert on_outdent(["if a:", "    b()", "    else"], (2, 8), ":", "javascript", "    ") is None
    assert on_outdent(["if a:", "    b()", "    else  # why"], (2, 8), ":", "python", "    ") is None, "mid-line"
    assert on_outdent(["if a:", "    b()", "    elsewhere"], (2, 13), ":", "python", "    ") is None
