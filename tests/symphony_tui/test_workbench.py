"""The workbench as a user drives it: explorer, tabs, save, palette, themes, settings, quit."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button

from core.config import ConfigService
from symphony_tui.app import SymphonyApp
from symphony_tui.widgets.dialogs import ChoiceDialog, InputDialog
from symphony_tui.widgets.explorer import Explorer
from symphony_tui.widgets.quick_pick import QuickPick
from symphony_tui.widgets.status_bar import StatusBar
from tests.symphony_tui.workspace_fixture import make_demo_workspace

SIZE = (120, 36)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return make_demo_workspace(tmp_path)


def make_app(workspace: Path, *files: str, watch: bool = False) -> SymphonyApp:
    return SymphonyApp(workspace, open_paths=[workspace / f for f in files], watch_config=watch)


async def settle(pilot: Pilot[None]) -> None:
    """Wait for background work (file loading, indexing); commands waiting on a dialog are left waiting."""
    background = [w for w in pilot.app.workers if w.group != "commands"]
    if background:  # an empty list would mean "all workers" to Textual
        await pilot.app.workers.wait_for_complete(background)
    await pilot.pause()


async def wait_until(pilot: Pilot[None], condition, attempts: int = 400) -> None:  # type: ignore[no-untyped-def]
    """Let the app run until ``condition()`` holds (bounded by a number of event-loop turns, not a clock)."""
    for _ in range(attempts):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition(), "condition never became true"


def explorer_node(app: SymphonyApp, name: str):  # type: ignore[no-untyped-def]
    explorer = app.query_one(Explorer)
    for node in explorer.root.children:
        if node.data is not None and node.data.name == name:
            return node
    raise AssertionError(f"{name} not in explorer: {[n.label for n in explorer.root.children]}")


async def test_explorer_lists_workspace_dirs_first_and_dims_ignored_entries(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        names = [n.data.name for n in app.query_one(Explorer).root.children if n.data]
        assert names[:4] == ["build", "data", "src", "web"]
        assert "README.md" in names and ".git" not in names
        assert explorer_node(app, "build").data.ignored
        assert explorer_node(app, "debug.log").data.ignored
        assert explorer_node(app, ".env").data.hidden
        assert not explorer_node(app, "README.md").data.ignored


async def test_enter_in_explorer_opens_the_file_in_a_tab(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        explorer = app.query_one(Explorer)
        explorer.focus()
        explorer.move_cursor(explorer_node(app, "README.md"))
        await pilot.press("enter")
        await settle(pilot)
        editor = app.active_editor
        assert editor is not None and editor.state.path == workspace / "README.md"
        assert editor.text.startswith("# Demo")
        assert app.focused is editor
        assert app.query_one(StatusBar).info.language == "Markdown"


async def test_expanding_a_folder_loads_its_children_lazily(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        src = explorer_node(app, "src")
        assert not src.children  # nothing loaded before the user looks
        src.expand()
        await settle(pilot)
        assert [c.data.name for c in src.children] == ["demo"]


async def test_edit_then_ctrl_s_saves_to_disk_and_clears_dirty_marker(workspace: Path) -> None:
    app = make_app(workspace, "notes.txt")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = app.active_editor
        assert editor is not None
        await pilot.press("X", "Y")
        assert editor.dirty and app.query_one(StatusBar).info.dirty
        assert "●" in str(app.tabs.get_tab(editor.parent.id).label)  # type: ignore[union-attr]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert (workspace / "notes.txt").read_text() == "XYplain text notes\n"
        assert not editor.dirty and not app.query_one(StatusBar).info.dirty


async def test_save_preserves_crlf_line_endings(workspace: Path) -> None:
    app = make_app(workspace, "crlf.txt")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.query_one(StatusBar).info.line_ending == "CRLF"
        await pilot.press("end", "!")
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert (workspace / "crlf.txt").read_bytes() == b"first line!\r\nsecond line\r\n"


async def test_undo_back_to_saved_text_is_clean_again(workspace: Path) -> None:
    app = make_app(workspace, "notes.txt")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = app.active_editor
        assert editor is not None
        await pilot.press("a")
        assert editor.dirty
        editor.undo()
        await pilot.pause()
        assert not editor.dirty


async def test_status_bar_shows_cursor_language_encoding_and_eol(workspace: Path) -> None:
    app = make_app(workspace, "src/demo/app.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "right")
        info = app.query_one(StatusBar).info
        assert (info.line, info.column) == (3, 2)
        assert info.path == "src/demo/app.py"
        assert (info.language, info.encoding, info.line_ending) == ("Python", "utf-8", "LF")


async def test_ctrl_w_closes_a_clean_tab_and_tabs_switch_with_keys(workspace: Path) -> None:
    app = make_app(workspace, "notes.txt", "README.md", "web/index.js")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        names = lambda: [e.display_name for e in app.editors]  # noqa: E731
        assert app.active_editor and app.active_editor.display_name == "index.js"
        await pilot.press("ctrl+pageup")
        assert app.active_editor.display_name == "README.md"
        await pilot.press("alt+right")
        assert app.active_editor.display_name == "index.js"
        await pilot.press("alt+right")  # wraps around
        assert app.active_editor.display_name == "notes.txt"
        await pilot.press("ctrl+w")
        await settle(pilot)
        assert names() == ["README.md", "index.js"]


async def test_closing_a_dirty_tab_asks_and_cancel_keeps_the_text(workspace: Path) -> None:
    app = make_app(workspace, "notes.txt")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("Z", "ctrl+w")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert app.active_editor is not None and app.active_editor.text.startswith("Zplain")
        await pilot.press("ctrl+w")
        await settle(pilot)
        await pilot.press("d")  # Don't Save
        await settle(pilot)
        assert app.editors == []
    assert (workspace / "notes.txt").read_text() == "plain text notes\n"


async def test_palette_runs_a_command_typed_after_gt(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.query_one(Explorer).display
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, QuickPick)
        await pilot.press(*">toggle explorer")
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, QuickPick)
        assert not app.query_one(Explorer).display


async def test_f1_opens_the_palette_listing_every_palette_command(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f1")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, QuickPick) and picker.query_text == ">"
        labels = {item.label for item in picker._items}
        assert {"File: Save", "View: Toggle Explorer", "Preferences: Color Theme"} <= labels
        assert len(labels) == len([c for c in app.commands if c.palette])


async def test_quick_open_fuzzy_finds_a_file_and_jumps_to_line(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"dmoapp:6")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, QuickPick)
        assert picker._items[0].label == "src/demo/app.py"
        await pilot.press("enter")
        await settle(pilot)
        editor = app.active_editor
        assert editor is not None and editor.state.path == workspace / "src/demo/app.py"
        assert editor.cursor_location == (5, 0)


async def test_theme_picker_switches_live_and_persists_to_user_settings(workspace: Path) -> None:
    app = make_app(workspace, "src/demo/app.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.dispatch("preferences.theme")
        await settle(pilot)
        await pilot.press(*"light", "enter")
        await settle(pilot)
        assert app.theme == "symphony-light"
        assert app.active_editor is not None and app.active_editor.theme == "symphony-light"
        settings_file = app.config.config_dir / "settings.toml"
        assert 'theme = "symphony-light"' in settings_file.read_text()


async def test_theme_picker_escape_restores_the_previous_theme(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.dispatch("preferences.theme")
        await settle(pilot)
        await pilot.press("down")
        await pilot.press("escape")
        await settle(pilot)
        assert app.theme == "symphony-dark"


async def test_editing_the_settings_file_applies_the_theme_live(workspace: Path) -> None:
    config_dir = Path(ConfigService(workspace).config_dir)
    config_dir.mkdir(parents=True, exist_ok=True)
    app = make_app(workspace, "notes.txt", watch=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)  # let the watcher start
        (config_dir / "settings.toml").write_text('theme = "symphony-high-contrast"\n[editor]\ntab_size = 2\n')
        await wait_until(pilot, lambda: app.theme == "symphony-high-contrast")
        assert app.active_editor is not None and app.active_editor.indent_width == 2


async def test_invalid_user_settings_start_anyway_with_a_notification_naming_file_and_line(workspace: Path) -> None:
    config_dir = Path(ConfigService(workspace).config_dir)
    config_dir.mkdir(parents=True, exist_ok=True)
    bad = config_dir / "settings.toml"
    bad.write_text('theme = "symphony-light"\n[editor\ntab_size = 2\n')
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any(f"{bad}:2:" in m and "TOML syntax error" in m for m in messages), messages
        assert app.theme == "symphony-dark"  # the broken file contributed nothing


async def test_unknown_key_in_workspace_settings_is_named(workspace: Path) -> None:
    (workspace / ".symphony").mkdir()
    (workspace / ".symphony" / "settings.json").write_text('{"editor": {"tab_sise": 3}}')
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert any("tab_sise" in n.message for n in app._notifications)


async def test_quit_with_unsaved_changes_asks_and_cancel_keeps_running(workspace: Path) -> None:
    app = make_app(workspace, "notes.txt")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("Q", "ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.click("#choice-cancel")
        await settle(pilot)
        assert app.is_running and app.active_editor is not None and app.active_editor.dirty
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.press("s")  # Save All
        await settle(pilot)
    assert (workspace / "notes.txt").read_text() == "Qplain text notes\n"
    assert app.return_code == 0


async def test_quit_discard_exits_without_writing_or_leaving_a_backup(workspace: Path) -> None:
    from tests.symphony_tui.test_editor_hotexit import backups

    app = make_app(workspace, "notes.txt")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("Q")
        editor = app.active_editor
        assert editor is not None
        editor.write_backup()  # what the timer does a second after the edit
        assert [b["text"] for b in backups(workspace)] == ["Qplain text notes\n"]
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert app.screen.query(Button)
        await pilot.press("d")
        await settle(pilot)
    assert (workspace / "notes.txt").read_text() == "plain text notes\n"
    assert backups(workspace) == []  # discarded text must not come back on the next start


async def test_new_file_save_asks_for_a_path(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press(*"hello")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InputDialog)
        await pilot.press(*"new/hello.py", "enter")
        await settle(pilot)
        editor = app.active_editor
        assert editor is not None and editor.display_name == "hello.py" and not editor.dirty
        assert editor.state.language == "python"
    assert (workspace / "new" / "hello.py").read_text() == "hello"


async def test_opening_a_binary_file_notifies_and_shows_a_read_only_hex_view(workspace: Path) -> None:
    (workspace / "blob.bin").write_bytes(b"\x00\x01\x02binary")
    app = make_app(workspace, "blob.bin")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        [editor] = app.editors
        assert editor.read_only and editor.text.startswith("00000000  00 01 02 62")
        assert any("binary" in n.message for n in app._notifications)


async def test_user_keybinding_override_rebinds_a_command(workspace: Path) -> None:
    config_dir = Path(ConfigService(workspace).config_dir)
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "settings.toml").write_text(
        '[[keybindings]]\nkey = "f2"\ncommand = "view.toggleExplorer"\n'
        '[[keybindings]]\nkey = "ctrl+b"\ncommand = "-view.toggleExplorer"\n'
    )
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+b")
        assert app.query_one(Explorer).display
        await pilot.press("f2")
        assert not app.query_one(Explorer).display


async def test_open_file_command_takes_a_path_and_line_for_extensions(workspace: Path) -> None:
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await app.run_command("workbench.openFile", path="src/demo/app.py", line=9)
        await settle(pilot)
        editor = app.active_editor
        assert editor is not None and editor.state.path == workspace / "src/demo/app.py"
        assert editor.cursor_location == (8, 0)


async def test_keyboard_shortcuts_lists_the_editors_own_keys_and_runs_one(workspace: Path) -> None:
    app = make_app(workspace, "src/demo/app.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = app.active_editor
        assert editor is not None
        original = editor.text
        editor.insert("x")
        app.dispatch("help.keybindings")
        await wait_until(pilot, lambda: isinstance(app.screen, QuickPick))
        picker = app.screen
        assert isinstance(picker, QuickPick)
        labels = {item.label for item in picker._items}
        assert {"Editor: Undo — ctrl+z", "Editor: Copy — ctrl+c", "Editor: Select all — ctrl+a"} <= labels
        # Keys the keymap takes (ctrl+w closes the tab, ctrl+d adds a cursor) are not listed as the editor's.
        assert not {label for label in labels if label.startswith("Editor:") and label.endswith(("ctrl+w", "ctrl+d"))}
        await pilot.press(*"editor undo")
        await settle(pilot)
        assert picker._items[0].label == "Editor: Undo — ctrl+z"
        await pilot.press("enter")
        await wait_until(pilot, lambda: editor.text == original)


async def test_a_choice_dialog_shows_its_keys_and_arrows_move_between_its_buttons(workspace: Path) -> None:
    app = make_app(workspace, "notes.txt")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("Q")
        await pilot.press("ctrl+w")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        buttons = list(app.screen.query(Button))
        underlined = [
            "".join(b.label.plain[s.start : s.end] for s in b.label.spans if "underline" in str(s.style))
            for b in buttons
        ]
        assert underlined == ["S", "D", "C"]  # Save, Don't Save, Cancel: the keys s, d and c answer
        assert app.screen.focused is buttons[0]
        await pilot.press("right")
        assert app.screen.focused is buttons[1]
        await pilot.press("left", "left")
        assert app.screen.focused is buttons[2]  # wraps around
        await pilot.press("left", "enter")  # Don't Save
        await wait_until(pilot, lambda: app.active_editor is None)
    assert (workspace / "notes.txt").read_text() == "plain text notes\n"


async def test_the_palette_shows_the_editors_own_keys_for_undo_redo_and_select_all(workspace: Path) -> None:
    app = make_app(workspace, "notes.txt")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, QuickPick)
        hints = {item.label: item.hint for item in picker._items}
        assert hints["Edit: Undo"] == "ctrl+z"
        assert hints["Edit: Redo"] == "ctrl+y"
        assert hints["Selection: Select All"].split() == ["ctrl+a", "f7"]


async def test_the_palette_writes_keys_as_users_do_not_as_textual_names_them(workspace: Path) -> None:
    app = make_app(workspace, "notes.txt")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, QuickPick)
        hints = {item.label: item.hint for item in picker._items}
        assert hints["Edit: Quick Fix / Code Actions"] == "ctrl+. alt+enter"
        assert hints["Edit: Trigger Suggest"] == "ctrl+space alt+/"
        assert not [hint for hint in hints.values() if "full_stop" in hint or "grave_accent" in hint]


class _TypedEarly(SymphonyApp):
    """Keys that arrive while the command line's files are still opening (a user who types at once)."""

    async def open_file(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        from textual import events

        for char in "abc":
            self.post_message(events.Key(char, char))
        self.post_message(events.Paste("de"))
        return await super().open_file(*args, **kwargs)


async def test_keys_typed_while_the_workbench_opens_reach_the_editor_in_order(workspace: Path) -> None:
    app = _TypedEarly(workspace, open_paths=[workspace / "README.md"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.active_editor is not None and app.active_editor.has_focus)
        editor = app.active_editor
        assert editor is not None
        await wait_until(pilot, lambda: editor.document[0].startswith("abcde"))
        await pilot.press("f")  # and typing afterwards goes on after them
        await wait_until(pilot, lambda: editor.document[0].startswith("abcdef"))


async def test_the_priority_key_shortcut_agrees_with_textuals_binding_chain(workspace: Path) -> None:
    """Keys with no priority binding skip Textual's chain: that must never skip a key the chain would run."""
    app = make_app(workspace, "README.md")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = {binding.key for binding in app.keybindings} | {"a", "s", "space", "enter", "tab", "escape", "up"}
        keys |= {key for node in app.screen.walk_children() for key in node._bindings.key_to_bindings}  # type: ignore[attr-defined]

        def check() -> int:
            checked = 0
            for key in keys:
                chained = any(
                    binding.priority
                    for _, bindings in app.screen._binding_chain
                    for binding in bindings.key_to_bindings.get(key, ())
                )
                assert app.priority_bound(key) or not chained, f"{key} is bound with priority but was skipped"
                checked += chained
            return checked

        focus_states = 0
        for focus in ("editor", "explorer", "palette"):
            if focus == "explorer":
                app.query_one(Explorer).focus()
            elif focus == "palette":
                await app.run_command("workbench.commandPalette")
            await pilot.pause()
            assert check() > 0  # the app's own chords are found
            focus_states += 1
        assert focus_states == 3
