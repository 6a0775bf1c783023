"""AppUi, the UiPort over the live workbench, driven directly (no host process): what extensions' calls do."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import NotFoundError, ValidationError
from core.types.text import Range, TextEdit
from symphony_tui.app import SymphonyApp
from symphony_tui.extensions_ui.app_ui import AppUi, document_id
from symphony_tui.widgets.dialogs import InputDialog
from symphony_tui.widgets.explorer import Explorer
from symphony_tui.widgets.quick_pick import QuickPick
from symphony_tui.widgets.status_bar import StatusBar
from tests.symphony_tui.extensions_ui.fixtures import settle, wait_until
from tests.symphony_tui.workspace_fixture import make_demo_workspace

SIZE = (120, 30)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return make_demo_workspace(tmp_path)


def edit(line: int, column: int, end_line: int, end_column: int, text: str) -> TextEdit:
    return TextEdit(range=Range.of(line, column, end_line, end_column), new_text=text)


async def test_edits_apply_bottom_up_as_one_undo_step_and_bad_edits_change_nothing(workspace: Path) -> None:
    app = SymphonyApp(workspace, open_paths=[workspace / "crlf.txt"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ui = app.extensions.ui
        editor = app.active_editor
        assert editor is not None
        meta = await ui.active_document()
        assert meta is not None and meta.id == document_id(editor) and meta.path == workspace / "crlf.txt"
        before = editor.version
        version = await ui.apply_edits([edit(1, 0, 1, 6, "2nd"), edit(0, 0, 0, 5, "1st")], meta.id)
        assert editor.text == "1st line\n2nd line\n" and version > before
        with pytest.raises(ValidationError, match="overlap"):
            await ui.apply_edits([edit(0, 0, 0, 4, "a"), edit(0, 2, 0, 6, "b")], None)
        with pytest.raises(ValidationError, match="past the end"):
            await ui.apply_edits([edit(9, 0, 9, 0, "x")], None)
        with pytest.raises(NotFoundError):
            await ui.get_text("doc-closed")
        assert editor.text == "1st line\n2nd line\n"
        editor.focus()
        await pilot.press("ctrl+z")
        assert editor.text == "first line\nsecond line\n"  # the crlf file shows \n in the buffer


async def test_quick_pick_and_input_box_are_the_workbench_dialogs(workspace: Path) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ui: AppUi = app.extensions.ui
        pick = app.run_worker(ui.quick_pick("t.x", [("alpha", "first"), ("beta", "second")], "Pick one", ""))
        await wait_until(pilot, lambda: isinstance(app.screen, QuickPick), "the quick pick")
        await pilot.press(*"bet", "enter")
        assert await pick.wait() == 1
        box = app.run_worker(ui.input_box("t.x", "Your name?", "", "name"))
        await wait_until(pilot, lambda: isinstance(app.screen, InputDialog), "the input box")
        await pilot.press("escape")
        assert await box.wait() is None


async def test_status_items_order_by_priority_and_clicking_runs_their_command(workspace: Path) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ui = app.extensions.ui
        await ui.set_status_item("t.a", {"id": "low", "text": "LOW", "alignment": "left", "priority": 1})
        await ui.set_status_item(
            "t.b",
            {"id": "hi", "text": "HIGH", "alignment": "left", "priority": 9, "command": "view.toggleExplorer"},
        )
        await ui.set_status_item("t.a", {"id": "r", "text": "RIGHT", "alignment": "right"})
        await pilot.pause()
        left = [str(w.render()) for w in app.query_one("#status-left-items").children]
        assert left == ["HIGH", "LOW"]
        assert [str(w.render()) for w in app.query_one("#status-right-items").children] == ["RIGHT"]
        assert app.query_one(Explorer).display
        await pilot.click("#status-left-items > .status-item")
        await wait_until(pilot, lambda: not app.query_one(Explorer).display, "the item's command")
        ui.forget_extension("t.a")
        await pilot.pause()
        assert list(app.query_one(StatusBar).items) == ["t.b/hi"]
        with pytest.raises(ValidationError, match="alignment"):
            await ui.set_status_item("t.a", {"id": "x", "text": "x", "alignment": "middle"})


async def test_execute_command_maps_positional_arguments_to_the_command(workspace: Path) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.extensions.ui.execute_command("workbench.openFile", ["src/demo/app.py", 6])
        await wait_until(pilot, lambda: app.active_editor is not None, "the opened file")
        assert app.active_editor.cursor_location == (5, 0)  # type: ignore[union-attr]
        with pytest.raises(ValidationError, match="at most 2"):
            await app.extensions.ui.execute_command("workbench.openFile", ["a", 1, 2])
        with pytest.raises(NotFoundError):
            await app.extensions.ui.execute_command("no.such.command", [])


async def test_an_extension_terminal_runs_what_it_types(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHELL", "/bin/sh")
    monkeypatch.setenv("ENV", "")
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ui = app.extensions.ui
        terminal_id = await ui.create_terminal("t.x", "Build", "src")
        await ui.write_terminal("t.x", terminal_id, "pwd; echo ext$((6*7))\n")
        view = ui._terminals[terminal_id]
        await wait_until(pilot, lambda: "ext42" in view.screen_text, "the command's output")
        assert str(workspace / "src") in view.screen_text and view.title == "Build"
        with pytest.raises(NotFoundError):
            await ui.create_terminal("t.x", "x", "no/such/folder")


async def test_the_users_cursor_is_mapped_through_an_extensions_edit(workspace: Path) -> None:
    app = SymphonyApp(workspace, open_paths=[workspace / "crlf.txt"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = app.active_editor
        assert editor is not None
        editor.cursor_location = (1, 3)
        await app.extensions.ui.apply_edits([edit(0, 0, 0, 0, ">> ")], None)
        assert editor.cursor_location == (1, 3)  # an edit on another line leaves it alone
        await app.extensions.ui.apply_edits([edit(1, 0, 1, 0, "ab")], None)
        assert editor.cursor_location == (1, 5)  # before it on its line: it moves with its text
        assert editor.text == ">> first line\nabsecond line\n"
