"""The editor's incremental document model agrees with recomputing everything from the text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from textual.document._document import Document
from textual.document._wrapped_document import WrappedDocument
from textual.geometry import Offset
from tree_sitter import Language, Parser

from symphony_tui.widgets.editor_document import (
    ByteEdit,
    EditorDocument,
    FastWrappedDocument,
    LineByteOffsets,
    VisualRows,
)
from symphony_tui.widgets.highlights import LazyHighlights

LINE_TEXT = st.text(alphabet=st.sampled_from(list("ab é\t界()")), max_size=12)
TEXTS = st.lists(LINE_TEXT, min_size=1, max_size=40).map("\n".join)


@st.composite
def edits(draw: st.DrawFn, text: str) -> tuple[tuple[int, int], tuple[int, int], str]:
    lines = text.split("\n")
    rows = sorted(draw(st.lists(st.integers(0, len(lines) - 1), min_size=2, max_size=2)))
    start = (rows[0], draw(st.integers(0, len(lines[rows[0]]))))
    end = (rows[1], draw(st.integers(0, len(lines[rows[1]]))))
    start, end = sorted((start, end))
    insert = draw(st.lists(LINE_TEXT, min_size=1, max_size=3).map("\n".join))
    return start, end, insert


def naive_offset(text: str, row: int, column: int) -> int:
    lines = text.split("\n")
    return len("\n".join(lines[:row]).encode()) + (1 if row else 0) + len(lines[row][:column].encode())


@settings(max_examples=60, deadline=None)
@given(st.data(), TEXTS)
def test_byte_offsets_and_width_survive_any_sequence_of_edits(data: st.DataObject, text: str) -> None:
    LineByteOffsets.BLOCK = 4  # small blocks so edits cross block boundaries
    document = EditorDocument(text)
    document.track_bytes = True
    reported: list[ByteEdit] = []
    document.on_replace = lambda first, old_last, new_last, byte_edit: reported.append(byte_edit)  # type: ignore[arg-type]
    document.get_size(4)
    document.line_endings = ["cr"] * (document.line_count - 1)
    for _ in range(data.draw(st.integers(1, 5))):
        before = document.text
        start, end, insert = data.draw(edits(before))
        document.replace_range(start, end, insert)
        after = document.text
        start_byte, old_end_byte, _, _, new_end_byte, _ = reported[-1]
        assert start_byte == naive_offset(before, *start)
        assert old_end_byte == naive_offset(before, *end)
        assert after.encode()[:new_end_byte] == before.encode()[:start_byte] + insert.encode()
        for row, line in enumerate(document.lines):
            assert document.byte_offsets.offset((row, len(line))) == naive_offset(after, row, len(line))
        widths = [cell_len(line.expandtabs(4)) for line in document.lines]
        assert document.get_size(4).width == max(widths)
        assert document.get_size(4).height == len(document.lines)
        assert len(document.line_endings) == document.line_count - 1  # one ending per line break, always
    LineByteOffsets.BLOCK = 256


def test_highlights_after_an_edit_keep_other_rows_and_shift_rows_below() -> None:
    import tree_sitter_python

    parser = Parser(Language(tree_sitter_python.language()))
    source = "x = 1\ny = 'a'\nz = 2\n"
    tree = parser.parse(source.encode())
    from tree_sitter import Query, QueryCursor

    query = Query(Language(tree_sitter_python.language()), "(string) @string (integer) @number")
    queried: list[tuple[int, int]] = []

    def query_rows(first: int, end: int) -> dict[str, list[object]]:
        queried.append((first, end))
        cursor = QueryCursor(query)
        cursor.set_point_range((first, 0), (end, 0))
        return cursor.captures(tree.root_node)  # type: ignore[return-value]

    highlights = LazyHighlights(query_rows)
    assert highlights[1] == [(4, 7, "string")]
    assert highlights[2] == [(4, 5, "number")]
    assert queried == [(0, 64)]
    # Insert a line at the top: the tree is edited (not reparsed), rows below move down by one.
    tree.edit(0, 0, 6, (0, 0), (0, 0), (1, 0))
    highlights.edited(0, 0, 1)
    assert highlights[3] == [(4, 5, "number")]
    assert highlights[2] == [(4, 7, "string")]
    assert len(queried) == 1  # nothing below the edit was queried again
    assert highlights[1] == [(4, 5, "number")]
    assert queried[-1] == (0, 2)  # only the edited rows are queried again


WRAP_LINE = st.text(alphabet=st.sampled_from(list("ab é\t界() ")), max_size=30)


@settings(max_examples=80, deadline=None)
@given(st.data(), st.lists(WRAP_LINE, min_size=1, max_size=30).map("\n".join), st.integers(3, 12))
def test_a_wrapped_edit_rewraps_only_its_lines_and_agrees_with_textuals_full_wrap(
    data: st.DataObject, text: str, width: int
) -> None:
    VisualRows.BLOCK = 4  # small blocks so edits cross block boundaries
    try:
        document = EditorDocument(text)
        ours = FastWrappedDocument(document, width=width, tab_width=4)
        for _ in range(data.draw(st.integers(1, 5))):
            start, end, insert = data.draw(edits(document.text))
            result = document.replace_range(start, end, insert)
            ours.wrap_range(start, end, result.end_location)
            reference = WrappedDocument(Document(document.text), width=width, tab_width=4)
            assert ours.height == reference.height
            for row in range(reference.height):
                assert ours._offset_to_line_info[row] == reference._offset_to_line_info[row]
            assert ours._offset_to_line_info[-1] == reference._offset_to_line_info[-1]
            for line in range(document.line_count):
                assert ours._line_index_to_offsets[line] == reference._line_index_to_offsets[line]
                assert list(ours.get_offsets(line)) == reference.get_offsets(line)
                if "\t" in document[line]:  # (a line without tabs may answer [] for [0]: nothing reads it)
                    assert list(ours.get_tab_widths(line)) == reference.get_tab_widths(line)
            for row in range(reference.height):
                location = reference.offset_to_location(Offset(2, row))
                assert ours.offset_to_location(Offset(2, row)) == location
                assert ours.location_to_offset(location) == reference.location_to_offset(location)
    finally:
        VisualRows.BLOCK = 256
