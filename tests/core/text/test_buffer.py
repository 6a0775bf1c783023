"""The buffer: one mutator, multi-cursor edits through mapped selections, undo grouped the way people type."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.text import Change, Selection, SelRange, TextBuffer


def test_apply_returns_the_inverse_and_bumps_the_version() -> None:
    buffer = TextBuffer("hello")
    inverse = buffer.apply(Change.replace(5, 0, 1, "J"))
    assert buffer.text == "Jello" and buffer.version == 1
    buffer.apply(inverse, record=False)
    assert buffer.text == "hello"


def test_typing_at_three_cursors_edits_all_of_them() -> None:
    buffer = TextBuffer("a\nb\nc", selection=Selection.of([SelRange(1, 1), SelRange(3, 3), SelRange(5, 5)]))
    buffer.type_text(";")
    assert buffer.text == "a;\nb;\nc;"
    assert [r.head for r in buffer.selection.ranges] == [2, 5, 8]
    buffer.delete_backward()
    assert buffer.text == "a\nb\nc"


def test_a_typed_word_is_one_undo_step_and_the_space_ends_it() -> None:
    buffer = TextBuffer("")
    for char in "hello world":
        buffer.type_text(char)
    buffer.undo()
    assert buffer.text == "hello "
    buffer.undo()
    assert buffer.text == ""
    buffer.redo()
    buffer.redo()
    assert buffer.text == "hello world"


def test_moving_the_cursor_starts_a_new_undo_step() -> None:
    buffer = TextBuffer("ab")
    buffer.selection = Selection.caret(2)
    buffer.type_text("x")
    buffer.selection = Selection.caret(0)
    buffer.type_text("y")
    buffer.undo()
    assert buffer.text == "abx" and buffer.selection == Selection.caret(0)


def test_undo_restores_the_selection_it_started_from() -> None:
    buffer = TextBuffer("one two", selection=Selection.of([SelRange(0, 3)]))
    buffer.type_text("1")
    buffer.undo()
    assert buffer.text == "one two" and buffer.selection.main == SelRange(0, 3)


def test_listeners_see_each_change_and_can_unsubscribe() -> None:
    buffer = TextBuffer("x")
    seen: list[int] = []
    stop = buffer.subscribe(lambda change, buf: seen.append(buf.version))
    buffer.type_text("a")
    stop()
    buffer.type_text("b")
    assert seen == [1]


def test_overlapping_selections_merge() -> None:
    selection = Selection.of([SelRange(0, 4), SelRange(2, 6), SelRange(8, 8), SelRange(8, 8)])
    assert selection.ranges == (SelRange(0, 6), SelRange(8, 8))


@given(st.lists(st.sampled_from(["a", "b", " ", "\n", "BS", "UNDO", "REDO", "MOVE"]), max_size=40))
def test_undoing_everything_returns_to_the_start(actions: list[str]) -> None:
    buffer = TextBuffer("start")
    buffer.selection = Selection.caret(5)
    for action in actions:
        if action == "BS":
            buffer.delete_backward()
        elif action == "UNDO":
            buffer.undo()
        elif action == "REDO":
            buffer.redo()
        elif action == "MOVE":
            buffer.selection = Selection.caret(len(buffer) // 2)
        else:
            buffer.type_text(action)
    while buffer.undo():
        pass
    assert buffer.text == "start"
