"""Source Control on a real repository: the panel's groups, staging a file and a single hunk, commit, discard
with confirmation, the diff view against HEAD, blame in the status bar."""

from __future__ import annotations

from pathlib import Path

from symphony_tui.widgets.dialogs import ChoiceDialog
from symphony_tui.widgets.diff_view import DiffView
from symphony_tui.widgets.scm_panel import ScmPanel, ScmTree
from symphony_tui.widgets.status_bar import StatusBar
from tests.core.workspace.gitrepo import git, needs_git
from tests.symphony_tui.workspace_ui.gitfixture import make_app, make_git_workspace, run, settle, wait_until

pytestmark = needs_git

SIZE = (120, 36)


def groups(panel: ScmPanel) -> dict[str, list[str]]:
    tree = panel.query_one(ScmTree)
    shown: dict[str, list[str]] = {}
    for group in tree.root.children:
        for child in group.children:
            assert child.data is not None
            shown.setdefault(child.data[0], []).append(child.data[1].path)
    return shown


def cursor_on(panel: ScmPanel, group: str, path: str) -> None:
    tree = panel.query_one(ScmTree)
    for node in tree.root.children:
        for child in node.children:
            if child.data is not None and child.data[0] == group and child.data[1].path == path:
                tree.move_cursor(child)
                return
    raise AssertionError(f"{group}/{path} not shown")


async def test_the_panel_lists_staged_and_unstaged_files_and_stages_one_then_commits(tmp_path: Path) -> None:
    workspace = make_git_workspace(tmp_path)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run(pilot, "view.showSourceControl")
        panel = app.query_one(ScmPanel)
        assert panel.display and isinstance(app.focused, ScmTree)
        assert groups(panel) == {"staged": ["README.md"], "changes": ["new.txt", "notes.txt", "src/demo/app.py"]}
        cursor_on(panel, "changes", "new.txt")
        await pilot.press("s")
        await wait_until(pilot, lambda: "new.txt" in groups(panel).get("staged", []))
        await settle(pilot)
        assert git(workspace, "diff", "--cached", "--name-only").split() == ["README.md", "new.txt"]
        await run(pilot, "scm.commit", message="Add new.txt and a README change")
        assert git(workspace, "log", "-1", "--format=%s").strip() == "Add new.txt and a README change"
        assert groups(panel) == {"changes": ["notes.txt", "src/demo/app.py"]}
        cursor_on(panel, "changes", "src/demo/app.py")
        await pilot.press("s")
        await wait_until(pilot, lambda: "src/demo/app.py" in groups(panel).get("staged", []))
        await run(pilot, "scm.unstage", path="src/demo/app.py")
        assert "staged" not in groups(panel)


async def test_enter_in_the_commit_box_commits_and_an_empty_message_is_refused(tmp_path: Path) -> None:
    workspace = make_git_workspace(tmp_path)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run(pilot, "view.showSourceControl")
        panel = app.query_one(ScmPanel)
        panel.query_one("#scm-message").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert git(workspace, "rev-list", "--count", "HEAD").strip() == "1"
        assert any("commit message is empty" in str(note.message) for note in app._notifications)
        await pilot.press(*"Stage README", "enter")
        await wait_until(pilot, lambda: git(workspace, "rev-list", "--count", "HEAD").strip() == "2")
        await settle(pilot)
        assert panel.query_one("#scm-message").value == ""  # type: ignore[attr-defined]


async def test_discard_asks_first_then_restores_the_committed_file(tmp_path: Path) -> None:
    workspace = make_git_workspace(tmp_path)
    original = git(workspace, "show", "HEAD:src/demo/app.py")
    app = make_app(workspace, "src/demo/app.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run(pilot, "view.showSourceControl")
        panel = app.query_one(ScmPanel)
        cursor_on(panel, "changes", "src/demo/app.py")
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("c")
        await settle(pilot)
        assert "politely" in (workspace / "src/demo/app.py").read_text()
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("d")
        await wait_until(pilot, lambda: (workspace / "src/demo/app.py").read_text() == original)
        editor = app.active_editor
        assert editor is not None
        await wait_until(pilot, lambda: editor.text == original)


async def test_staging_one_hunk_from_the_diff_view_leaves_the_other_unstaged(tmp_path: Path) -> None:
    workspace = make_git_workspace(tmp_path, change=False)
    app_py = workspace / "src/demo/app.py"
    lines = app_py.read_text().split("\n")
    lines[0] = '"""A tiny module, changed at the top."""'
    lines[13] = "    debug = False"
    app_py.write_text("\n".join(lines))
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run(pilot, "view.showSourceControl")
        panel = app.query_one(ScmPanel)
        cursor_on(panel, "changes", "src/demo/app.py")
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(app.query(DiffView)))
        await settle(pilot)
        view = app.query_one(DiffView)
        assert view.mode == "unstaged" and len(view.hunks) == 2
        assert [row.kind for row in view.rows] == ["@", "-", "+", "@", "-", "+"]
        await pilot.press("down", "down", "down")  # onto the second hunk's header
        await pilot.press("s")
        await wait_until(pilot, lambda: "debug = False" in git(workspace, "diff", "--cached"))
        await settle(pilot)
        staged = git(workspace, "diff", "--cached")
        assert "changed at the top" not in staged
        assert "changed at the top" in git(workspace, "diff")
        assert len(view.hunks) == 1  # the view shows what is still unstaged


async def test_open_changes_shows_the_file_against_head_with_context(tmp_path: Path) -> None:
    workspace = make_git_workspace(tmp_path)
    app = make_app(workspace, "src/demo/app.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: app.workspace_ui.repo is not None)
        await run(pilot, "scm.openChanges")
        view = app.query_one(DiffView)
        assert view.mode == "head"
        changed = [(row.kind, row.text) for row in view.rows if row.kind in "+-"]
        assert changed == [("-", '    """Say hello."""'), ("+", '    """Say hello politely."""')]
        assert sum(row.kind == " " for row in view.rows) == 6  # three lines of context on each side
        await run(pilot, "editor.close")
        assert not app.query(DiffView)


async def test_blame_of_the_cursor_line_shows_in_the_status_bar(tmp_path: Path) -> None:
    workspace = make_git_workspace(tmp_path)
    app = make_app(workspace, "src/demo/app.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        status = app.query_one(StatusBar)
        await wait_until(pilot, lambda: status.blame_text != "")
        assert status.blame_text.startswith("Ada Lovelace, ") and status.blame_text.endswith("· Initial demo")
        editor = app.active_editor
        assert editor is not None
        editor.cursor_location = (6, 0)  # the modified line
        await wait_until(pilot, lambda: status.blame_text == "Not committed yet")


async def test_v_shows_the_diff_side_by_side_and_back(tmp_path: Path) -> None:
    from textual.widgets import OptionList

    workspace = make_git_workspace(tmp_path)
    app = make_app(workspace, "src/demo/app.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: app.workspace_ui.repo is not None)
        await run(pilot, "scm.openChanges")
        view = app.query_one(DiffView)
        options = view.query_one(OptionList)
        inline = options.option_count
        await pilot.press("v")
        assert view.side_by_side
        assert options.option_count == inline - 1  # the removed and the added line share a row
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        changed = next(row for row in shown if "politely" in row)
        left, right = changed.split("│")
        assert '"""Say hello."""' in left and '"""Say hello politely."""' in right
        await pilot.press("v")
        assert options.option_count == inline
