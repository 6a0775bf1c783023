"""What a person sees of the workspace views: SVG snapshots (stored under snapshots/)."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from symphony_tui.widgets.explorer import Explorer
from symphony_tui.widgets.search_panel import SearchPanel
from tests.core.workspace.gitrepo import needs_git
from tests.symphony_tui.workspace_fixture import make_demo_workspace
from tests.symphony_tui.workspace_ui.gitfixture import make_app, make_git_workspace, settle, wait_until

SIZE = (110, 30)


@needs_git
def test_explorer_with_git_colours_and_letters(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    workspace = make_git_workspace(tmp_path)

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        explorer = pilot.app.query_one(Explorer)
        await wait_until(pilot, lambda: bool(explorer._git))
        explorer.reveal(workspace / "src" / "demo" / "app.py")
        await settle(pilot)

    assert snap_compare(make_app(workspace), terminal_size=SIZE, run_before=run_before)


def test_search_panel_with_grouped_results(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    workspace = make_demo_workspace(tmp_path)

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        pilot.app.dispatch("view.showSearch")  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press(*"name", "enter")
        await settle(pilot)
        await wait_until(pilot, lambda: not pilot.app.query_one(SearchPanel).searching)

    app = make_app(workspace, settings={"explorer": {"width": 40}})
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@needs_git
def test_diff_view_of_unstaged_hunks(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    workspace = make_git_workspace(tmp_path)
    app_py = workspace / "src/demo/app.py"
    app_py.write_text(app_py.read_text().replace("    debug = True\n", "    debug = False\n    verbose = 2\n"))

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await wait_until(pilot, lambda: pilot.app.workspace_ui.status is not None)  # type: ignore[attr-defined]
        await pilot.app.workspace_ui.open_diff("src/demo/app.py", "unstaged")  # type: ignore[attr-defined]
        await settle(pilot)

    assert snap_compare(make_app(workspace), terminal_size=SIZE, run_before=run_before)


@needs_git
def test_source_control_panel(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    workspace = make_git_workspace(tmp_path)

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await wait_until(pilot, lambda: pilot.app.workspace_ui.status is not None)  # type: ignore[attr-defined]
        pilot.app.dispatch("view.showSourceControl")  # type: ignore[attr-defined]
        await settle(pilot)

    assert snap_compare(make_app(workspace), terminal_size=SIZE, run_before=run_before)


@needs_git
def test_diff_view_against_head_side_by_side(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    workspace = make_git_workspace(tmp_path)

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await wait_until(pilot, lambda: pilot.app.workspace_ui.status is not None)  # type: ignore[attr-defined]
        view = await pilot.app.workspace_ui.open_diff("src/demo/app.py", "head")  # type: ignore[attr-defined]
        view.action_toggle_layout()
        await settle(pilot)

    assert snap_compare(make_app(workspace), terminal_size=SIZE, run_before=run_before)
