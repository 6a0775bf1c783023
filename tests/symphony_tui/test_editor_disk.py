"""Files changed by someone else: a clean buffer reloads in place, a dirty one asks, a deleted one is marked."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from symphony_tui.app import SymphonyApp
from symphony_tui.widgets.dialogs import ChoiceDialog
from symphony_tui.widgets.editor import Editor
from tests.symphony_tui.pilot_wait import commands_done, settle

SIZE = (100, 30)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "notes.txt").write_text("one\ntwo\nthree\n", encoding="utf-8")
    return root


async def wait_until(pilot: Pilot[None], condition: Callable[[], bool], attempts: int = 200) -> None:
    """Let the app run until ``condition()`` holds (bounded by event-loop turns, not a deadline)."""
    for _ in range(attempts):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition(), "condition never became true"


async def watching(pilot: Pilot[None], workspace: Path) -> Editor:
    await settle(pilot)
    editor = pilot.app.active_editor  # type: ignore[attr-defined]
    assert editor is not None and editor.file_watch is not None
    await wait_until(pilot, editor.file_watch.ready.is_set)
    return editor


def write_outside(path: Path, text: str) -> None:
    """Another program saves the file (a new mtime even within the same clock tick)."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 1_000_000_000, before + 1_000_000_000))


async def test_a_clean_buffer_reloads_silently_and_keeps_the_cursor(workspace: Path) -> None:
    app = SymphonyApp(workspace, open_paths=[workspace / "notes.txt"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await watching(pilot, workspace)
        editor.move_cursor((1, 2))
        write_outside(workspace / "notes.txt", "one\nTWO!\nthree\nfour\n")
        await wait_until(pilot, lambda: editor.text == "one\nTWO!\nthree\nfour\n")
        assert editor.cursor_location == (1, 2)
        assert not editor.dirty and not isinstance(app.screen, ChoiceDialog)


async def test_a_dirty_buffer_asks_and_take_theirs_replaces_the_text(workspace: Path) -> None:
    app = SymphonyApp(workspace, open_paths=[workspace / "notes.txt"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await watching(pilot, workspace)
        await pilot.press("X")
        write_outside(workspace / "notes.txt", "from elsewhere\n")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("t")
        await wait_until(pilot, lambda: editor.text == "from elsewhere\n")
        assert not editor.dirty


async def test_keep_mine_lets_the_next_save_overwrite_without_asking(workspace: Path) -> None:
    app = SymphonyApp(workspace, open_paths=[workspace / "notes.txt"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await watching(pilot, workspace)
        await pilot.press("X")
        write_outside(workspace / "notes.txt", "from elsewhere\n")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("k")
        await pilot.pause()
        assert editor.text.startswith("Xone")
        await pilot.press("ctrl+s")
        await commands_done(pilot)
        assert (workspace / "notes.txt").read_text() == "Xone\ntwo\nthree\n"


async def test_a_deleted_file_marks_its_tab_and_saving_brings_it_back(workspace: Path) -> None:
    app = SymphonyApp(workspace, open_paths=[workspace / "notes.txt"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await watching(pilot, workspace)
        (workspace / "notes.txt").unlink()
        await wait_until(pilot, lambda: editor.deleted_on_disk)
        await pilot.pause()
        label = str(app.tabs.get_tab(editor.parent.id).label)  # type: ignore[union-attr]
        assert "(deleted)" in label
        await pilot.press("ctrl+s")
        await commands_done(pilot)
        assert (workspace / "notes.txt").read_text() == "one\ntwo\nthree\n"
        assert not editor.deleted_on_disk


def test_conflict_prompt_snapshot(snap_compare, workspace: Path) -> None:  # type: ignore[no-untyped-def]
    app = SymphonyApp(workspace, open_paths=[workspace / "notes.txt"], watch_config=False)

    async def run_before(pilot: Pilot[None]) -> None:
        editor = await watching(pilot, workspace)
        await pilot.press("X")
        write_outside(workspace / "notes.txt", "from elsewhere\n")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        assert editor.dirty
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_keys_of_the_keymap_wait_while_the_conflict_dialog_asks(workspace: Path) -> None:
    app = SymphonyApp(workspace, open_paths=[workspace / "notes.txt"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await watching(pilot, workspace)
        await pilot.press("X")
        write_outside(workspace / "notes.txt", "from elsewhere\n")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        dialogs = len(app.screen_stack)
        await pilot.press("ctrl+s", "ctrl+p", "alt+left")
        await commands_done(pilot)
        assert len(app.screen_stack) == dialogs and isinstance(app.screen, ChoiceDialog)
        assert (workspace / "notes.txt").read_text(encoding="utf-8") == "from elsewhere\n"
        await pilot.press("k")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await commands_done(pilot)
        assert (workspace / "notes.txt").read_text(encoding="utf-8") == editor.text
