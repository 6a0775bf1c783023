"""Applying a server's batch of edits (formatting, rename previews) exactly as LSP defines it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lsprotocol import types as lsp

from core.errors import ValidationError
from core.lsp.edits import apply_text_edits, to_core_edits, workspace_edit_changes
from core.types.text import Range


def _edit(sl: int, sc: int, el: int, ec: int, text: str) -> lsp.TextEdit:
    return lsp.TextEdit(
        range=lsp.Range(start=lsp.Position(line=sl, character=sc), end=lsp.Position(line=el, character=ec)),
        new_text=text,
    )


def test_edits_are_relative_to_the_original_text_not_to_each_other() -> None:
    text = "alpha beta\ngamma\n"
    edits = [_edit(0, 0, 0, 5, "A"), _edit(0, 6, 0, 10, "B"), _edit(1, 0, 1, 5, "C")]
    assert apply_text_edits(text, edits, "utf-16") == "A B\nC\n"


def test_inserts_at_one_position_keep_their_given_order() -> None:
    assert apply_text_edits("x", [_edit(0, 0, 0, 0, "1"), _edit(0, 0, 0, 0, "2")], "utf-16") == "12x"


def test_utf16_columns_are_converted_before_applying() -> None:
    assert apply_text_edits("😀ab", [_edit(0, 2, 0, 3, "X")], "utf-16") == "😀Xb"


def test_position_past_the_end_means_the_end_of_the_document() -> None:
    assert apply_text_edits("a\nb", [_edit(0, 1, 9, 0, "!")], "utf-16") == "a!"


def test_overlapping_edits_are_refused() -> None:
    with pytest.raises(ValidationError, match="overlapping edits at line 1"):
        to_core_edits("abcdef", [_edit(0, 0, 0, 3, "x"), _edit(0, 2, 0, 4, "y")], "utf-16")


def test_core_edits_come_last_first_so_they_can_be_applied_one_by_one() -> None:
    edits = to_core_edits("ab\ncd", [_edit(0, 0, 0, 1, "X"), _edit(1, 0, 1, 1, "Y")], "utf-32")
    assert [edit.range for edit in edits] == [Range.of(1, 0, 1, 1), Range.of(0, 0, 0, 1)]


@given(
    text=st.text(alphabet="ab\n", max_size=30),
    cuts=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 3), st.text(alphabet="XY\n", max_size=3)), max_size=5),
)
def test_batch_equals_splicing_non_overlapping_spans_from_the_end(text: str, cuts: list[tuple[int, int, str]]) -> None:
    # Build non-overlapping spans in offsets, then express them as line/character edits.
    spans: list[tuple[int, int, str]] = []
    last_end = -1
    for start, length, new in sorted(cuts):
        start = min(start, len(text))
        if start <= last_end:
            continue
        end = min(start + length, len(text))
        spans.append((start, end, new))
        last_end = end

    def position(offset: int) -> tuple[int, int]:
        before = text[:offset]
        return before.count("\n"), len(before) - (before.rfind("\n") + 1)

    edits = [_edit(*position(start), *position(end), new) for start, end, new in spans]
    expected = text
    for start, end, new in reversed(spans):
        expected = expected[:start] + new + expected[end:]
    assert apply_text_edits(text, edits, "utf-16") == expected


def test_workspace_edit_in_either_form_gives_edits_per_file_and_file_operations() -> None:
    edit = lsp.WorkspaceEdit(
        changes={"file:///a.py": [_edit(0, 0, 0, 1, "x")]},
        document_changes=[
            lsp.TextDocumentEdit(
                text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri="file:///b.py", version=3),
                edits=[_edit(1, 0, 1, 0, "y")],
            ),
            lsp.RenameFile(old_uri="file:///c.py", new_uri="file:///d.py"),
        ],
    )
    changes, operations = workspace_edit_changes(edit)
    assert sorted(changes) == ["file:///a.py", "file:///b.py"]
    assert [(op.kind, op.uri, op.new_uri) for op in operations] == [("rename", "file:///c.py", "file:///d.py")]
