"""Split views: one document in two panes; what is typed in either shows in both, saving either saves the file."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from symphony_tui.app import SymphonyApp
from symphony_tui.widgets.editor import Editor

SIZE = (120, 30)
SOURCE = "".join(f"line {i}\n" for i in range(100))


async def settle(pilot: Pilot[None]) -> None:
    background = [w for w in pilot.app.workers if w.group != "commands"]
    if background:
        await pilot.app.workers.wait_for_complete(background)
    await pilot.pause()


async def split(pilot: Pilot[None], app: SymphonyApp) -> tuple[Editor, Editor]:
    first = app.active_editor
    assert first is not None
    await pilot.press("ctrl+backslash")
    running = [w for w in app.workers if w.group == "commands"]
    await app.workers.wait_for_complete(running)
    await pilot.pause()
    second = app.focused
    assert isinstance(second, Editor) and second is not first
    return first, second


async def test_edits_in_either_pane_show_in_both_and_share_one_undo_history(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text(SOURCE, encoding="utf-8")
    app = SymphonyApp(tmp_path, open_paths=[path], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first, second = await split(pilot, app)
        assert app.editors == [first] and app.active_editor is second
        assert second.split_of is first and second.region.x > first.region.x
        second.move_cursor((50, 0))
        await pilot.press(*"ABC")
        assert first.document[50] == "ABCline 50" == second.document[50]
        assert first.dirty and second.dirty
        first.move_cursor((0, 0))
        first.insert("top\n")
        assert second.text == first.text and second.cursor_location == (51, 3)
        second.undo()  # one history per document: the last change, made in the first pane, goes
        assert first.document[0] == "line 0" and first.document[50] == "ABCline 50"
        second.undo()
        assert first.document[50] == "line 50" and second.text == first.text == SOURCE
        first.redo()
        assert second.document[50] == "ABCline 50"


async def test_saving_the_second_pane_saves_the_file_and_both_become_clean(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text(SOURCE, encoding="utf-8")
    app = SymphonyApp(tmp_path, open_paths=[path], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first, second = await split(pilot, app)
        await pilot.press("X")
        assert await app.save_editor(second)
        await pilot.pause()
        assert not first.dirty and not second.dirty
        assert path.read_text(encoding="utf-8") == "X" + SOURCE
        await app.close_editor(second)
        await pilot.pause()
        assert app.editors == [first] and list(app.query(Editor)) == [first]
        assert app.focused is first
        await pilot.press("Y")
        assert first.text.startswith("XY"), "the first pane kept its place after the text typed before it"


async def test_the_new_pane_shows_the_lines_the_first_pane_showed_unscrolled_sideways(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("".join(f"line {i} " + "x" * 40 + "\n" for i in range(100)), encoding="utf-8")
    app = SymphonyApp(tmp_path, open_paths=[path], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = app.active_editor
        assert first is not None
        first.move_cursor((60, 35))
        first.scroll_to(0, 55, animate=False, immediate=True)
        await pilot.pause()
        first, second = await split(pilot, app)
        await pilot.pause()
        assert second.cursor_location == (60, 35)
        assert second.scroll_offset.x == 0  # column 35 fits in the half-width pane: no sideways scroll
        assert second.scroll_offset.y == first.scroll_offset.y
