"""Motifs in the workbench through a real extension host: open, type, click, crash and restart.

Every event here makes the full trip: widget -> MotifView -> supervisor -> host process -> the Motif's handler
-> set_state -> motif.patch -> core's validation -> MotifPlacements -> the reconciler.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest
from textual.widgets import Input, Tree

from core.extensions import RestartPolicy
from extensions.builtin import BUILTIN_ROOT
from symphony_tui.app import SymphonyApp
from symphony_tui.vdom.motif_view import MotifView
from symphony_tui.widgets.dialogs import ChoiceDialog
from tests.symphony_tui.extensions_ui.fixtures import ext_app, settle, started, wait_until
from tests.symphony_tui.workspace_fixture import make_demo_workspace

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="host tests use Unix sockets and signals")

SIZE = (120, 36)
PANEL = "symphony.todo.panel"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = make_demo_workspace(tmp_path)
    (root / "src" / "todo_demo.py").write_text(
        "def ship():\n    pass  # TODO: ship it\n\n\n# FIXME: naming\n", encoding="utf-8"
    )
    return root


def tree_of(view: MotifView) -> Tree[int]:
    return view.query_one(Tree)


def file_rows(view: MotifView) -> list[str]:
    return [str(node.label) for node in tree_of(view).root.children]


async def open_panel(pilot: object, app: SymphonyApp) -> MotifView:
    await started(pilot, app)  # type: ignore[arg-type]
    app.dispatch("motif.open", motif=PANEL)
    await wait_until(pilot, lambda: PANEL in app.motifs.views, "the panel placed")  # type: ignore[arg-type]
    view = app.motifs.views[PANEL]
    await wait_until(pilot, lambda: isinstance(app.screen, ChoiceDialog), "the fs.read prompt")  # type: ignore[arg-type]
    await pilot.press("a")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: bool(view.query(Tree)) and bool(file_rows(view)), "the scan shown")  # type: ignore[arg-type]
    return view


async def test_the_todo_motif_filters_as_the_user_types_and_opens_the_clicked_line(workspace: Path) -> None:
    app = ext_app(workspace, [BUILTIN_ROOT / "todo"])
    async with app.run_test(size=SIZE) as pilot:
        view = await open_panel(pilot, app)
        assert view.parent is not None and view.parent.id == "motif-sidebar"
        assert "src/todo_demo.py (2)" in file_rows(view)
        field = view.query_one(Input)
        await pilot.click(field)
        await pilot.press(*"fixme")
        await wait_until(pilot, lambda: file_rows(view) == ["src/todo_demo.py (1)"], "the filtered tree")
        assert field.value == "fixme" and app.focused is field
        tree = tree_of(view)
        tree.focus()
        tree.move_cursor(tree.root.children[0].children[0])
        await pilot.press("enter")
        target = workspace / "src" / "todo_demo.py"
        await wait_until(pilot, lambda: app.editor_for(target) is not None, "the file opened")
        editor = app.editor_for(target)
        assert editor is not None and app.active_editor is editor
        assert editor.cursor_location[0] == 4  # line 5, 0-based
        await settle(pilot)


async def test_a_crashed_host_shows_an_error_box_and_restart_brings_the_motif_back(workspace: Path) -> None:
    app = ext_app(workspace, [BUILTIN_ROOT / "todo"], policy=lambda: RestartPolicy(max_restarts=0))
    async with app.run_test(size=SIZE) as pilot:
        view = await open_panel(pilot, app)
        service = app.extensions.service
        assert service is not None
        os.kill(next(iter(service.supervisor.host_pids().values())), signal.SIGKILL)
        await wait_until(pilot, lambda: view.error is not None, "the error box")
        assert view.has_class("-failed") and "extension host" in view.error.message  # type: ignore[union-attr]
        assert app.active_editor is None or app.active_editor.text is not None  # the rest of the UI still works
        await pilot.click("#motif-restart")
        await wait_until(pilot, lambda: view.error is None and bool(file_rows(view)), "the Motif back")
        assert "src/todo_demo.py (2)" in file_rows(view)
