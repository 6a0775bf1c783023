"""What a person sees: SVG snapshots of the workbench (stored under snapshots/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from core.config import ConfigService
from symphony_tui.app import SymphonyApp
from tests.symphony_tui.workspace_fixture import make_demo_workspace

SIZE = (110, 30)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return make_demo_workspace(tmp_path)


async def settle(pilot: Pilot[None]) -> None:
    """Wait for background work twice (loading a folder can start more); dialogs' commands keep waiting."""
    for _ in range(2):
        background = [w for w in pilot.app.workers if w.group != "commands"]
        if background:  # an empty list would mean "all workers" to Textual
            await pilot.app.workers.wait_for_complete(background)
        await pilot.pause()


def app_on(workspace: Path, *files: str, theme: str | None = None) -> SymphonyApp:
    config = ConfigService(workspace, {"theme": theme} if theme else {})
    return SymphonyApp(workspace, open_paths=[workspace / f for f in files], config=config, watch_config=False)


def test_workbench_with_a_python_file(snap_compare, workspace: Path) -> None:  # type: ignore[no-untyped-def]
    app = app_on(workspace, "README.md", "src/demo/app.py")

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("down", "down", "end")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_command_palette_open(snap_compare, workspace: Path) -> None:  # type: ignore[no-untyped-def]
    app = app_on(workspace, "src/demo/app.py")

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("f1", *"sa")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_light_theme(snap_compare, workspace: Path) -> None:  # type: ignore[no-untyped-def]
    app = app_on(workspace, "data/settings.json", theme="symphony-light")

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_unsaved_changes_quit_dialog(snap_compare, workspace: Path) -> None:  # type: ignore[no-untyped-def]
    # Plain-text files behind the dialog: what is pictured is the dialog, not highlighting (covered elsewhere).
    app = app_on(workspace, "crlf.txt", "notes.txt")

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("x")
        await pilot.press("ctrl+pageup")
        await pilot.press("y")
        await pilot.press("ctrl+q")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
