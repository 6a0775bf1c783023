"""Rows render at a cost bounded by the view: the visible window of a long line, exactly as the full line would."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from textual.expand_tabs import expand_tabs_inline

from symphony_tui.app import SymphonyApp
from symphony_tui.widgets.editor_render import visible_window


def cells(text: str) -> list[str]:
    """One entry per cell: the character starting there, '' for the second half of a wide character."""
    out: list[str] = []
    for char in text:
        out.append(char)
        out.extend([""] * (cell_len(char) - 1))
    return out


@given(
    line=st.text(alphabet=st.sampled_from(["a", "b", " ", "\t", "界", "é"]), max_size=80),
    scroll_x=st.integers(0, 100),
    width=st.integers(1, 40),
    tab_width=st.integers(1, 8),
)
def test_the_window_renders_the_same_cells_as_the_whole_line(
    line: str, scroll_x: int, width: int, tab_width: int
) -> None:
    first, end, first_cell, tab_widths = visible_window(line, scroll_x, width, tab_width)
    whole = cells(expand_tabs_inline(line, tab_width))
    window = line[first:end]
    parts = window.split("\t")
    assert len(tab_widths) == len(parts) - 1
    expanded = parts[0] + "".join(" " * w + part for w, part in zip(tab_widths, parts[1:], strict=True))
    shown = cells(expanded)
    assert first_cell <= max(scroll_x, 0) or first == len(line)
    assert shown == whole[first_cell : first_cell + len(shown)]
    assert first_cell + len(shown) >= min(len(whole), scroll_x + width)


async def test_a_long_line_scrolled_sideways_shows_its_middle_and_soft_wrap_shows_every_section(
    tmp_path: Path,
) -> None:
    line = "".join(f"{i:06d} " for i in range(15_000))  # 105,000 characters
    (tmp_path / "wide.txt").write_text(line + "\nshort\n", encoding="utf-8")
    app = SymphonyApp(tmp_path, open_paths=[tmp_path / "wide.txt"], watch_config=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        editor = app.active_editor
        assert editor is not None
        app.query_one("#explorer").display = False
        await pilot.pause()
        editor.move_cursor((0, 70_000))
        editor.scroll_cursor_visible()
        await pilot.pause()
        gutter = editor.gutter_width
        shown = editor.render_line(0).text[gutter:]
        start = editor.scroll_offset.x
        assert shown == line[start : start + len(shown)]
        assert len(editor.render_line(1).text) == editor.scrollable_content_region.width
        editor.soft_wrap = True
        await pilot.pause()
        editor.scroll_to(0, 0, animate=False)
        await pilot.pause()
        rows = [editor.render_line(y).text[editor.gutter_width :].strip() for y in range(3)]
        assert all(rows) and line.startswith(" ".join(rows) + " "), "wrapped at spaces, each section its own row"


async def test_typing_with_soft_wrap_rewraps_the_edited_line_and_moves_the_rows_below(tmp_path: Path) -> None:
    words = " ".join(f"word{i}" for i in range(30))  # wraps to several rows at this width
    (tmp_path / "notes.txt").write_text(f"{words}\nshort\n{words}\nlast\n", encoding="utf-8")
    app = SymphonyApp(tmp_path, open_paths=[tmp_path / "notes.txt"], watch_config=False)
    async with app.run_test(size=(60, 30)) as pilot:
        await pilot.pause()
        editor = app.active_editor
        assert editor is not None
        app.query_one("#explorer").display = False
        editor.soft_wrap = True
        await pilot.pause()
        wrapped = editor.wrapped_document

        def shown() -> list[str]:
            return [editor.render_line(y).text[editor.gutter_width :].rstrip() for y in range(wrapped.height)]

        before = wrapped.height
        short_row = wrapped.location_to_offset((1, 0)).y
        assert shown()[short_row] == "short"
        editor.move_cursor((0, len(words)))
        await pilot.press(*" and more words typed at the end of the first line")
        assert wrapped.height > before, "the first line wraps to more rows"
        moved = wrapped.location_to_offset((1, 0)).y
        assert moved > short_row and shown()[moved] == "short", "the rows below moved down"
        assert (
            " ".join(shown()[:moved]).split() == (words + " and more words typed at the end of the first line").split()
        )
        await pilot.press("enter", *"inserted")
        assert wrapped.location_to_offset((2, 0)).y == moved + 1 and shown()[moved + 1] == "short"
        await pilot.press("down")
        assert editor.cursor_location[0] == 2, "the cursor walks the new layout"
        original = f"{words}\nshort\n{words}\nlast\n"
        for _ in range(40):  # undo back to the file as opened, one typed word at a time
            if editor.text == original:
                break
            editor.undo()
        await pilot.pause()
        assert editor.text == original
        assert wrapped.height == before and shown()[short_row] == "short"
