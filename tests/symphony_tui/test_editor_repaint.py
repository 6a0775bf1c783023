"""A keystroke repaints what it changed: its row, not the screen; the screen is not laid out again per key."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from rich.text import Text

from symphony_tui.app import SymphonyApp
from symphony_tui.widgets.editor import Editor
from symphony_tui.widgets.editor_repaint import VIRTUAL_WIDTH_STEP, stepped_virtual_width
from tests.symphony_tui.pilot_wait import settle

SIZE = (120, 40)


def source(lines: int) -> str:
    return "".join(f"value_{i} = compute({i}, 'x')  # line {i}\n" for i in range(lines))


@pytest.fixture
def app(tmp_path: Path) -> SymphonyApp:
    (tmp_path / "mod.py").write_text(source(400), encoding="utf-8")
    return SymphonyApp(tmp_path, open_paths=[tmp_path / "mod.py"], watch_config=False)


def spy_rendered_rows(editor: Editor, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    rows: list[int] = []
    original = type(editor)._render_line

    def spy(self: Editor, y: int) -> object:
        rows.append(self.scroll_offset.y + y)
        return original(self, y)

    monkeypatch.setattr(type(editor), "_render_line", spy)
    return rows


async def test_typing_and_moving_repaint_only_the_rows_involved(
    app: SymphonyApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = app.active_editor
        assert editor is not None
        editor.cursor_blink = False
        editor.move_cursor((10, 3))
        await pilot.press("z")  # the first edit also marks the tab dirty (a layout change)
        await settle(pilot)
        rows = spy_rendered_rows(editor, monkeypatch)
        await pilot.press("z")
        await pilot.pause()
        assert set(rows) == {10}
        rows.clear()
        await pilot.press("down")
        await pilot.pause()
        assert set(rows) == {10, 11}
        rows.clear()
        await pilot.press("enter")  # a line break moves every row below it
        await pilot.pause()
        assert min(rows) == 11 and 12 in rows and 10 not in rows


def test_the_virtual_width_steps_once_lines_are_wider_than_the_view() -> None:
    assert stepped_virtual_width(50, 100) == 100
    assert stepped_virtual_width(101, 100) == 128 if VIRTUAL_WIDTH_STEP == 32 else True
    widths = {stepped_virtual_width(w, 100) for w in range(101, 101 + 4 * VIRTUAL_WIDTH_STEP)}
    assert len(widths) <= 5
    assert all(stepped_virtual_width(w, 100) >= w for w in range(0, 1000))


async def test_typing_past_the_right_edge_scrolls_a_quarter_view_at_a_time(tmp_path: Path) -> None:
    (tmp_path / "wide.txt").write_text("a" * 300 + "\n", encoding="utf-8")
    app = SymphonyApp(tmp_path, open_paths=[tmp_path / "wide.txt"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = app.active_editor
        assert editor is not None
        offsets = set()
        for column in range(0, 300, 1):
            editor.move_cursor((0, column))
            offsets.add(editor.scroll_offset.x)
        view = editor.scrollable_content_region.width - editor.gutter_width
        assert len(offsets) <= 300 // (view // 4) + 2, "jumps, not a scroll per column"


async def test_full_collections_wait_for_a_pause_while_the_app_runs(app: SymphonyApp) -> None:
    before = gc.get_threshold()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert gc.get_threshold()[2] > 10_000
    assert gc.get_threshold() == before


async def test_an_edit_that_changes_syntax_below_it_repaints_those_rows_with_new_colours(app: SymphonyApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = app.active_editor
        assert editor is not None
        assert not any(name.startswith("string") and start == 0 for start, _, name in editor._highlights[20])
        editor.insert('"""', (5, 0))  # everything below is now inside a string
        await pilot.pause()
        assert any(name.startswith("string") for _, _, name in editor._highlights[20])
        editor.undo()
        await pilot.pause()
        assert not any(name.startswith("string") and start == 0 for start, _, name in editor._highlights[20])


async def test_a_horizontal_scroll_recrops_rows_already_styled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "wide.py").write_text(
        "".join(f"value_{i} = compute({i}, 'x')  # {'w' * 200} line {i}\n" for i in range(100)), encoding="utf-8"
    )
    app = SymphonyApp(tmp_path, open_paths=[tmp_path / "wide.py"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = app.active_editor
        assert editor is not None
        editor.cursor_blink = False
        await pilot.pause()
        styled: list[object] = []
        original = Text.render

        def spy(self: Text, *args: object, **kwargs: object) -> object:
            styled.append(self)
            return original(self, *args, **kwargs)

        monkeypatch.setattr(Text, "render", spy)
        rows = spy_rendered_rows(editor, monkeypatch)
        editor.scroll_to(x=40, animate=False, immediate=True)
        await pilot.pause()
        assert len(rows) >= editor.size.height - 1, "every row is painted at the new scroll"
        assert not styled, "but none is styled again"
        scrolled = [editor.render_line(y) for y in range(editor.size.height)]
        editor._line_cache.clear()
        fresh = [editor.render_line(y) for y in range(editor.size.height)]
        assert [list(s) for s in scrolled] == [list(s) for s in fresh]
        assert "w" * 10 in "".join(segment.text for segment in fresh[3])


async def test_with_soft_wrap_a_key_repaints_the_rows_of_its_line_and_the_screen_stays_exact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    words = " ".join(f"word{i}" for i in range(40))
    (tmp_path / "mod.py").write_text("".join(f"x_{i} = '{words}'\n" for i in range(60)), encoding="utf-8")
    app = SymphonyApp(tmp_path, open_paths=[tmp_path / "mod.py"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = app.active_editor
        assert editor is not None
        editor.cursor_blink = False
        editor.soft_wrap = True
        editor.move_cursor((3, 2))
        await pilot.press("z")
        await settle(pilot)
        wrapped = editor.wrapped_document

        def screen() -> list[str]:
            return [editor.render_line(y).text for y in range(editor.size.height)]

        rows = spy_rendered_rows(editor, monkeypatch)
        await pilot.press("z")
        await pilot.pause()
        line_rows = set(wrapped._line_index_to_offsets[3])
        assert rows and set(rows) <= line_rows, "only the visual rows of the edited line"
        rows.clear()
        await pilot.press("down")
        await pilot.pause()
        assert set(rows) <= line_rows | set(wrapped._line_index_to_offsets[4])
        shown = screen()
        editor._line_cache.clear()
        assert shown == screen(), "what the partial repaints left equals a full repaint"
        await pilot.press(*" and enough words to take one more row at this width" * 2)
        await pilot.pause()
        shown = screen()
        editor._line_cache.clear()
        assert shown == screen()
