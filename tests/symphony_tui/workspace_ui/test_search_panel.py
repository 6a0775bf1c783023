"""Find and replace in files from the side bar: streaming grouped results, preview on highlight, replace-all
with a preview applied as one undoable operation, and refusal to touch files changed since the search."""

from __future__ import annotations

import os
from pathlib import Path

from textual.widgets import Input

from symphony_tui.widgets.replace_preview import ReplacePreview
from symphony_tui.widgets.search_panel import SearchPanel, SearchResultsTree
from tests.symphony_tui.workspace_fixture import make_demo_workspace
from tests.symphony_tui.workspace_ui.gitfixture import make_app, run, settle, wait_until

SIZE = (120, 36)


def write(workspace: Path) -> None:
    (workspace / "src/demo/more.py").write_text("def greet_all():\n    return greet('x')\n\n\n# greet done\n")


async def search(pilot, panel: SearchPanel, pattern: str, **fields: str) -> None:  # type: ignore[no-untyped-def]
    panel.set_fields(pattern, **fields)
    await settle(pilot)
    assert not panel.searching


async def test_results_are_grouped_by_file_in_path_order_with_context_lines(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    write(workspace)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run(pilot, "view.showSearch")
        panel = app.query_one(SearchPanel)
        assert panel.display and isinstance(app.focused, Input)
        await search(pilot, panel, "greet")
        tree = panel.query_one(SearchResultsTree)
        files = [node.data[0].path for node in tree.root.children if node.data]
        assert files == ["src/demo/app.py", "src/demo/more.py"]
        more = tree.root.children[1]
        rows = [(line.number, line.is_match) for _file, line in (child.data for child in more.children) if line]
        assert rows == [(1, True), (2, True), (3, False), (4, False), (5, True)]  # one line of context around
        summary = str(panel.query_one("#search-summary").render())
        assert summary == "5 results in 2 files"


async def test_toggles_and_globs_narrow_the_search(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    write(workspace)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run(pilot, "view.showSearch")
        panel = app.query_one(SearchPanel)
        await search(pilot, panel, "greet", include="more.py")
        assert [item.path for item in panel.results.files] == ["src/demo/more.py"]
        panel.action_toggle("whole_word")
        await settle(pilot)
        assert panel.results.match_count == 2  # greet('x') and "# greet done", not greet_all
        panel.action_toggle("whole_word")
        panel.action_toggle("regex")
        await search(pilot, panel, r"greet\w+", include="", exclude="*.py")
        assert panel.results.files == []
        assert str(panel.query_one("#search-summary").render()) == "No results."
        await search(pilot, panel, "(unclosed", exclude="")
        assert "(unclosed" in str(panel.query_one("#search-summary").render())


async def test_moving_over_a_result_previews_it_and_enter_opens_it(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    write(workspace)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run(pilot, "view.showSearch")
        panel = app.query_one(SearchPanel)
        await search(pilot, panel, "greet done")
        tree = panel.query_one(SearchResultsTree)
        tree.focus()
        await pilot.press("down")  # from the file row to its match line
        await wait_until(pilot, lambda: app.active_editor is not None)
        await settle(pilot)
        editor = app.active_editor
        assert editor is not None and editor.state.path == workspace / "src/demo/more.py"
        assert editor.cursor_location == (4, 2)
        assert app.focused is tree  # a preview keeps the focus in the results
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.focused is editor)


async def test_replace_all_shows_every_change_applies_them_and_undo_puts_them_back(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    write(workspace)
    before = {path: (workspace / path).read_text() for path in ("src/demo/app.py", "src/demo/more.py")}
    app = make_app(workspace, "src/demo/more.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run(pilot, "view.showSearch")
        panel = app.query_one(SearchPanel)
        await search(pilot, panel, "greet", replace="welcome")
        app.dispatch("search.replaceAll")
        await wait_until(pilot, lambda: isinstance(app.screen, ReplacePreview))
        preview = app.screen
        assert isinstance(preview, ReplacePreview)
        assert preview.plan.change_count == 5
        body = str(preview.query_one("#replace-preview-body").render())
        assert "    2 -     return greet('x')\n    2 +     return welcome('x')" in body
        assert (workspace / "src/demo/more.py").read_text() == before["src/demo/more.py"]  # nothing written yet
        await pilot.press("a")
        await wait_until(pilot, lambda: "welcome" in (workspace / "src/demo/more.py").read_text())
        await settle(pilot)
        assert (workspace / "src/demo/app.py").read_text() == before["src/demo/app.py"].replace("greet", "welcome")
        editor = app.active_editor
        assert editor is not None and "welcome_all" in editor.text  # the open, clean editor follows the disk
        await run(pilot, "search.undoReplace")
        assert {path: (workspace / path).read_text() for path in before} == before
        await wait_until(pilot, lambda: "greet_all" in editor.text)


async def test_replace_refuses_a_file_changed_on_disk_since_the_search(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    write(workspace)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run(pilot, "view.showSearch")
        panel = app.query_one(SearchPanel)
        await search(pilot, panel, "greet", replace="welcome")
        changed = workspace / "src/demo/more.py"
        changed.write_text(changed.read_text() + "# greet edited elsewhere\n")
        os.utime(changed, ns=(1, 1))  # a different stamp even on a coarse clock
        app.dispatch("search.replaceAll")
        await wait_until(pilot, lambda: isinstance(app.screen, ReplacePreview))
        preview = app.screen
        assert isinstance(preview, ReplacePreview)
        assert [conflict.data["path"] for conflict in preview.plan.conflicts] == [str(changed)]
        await pilot.press("a")
        await wait_until(pilot, lambda: "welcome" in (workspace / "src/demo/app.py").read_text())
        await settle(pilot)
        assert "welcome" not in changed.read_text()


async def test_replace_leaves_files_with_unsaved_editor_changes_alone(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    write(workspace)
    app = make_app(workspace, "src/demo/more.py")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = app.active_editor
        assert editor is not None
        editor.insert("# mine\n")
        await run(pilot, "view.showSearch")
        panel = app.query_one(SearchPanel)
        await search(pilot, panel, "greet", replace="welcome")
        app.dispatch("search.replaceAll")
        await wait_until(pilot, lambda: isinstance(app.screen, ReplacePreview))
        preview = app.screen
        assert isinstance(preview, ReplacePreview)
        assert [item.path for item in preview.plan.files] == ["src/demo/app.py"]
        assert "unsaved changes" in preview.plan.conflicts[0].message
        await pilot.press("escape")
        await settle(pilot)
        assert "welcome" not in (workspace / "src/demo/app.py").read_text()
        assert editor.text.startswith("# mine\n")


async def test_the_exclude_setting_applies_to_find_in_files_when_it_changes(tmp_path: Path) -> None:
    workspace = make_demo_workspace(tmp_path)
    write(workspace)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run(pilot, "view.showSearch")
        panel = app.query_one(SearchPanel)
        await search(pilot, panel, "greet")
        assert "src/demo/more.py" in [item.path for item in panel.results.files]
        app.config.cli_overrides = {"explorer": {"exclude": ["more.py"]}}  # as if settings.toml changed
        app.reload_settings()
        await search(pilot, panel, "greet ")
        await search(pilot, panel, "greet")
        assert [item.path for item in panel.results.files] == ["src/demo/app.py"]
