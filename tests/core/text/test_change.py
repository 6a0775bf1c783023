"""Changes as data: apply, invert, compose and position mapping agree with plain string slicing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ValidationError
from core.text import Change, Delete, Insert, Retain

TEXT = st.text(alphabet="ab\n é", max_size=30)


@st.composite
def text_and_change(draw: st.DrawFn, text: str | None = None) -> tuple[str, Change, list[tuple[int, int, str]]]:
    if text is None:
        text = draw(TEXT)
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=6)))
    pairs = list(zip(cuts[::2], cuts[1::2], strict=False))
    edits = [(start, end, draw(st.text(alphabet="xy\n", max_size=4))) for start, end in pairs]
    return text, Change.from_edits(len(text), edits), edits


def splice(text: str, edits: list[tuple[int, int, str]]) -> str:
    out, position = [], 0
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1])):
        out += [text[position:start], new]
        position = end
    return "".join(out) + text[position:]


@given(text_and_change())
def test_apply_matches_splicing_each_edit(case: tuple[str, Change, list[tuple[int, int, str]]]) -> None:
    text, change, edits = case
    assert change.apply(text) == splice(text, edits)
    assert change.len_before == len(text) and change.len_after == len(change.apply(text))


@given(text_and_change())
def test_inverse_restores_the_original(case: tuple[str, Change, list[tuple[int, int, str]]]) -> None:
    text, change, _ = case
    assert change.invert(text).apply(change.apply(text)) == text


@given(st.data(), text_and_change())
def test_compose_equals_applying_in_sequence(
    data: st.DataObject, case: tuple[str, Change, list[tuple[int, int, str]]]
) -> None:
    text, first, _ = case
    middle = first.apply(text)
    _, second, _ = data.draw(text_and_change(middle))
    assert first.compose(second).apply(text) == second.apply(middle)


@given(text_and_change(), st.data())
def test_positions_outside_edits_keep_their_character(
    case: tuple[str, Change, list[tuple[int, int, str]]], data: st.DataObject
) -> None:
    text, change, edits = case
    untouched = [i for i in range(len(text)) if not any(s <= i < e or i == s for s, e, _ in edits)]
    if not untouched:
        return
    position = data.draw(st.sampled_from(untouched))
    assert change.apply(text)[change.map_position(position)] == text[position]


def test_refuses_a_text_of_the_wrong_length() -> None:
    change = Change.replace(5, 1, 2, "x")
    with pytest.raises(ValidationError, match="length 5, got 4"):
        change.apply("abcd")


def test_overlapping_edits_are_refused_with_a_hint() -> None:
    with pytest.raises(ValidationError) as info:
        Change.from_edits(5, [(0, 3, "a"), (2, 4, "b")])
    assert "overlap" in info.value.message and info.value.hint


def test_steps_are_canonical_so_equal_changes_compare_equal() -> None:
    a = Change([Retain(1), Retain(1), Delete(1), Insert("x"), Retain(0)])
    b = Change([Retain(2), Insert("x"), Delete(1)])
    assert a == b and a.steps == (Retain(2), Insert("x"), Delete(1))


def test_insertion_point_maps_before_or_after_as_asked() -> None:
    change = Change.replace(4, 2, 2, "XY")
    assert change.map_position(2, "before") == 2
    assert change.map_position(2, "after") == 4
    assert change.map_position(3) == 5


def test_touched_lists_replacements_in_original_offsets() -> None:
    change = Change.from_edits(10, [(1, 3, "ab"), (5, 5, "Z")])
    assert change.touched() == [(1, 3, "ab"), (5, 5, "Z")]
