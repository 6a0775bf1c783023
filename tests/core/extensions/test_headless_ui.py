"""HeadlessUi: edits from extensions land in a TextBuffer as one undo step."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.extensions import HeadlessUi
from core.types.text import Range, TextEdit


async def test_several_edits_apply_against_the_original_text_as_one_undo_step() -> None:
    ui = HeadlessUi()
    document = ui.open_document("one two\nthree\n")
    edits = [TextEdit(range=Range.of(0, 0, 0, 3), new_text="1"), TextEdit(range=Range.of(1, 0, 1, 5), new_text="3")]
    await ui.apply_edits(edits, None)
    assert document.buffer.text == "1 two\n3\n"
    assert document.buffer.undo()
    assert document.buffer.text == "one two\nthree\n"


@given(st.text(alphabet="ab\n", max_size=30), st.data())
def test_offsets_and_positions_are_inverse(text: str, data: st.DataObject) -> None:
    document = HeadlessUi().open_document(text)
    offset = data.draw(st.integers(0, len(text)))
    assert document.offset(document.position(offset)) == offset
