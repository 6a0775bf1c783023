"""The client's mirror of an open document applies the editor's edits exactly like the editor does."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lsprotocol import types as lsp

from core.errors import ConflictError, ValidationError
from core.lsp.mirror import DocumentMirror
from core.lsp.positions import line_content, split_lines
from core.types.text import Position, Range, TextEdit

TEXT = st.lists(st.sampled_from(["a", "é", "😀", "\n", "\r", "\r\n", " "]), max_size=20).map("".join)


def _offset(text: str, position: Position) -> int:
    lines = split_lines(text)
    start = sum(len(line) for line in lines[: position.line])
    return start + min(position.column, len(line_content(lines[position.line])))


def _reference_apply(text: str, edit: TextEdit) -> str:
    start, end = _offset(text, edit.range.start), _offset(text, edit.range.end)
    return text[:start] + edit.new_text + text[end:]


@st.composite
def _edit_for(draw: st.DrawFn, text: str) -> TextEdit:
    lines = split_lines(text)
    points = []
    for _ in range(2):
        line = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        column = draw(st.integers(min_value=0, max_value=len(line_content(lines[line]))))
        points.append(Position(line=line, column=column))
    start, end = sorted(points, key=lambda p: (p.line, p.column))
    return TextEdit(range=Range(start=start, end=end), new_text=draw(TEXT))


@given(text=TEXT, data=st.data())
def test_sequence_of_edits_gives_the_same_text_as_splicing_the_string(text: str, data: st.DataObject) -> None:
    mirror = DocumentMirror("file:///t.txt", "text", 1, text)
    expected = text
    for version in range(2, 6):
        edit = data.draw(_edit_for(expected))
        mirror.apply(version, [edit], "utf-16")
        expected = _reference_apply(expected, edit)
        assert mirror.text == expected
        assert mirror.line_count == len(split_lines(expected))


def test_change_events_carry_ranges_in_the_servers_units() -> None:
    mirror = DocumentMirror("file:///t.py", "python", 1, "x = '😀'; y\n")
    edit = TextEdit(range=Range.of(0, 9, 0, 10), new_text="z")
    [event] = mirror.apply(2, [edit], "utf-16")
    assert isinstance(event, lsp.TextDocumentContentChangePartial)
    assert event.range == lsp.Range(start=lsp.Position(line=0, character=10), end=lsp.Position(line=0, character=11))
    assert mirror.text == "x = '😀'; z\n"


def test_later_edits_in_one_change_apply_to_the_result_of_earlier_ones() -> None:
    mirror = DocumentMirror("file:///t.txt", "text", 1, "abc")
    mirror.apply(
        2,
        [TextEdit(range=Range.of(0, 0, 0, 0), new_text="X\n"), TextEdit(range=Range.of(1, 3, 1, 3), new_text="!")],
        "utf-32",
    )
    assert mirror.text == "X\nabc!"


def test_stale_version_is_refused_with_a_conflict() -> None:
    mirror = DocumentMirror("file:///t.txt", "text", 3, "abc")
    with pytest.raises(ConflictError, match="version 3"):
        mirror.apply(3, [], "utf-16")


def test_edit_past_the_last_line_is_refused_and_names_the_document() -> None:
    mirror = DocumentMirror("file:///t.txt", "text", 1, "abc")
    with pytest.raises(ValidationError, match=r"file:///t.txt: line 4"):
        mirror.apply(2, [TextEdit(range=Range.of(4, 0, 4, 0), new_text="x")], "utf-16")
