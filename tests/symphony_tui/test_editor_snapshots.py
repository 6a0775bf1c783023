"""What a person sees in the editor: highlighted code in three languages, several cursors, the find bar."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from symphony_tui.app import SymphonyApp
from tests.symphony_tui.pilot_wait import commands_done, settle
from tests.symphony_tui.workspace_fixture import make_demo_workspace

SIZE = (100, 24)

RUST = (
    "use std::fmt;\n\n/// A point.\nstruct Point { x: i32, y: i32 }\n\nfn main() {\n"
    '    let p = Point { x: 1, y: 2 };\n    println!("{}", p.x + p.y); // sum\n}\n'
)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = make_demo_workspace(tmp_path)
    (root / "main.rs").write_text(RUST, encoding="utf-8")
    return root


def app_on(workspace: Path, *files: str) -> SymphonyApp:
    app = SymphonyApp(workspace, open_paths=[workspace / f for f in files], watch_config=False)
    return app


@pytest.mark.parametrize("name", ["app.py", "index.js", "main.rs"])
def test_highlighted_code(snap_compare, workspace: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot, rounds=2)
        pilot.app.query_one("#explorer").display = False

    path = {"app.py": "src/demo/app.py", "index.js": "web/index.js", "main.rs": "main.rs"}[name]
    assert snap_compare(app_on(workspace, path), terminal_size=SIZE, run_before=run_before)


def test_three_cursors_after_typing(snap_compare, workspace: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot, rounds=2)
        pilot.app.query_one("#explorer").display = False
        pilot.app.active_editor.cursor_blink = False  # type: ignore[attr-defined]  # the same frame every run
        await pilot.press("down", "down", "down", "down", "down")
        await pilot.press("ctrl+alt+down")
        await commands_done(pilot)
        await pilot.press("ctrl+alt+down")
        await commands_done(pilot)
        await pilot.press(*"# ")
        await settle(pilot, rounds=2)

    assert snap_compare(app_on(workspace, "src/demo/app.py"), terminal_size=SIZE, run_before=run_before)


def test_find_bar_with_matches(snap_compare, workspace: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot, rounds=2)
        pilot.app.query_one("#explorer").display = False
        await pilot.press("ctrl+r")
        await commands_done(pilot)
        await pilot.press(*"name")
        await settle(pilot, rounds=2)

    assert snap_compare(app_on(workspace, "src/demo/app.py"), terminal_size=SIZE, run_before=run_before)


def test_split_view_shows_one_document_twice(snap_compare, workspace: Path) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot, rounds=2)
        pilot.app.query_one("#explorer").display = False
        pilot.app.active_editor.cursor_blink = False  # type: ignore[attr-defined]
        await pilot.press("ctrl+backslash")
        await commands_done(pilot)
        pilot.app.focused.cursor_blink = False  # type: ignore[union-attr]
        await pilot.press("down", "down", *"import sys")
        await settle(pilot, rounds=2)

    assert snap_compare(app_on(workspace, "src/demo/app.py"), terminal_size=SIZE, run_before=run_before)
