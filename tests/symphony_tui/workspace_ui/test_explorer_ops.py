"""Explorer file operations as a user drives them: dialogs, the trash, undo, open editors following moves,
live updates from the watcher, git colours and badges."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from textual.widgets import Input

from symphony_tui.widgets.dialogs import ChoiceDialog, InputDialog
from symphony_tui.widgets.explorer import Explorer
from symphony_tui.widgets.status_bar import StatusBar
from tests.core.workspace.gitrepo import git, needs_git
from tests.symphony_tui.workspace_fixture import make_demo_workspace
from tests.symphony_tui.workspace_ui.gitfixture import (
    make_app,
    make_git_workspace,
    run,
    settle,
    wait_until,
)

SIZE = (120, 36)


async def ask_to_delete(pilot, path: Path, key: str = "delete") -> str:  # type: ignore[no-untyped-def]
    """Put the explorer's cursor on ``path``, press ``key`` and return the delete dialog's text."""
    app = pilot.app
    explorer = app.query_one(Explorer)
    explorer.reveal(path)
    explorer.focus()
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
    return " ".join(str(static.render()) for static in app.screen.query(".dialog-body"))


def names(explorer: Explorer, folder: Path) -> list[str]:
    node = explorer.node_for(folder)
    assert node is not None, f"{folder} is not loaded"
    return [child.data.name for child in node.children if child.data is not None]


async def test_new_file_from_the_dialog_is_created_revealed_and_opened(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        explorer = app.query_one(Explorer)
        assert explorer.reveal(workspace / "src" / "demo" / "app.py")
        explorer.focus()
        await pilot.press("a")  # new file, in the folder of the file under the cursor
        await wait_until(pilot, lambda: isinstance(app.screen, InputDialog))
        await pilot.press(*"util.py", "enter")
        await wait_until(pilot, lambda: app.active_editor is not None)
        await settle(pilot)
        created = workspace / "src" / "demo" / "util.py"
        assert created.is_file()
        assert "util.py" in names(explorer, created.parent)
        assert explorer.cursor_entry is not None and explorer.cursor_entry.path == created
        assert app.active_editor is not None and app.active_editor.state.path == created


async def test_creating_a_file_that_exists_is_refused_with_a_message(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.query_one(Explorer).reveal(workspace / "notes.txt")
        assert await run(pilot, "explorer.newFile", name="README.md") is None
        assert (workspace / "README.md").read_text().startswith("# Demo")
        assert any("already exists" in str(note.message) for note in app._notifications)


async def test_rename_keeps_the_open_editor_and_its_unsaved_text_on_the_new_path(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    app = make_app(workspace, "notes.txt")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = app.active_editor
        assert editor is not None
        editor.insert("unsaved ")
        explorer = app.query_one(Explorer)
        explorer.reveal(workspace / "notes.txt")
        explorer.focus()
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, InputDialog))
        app.screen.query_one(Input).value = "todo.txt"
        await pilot.press("enter")
        await wait_until(pilot, lambda: (workspace / "todo.txt").exists())
        await settle(pilot)
        assert not (workspace / "notes.txt").exists()
        assert editor.state.path == workspace / "todo.txt"
        assert editor.dirty and editor.text.startswith("unsaved plain text")
        assert app.query_one(StatusBar).info.path == "todo.txt"
        assert "todo.txt" in names(explorer, workspace) and "notes.txt" not in names(explorer, workspace)
        await app.save_editor(editor)
        assert (workspace / "todo.txt").read_text() == "unsaved plain text notes\n"


async def test_cut_and_paste_moves_a_folder_and_editors_inside_follow_then_undo_moves_back(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    app = make_app(workspace, "src/demo/app.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = app.active_editor
        assert editor is not None
        explorer = app.query_one(Explorer)
        explorer.reveal(workspace / "src" / "demo")
        explorer.focus()
        await pilot.press("x")
        assert explorer.cut_paths == {workspace / "src" / "demo"}
        explorer.reveal(workspace / "web" / "index.js")  # paste goes into the folder of the file under the cursor
        await pilot.press("p")
        await wait_until(pilot, lambda: (workspace / "web" / "demo" / "app.py").exists())
        await settle(pilot)
        assert editor.state.path == workspace / "web" / "demo" / "app.py"
        assert explorer.cut_paths == frozenset()
        await pilot.press("ctrl+z")
        await wait_until(pilot, lambda: (workspace / "src" / "demo" / "app.py").exists())
        await settle(pilot)
        assert not (workspace / "web" / "demo").exists()
        assert editor.state.path == workspace / "src" / "demo" / "app.py"


async def test_duplicate_makes_a_copy_next_to_the_original(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        explorer = app.query_one(Explorer)
        explorer.reveal(workspace / "notes.txt")
        explorer.focus()
        await pilot.press("D")
        await wait_until(pilot, lambda: (workspace / "notes copy.txt").exists())
        await settle(pilot)
        assert (workspace / "notes copy.txt").read_text() == "plain text notes\n"
        assert "notes copy.txt" in names(explorer, workspace)


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="freedesktop trash only")
async def test_delete_asks_first_moves_to_the_trash_and_undo_restores(tmp_path: Path, trash_home: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        explorer = app.query_one(Explorer)
        await ask_to_delete(pilot, workspace / "notes.txt")
        await pilot.press("c")  # cancel: nothing happens
        await settle(pilot)
        assert (workspace / "notes.txt").exists()
        await ask_to_delete(pilot, workspace / "notes.txt")
        await pilot.press("t")
        await wait_until(pilot, lambda: not (workspace / "notes.txt").exists())
        await settle(pilot)
        assert (trash_home / "files" / "notes.txt").read_text() == "plain text notes\n"
        assert "notes.txt" not in names(explorer, workspace)
        await pilot.press("ctrl+z")
        await wait_until(pilot, lambda: (workspace / "notes.txt").exists())
        await settle(pilot)
        assert "notes.txt" in names(explorer, workspace)
        assert not (trash_home / "files" / "notes.txt").exists()


async def test_files_created_and_removed_outside_appear_and_vanish_live(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        explorer = app.query_one(Explorer)
        await pilot.pause(0.3)  # let the watcher arm
        (workspace / "outside.md").write_text("made by another program\n")
        await wait_until(pilot, lambda: "outside.md" in names(explorer, workspace))
        (workspace / "outside.md").unlink()
        await wait_until(pilot, lambda: "outside.md" not in names(explorer, workspace))


async def test_reveal_active_file_expands_its_folders_and_selects_it(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    app = make_app(workspace, "src/demo/app.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run(pilot, "explorer.reveal")
        explorer = app.query_one(Explorer)
        assert explorer.cursor_entry is not None
        assert explorer.cursor_entry.path == workspace / "src" / "demo" / "app.py"
        assert app.focused is explorer


@needs_git
async def test_changed_files_get_git_colours_and_letters_and_folders_take_the_worst(tmp_path: Path) -> None:
    workspace = make_git_workspace(tmp_path)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        explorer = app.query_one(Explorer)
        await wait_until(pilot, lambda: bool(explorer._git))
        assert explorer._git["src/demo/app.py"] == "modified"
        assert explorer._git["src"] == "modified"
        assert explorer._git["new.txt"] == "untracked"
        assert explorer._git["README.md"] == "modified"
        assert explorer._git["notes.txt"] == "deleted"
        readme = explorer.node_for(workspace / "README.md")
        assert readme is not None
        label = explorer.render_label(readme, explorer.rich_style, explorer.rich_style)
        assert label.plain.endswith("README.md  M")
        new = explorer.node_for(workspace / "new.txt")
        assert new is not None
        assert explorer.render_label(new, explorer.rich_style, explorer.rich_style).plain.endswith("new.txt  U")
        assert app.query_one(StatusBar).branch_text == "⎇ main"


@needs_git
async def test_the_branch_shows_ahead_and_behind_its_upstream(tmp_path: Path) -> None:
    workspace = make_git_workspace(tmp_path, change=False)
    git(workspace, "checkout", "-q", "-b", "feature", "--track", "main")
    (workspace / "notes.txt").write_text("ahead\n")
    git(workspace, "commit", "-q", "-am", "One ahead")
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: app.query_one(StatusBar).branch_text != "")
        assert app.query_one(StatusBar).branch_text == "⎇ feature ↓0↑1"


async def test_a_folder_outside_git_shows_no_branch_and_no_source_control(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.workspace_ui.repo is None
        assert not app.query_one("#status-branch").display
        await run(pilot, "view.showSourceControl")
        assert not app.query_one("#scm-panel").display
        assert app.query_one(Explorer).display


async def test_icons_setting_puts_nerd_font_glyphs_before_names(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    app = make_app(workspace, settings={"explorer": {"icons": True}})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        explorer = app.query_one(Explorer)
        node = explorer.node_for(workspace / "README.md")
        assert node is not None
        assert explorer.render_label(node, explorer.rich_style, explorer.rich_style).plain == "  \ue73e README.md"


async def test_dragging_a_file_onto_a_folder_moves_it_after_asking(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    app = make_app(workspace, "notes.txt")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = app.active_editor
        assert editor is not None
        explorer = app.query_one(Explorer)
        source, target = explorer.node_for(workspace / "notes.txt"), explorer.node_for(workspace / "data")
        assert source is not None and target is not None
        await pilot.mouse_down(explorer, offset=(8, source.line))
        await pilot.mouse_up(explorer, offset=(8, target.line))
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("m")
        await wait_until(pilot, lambda: (workspace / "data" / "notes.txt").exists())
        await settle(pilot)
        assert not (workspace / "notes.txt").exists()
        assert editor.state.path == workspace / "data" / "notes.txt"
        assert explorer.cursor_entry is not None and explorer.cursor_entry.path == workspace / "data" / "notes.txt"


async def test_the_delete_dialog_names_the_undo_keys_and_u_restores(tmp_path: Path, trash_home: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        body = await ask_to_delete(pilot, workspace / "notes.txt", key="d")
        assert "ctrl+z or u in the explorer" in body
        await pilot.press("t")
        await wait_until(pilot, lambda: not (workspace / "notes.txt").exists())
        await settle(pilot)
        await pilot.press("u")  # what the dialog said
        await wait_until(pilot, lambda: (workspace / "notes.txt").exists())


async def test_a_new_file_at_the_top_names_the_workspace_folder_not_slash(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        explorer = app.query_one(Explorer)
        assert explorer.reveal(workspace / "notes.txt")
        explorer.focus()
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, InputDialog))
        title = str(app.screen.query_one(".dialog-title").render())
        assert title == f"New file in {workspace.name}/ (the workspace)"


async def test_rename_selects_the_name_without_its_extension_so_typing_keeps_it(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        explorer = app.query_one(Explorer)
        assert explorer.reveal(workspace / "notes.txt")
        explorer.focus()
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, InputDialog))
        await pilot.press(*"todo", "enter")
        await wait_until(pilot, lambda: (workspace / "todo.txt").exists())
        assert not (workspace / "notes.txt").exists()


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="freedesktop trash only")
async def test_deleting_a_file_with_unsaved_changes_says_so_and_keeps_the_text(
    tmp_path: Path, trash_home: Path
) -> None:
    workspace = make_demo_workspace(tmp_path)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = await app.open_file(workspace / "notes.txt")
        await settle(pilot)
        editor.focus()
        await pilot.press(*"kept", "space")
        await wait_until(pilot, lambda: editor.dirty)
        body = await ask_to_delete(pilot, workspace / "notes.txt")
        assert "notes.txt has unsaved changes" in body
        await pilot.press("t")
        await wait_until(pilot, lambda: not (workspace / "notes.txt").exists())
        await settle(pilot)
        assert editor.is_attached and editor.text.startswith("kept ")  # the user's text is still there
        editor.focus()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: (workspace / "notes.txt").exists())
        assert (workspace / "notes.txt").read_text().startswith("kept plain text notes")
