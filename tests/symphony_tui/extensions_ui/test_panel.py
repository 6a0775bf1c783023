"""The Extensions panel: what it lists, and enable/disable, restart host, revoke, crashes, as a user meets them."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest
from textual.pilot import Pilot

from core.extensions import ExtensionStatus, RestartPolicy
from extensions.builtin import BUILTIN_ROOT
from extensions.kit.manifest import Capability
from symphony_tui.extensions_ui.panel import ExtensionsPanel
from symphony_tui.widgets.dialogs import ChoiceDialog
from symphony_tui.widgets.status_bar import StatusBar
from tests.symphony_tui.extensions_ui.fixtures import (
    INVALID_MANIFEST,
    ext_app,
    probe_extension,
    settle,
    started,
    status,
    wait_until,
    write_extension,
)
from tests.symphony_tui.workspace_fixture import make_demo_workspace

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="host tests use Unix sockets and signals")

SIZE = (120, 30)

FAILING_MANIFEST = """\
id = "t.bad"
name = "Bad Start"
version = "0.3.1"
type = "operator"
entry = "main:Bad"
activation = ["onStartup"]
capabilities = ["terminal"]
"""

FAILING_CODE = """\
from extensions.sdk import Extension


class Bad(Extension):
    async def activate(self, ctx):
        raise RuntimeError("no config")
"""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return make_demo_workspace(tmp_path)


async def open_panel(pilot: Pilot[None]) -> ExtensionsPanel:
    await pilot.press("f1")
    await settle(pilot)
    await pilot.press(*"extensions show", "enter")
    await settle(pilot)
    return pilot.app.query_one(ExtensionsPanel)


def row(panel: ExtensionsPanel, extension_id: str):  # type: ignore[no-untyped-def]
    return next(r for r in panel.rows if r.id == extension_id)


def test_extensions_panel_snapshot(snap_compare, workspace: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = write_extension(tmp_path / "exts", "bad", FAILING_MANIFEST, FAILING_CODE)
    app = ext_app(workspace, [BUILTIN_ROOT / "hello", BUILTIN_ROOT / "wordcount", bad], "notes.txt")

    async def run_before(pilot: Pilot[None]) -> None:
        await started(pilot, app)
        await wait_until(pilot, lambda: status(app, "t.bad") is ExtensionStatus.FAILED, "the failed activation")
        await wait_until(pilot, lambda: "symphony.wordcount/wordcount" in app.query_one(StatusBar).items, "count")
        app.query_one("#explorer").display = False
        await open_panel(pilot)
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_panel_lists_state_version_capabilities_and_the_invalid_manifest(workspace: Path, tmp_path: Path) -> None:
    broken = write_extension(tmp_path / "exts", "broken", INVALID_MANIFEST, "class X: pass\n")
    app = ext_app(workspace, [broken, probe_extension(tmp_path / "exts"), BUILTIN_ROOT / "wordcount"])
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        panel = await open_panel(pilot)
        assert [r.id for r in panel.rows] == ["builtin:broken", "symphony.wordcount", "t.ui"]
        invalid = row(panel, "builtin:broken")
        assert invalid.marked and invalid.state == "failed" and "'version'" in invalid.error
        probe = row(panel, "t.ui")
        shown = (probe.name, probe.version, probe.state, probe.capabilities)
        assert shown == ("UI Probe", "1.2.0", "installed", "fs.read")
        await wait_until(pilot, lambda: row(panel, "symphony.wordcount").state == "active", "word count active")

        panel.query_one("DataTable").move_cursor(row=0)  # type: ignore[attr-defined]
        await pilot.press("enter")  # the broken manifest's details: the whole error, where, and its history
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceDialog), "the details")
        details = " ".join(str(s.render()) for s in app.screen.query("Static"))
        assert str(broken / "Symphony.toml") in details and "semantic version" in details
        assert "discovered → failed" in details
        await pilot.press("escape")


async def test_disable_then_enable_from_the_panel(workspace: Path) -> None:
    app = ext_app(workspace, [BUILTIN_ROOT / "wordcount", BUILTIN_ROOT / "hello"], "notes.txt")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        bar = app.query_one(StatusBar)
        await wait_until(pilot, lambda: "symphony.wordcount/wordcount" in bar.items, "the count item")
        panel = await open_panel(pilot)
        panel.query_one("DataTable").move_cursor(row=[r.id for r in panel.rows].index("symphony.wordcount"))
        await pilot.press("e")
        await wait_until(pilot, lambda: row(panel, "symphony.wordcount").state == "disabled", "disabled")
        assert "symphony.wordcount/wordcount" not in bar.items
        assert "symphony.wordcount" not in app.extensions.service.supervisor.specs  # type: ignore[union-attr]
        assert "symphony.hello.say" in app.commands  # the others keep running
        await pilot.press("e")
        await wait_until(pilot, lambda: row(panel, "symphony.wordcount").state == "active", "enabled again")
        await wait_until(pilot, lambda: "symphony.wordcount/wordcount" in bar.items, "the count item again")


async def test_revoke_permissions_then_restart_the_host_from_the_panel(workspace: Path, tmp_path: Path) -> None:
    app = ext_app(workspace, [probe_extension(tmp_path / "exts"), BUILTIN_ROOT / "wordcount"], "notes.txt")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        service = app.extensions.service
        assert service is not None
        service.gate.store.grant("t.ui", Capability.FS_READ)
        panel = await open_panel(pilot)
        table = panel.query_one("DataTable")
        table.move_cursor(row=[r.id for r in panel.rows].index("t.ui"))  # type: ignore[attr-defined]
        assert row(panel, "t.ui").capabilities == "fs.read ✓"
        await pilot.press("v")
        await wait_until(pilot, lambda: row(panel, "t.ui").capabilities == "fs.read", "the grant gone")
        assert service.gate.store.granted("t.ui") == frozenset()

        supervisor = service.supervisor
        before = supervisor.host_pids()["exthost"]
        await pilot.press("r")
        await wait_until(pilot, lambda: supervisor.host_pids().get("exthost", before) != before, "a new host")
        await supervisor.wait_ready()
        await wait_until(pilot, lambda: status(app, "symphony.wordcount") is ExtensionStatus.ACTIVE, "active again")


async def test_a_host_that_crashed_too_often_is_marked_until_restart_extensions(workspace: Path) -> None:
    app = ext_app(workspace, [BUILTIN_ROOT / "wordcount"], "notes.txt", policy=lambda: RestartPolicy(max_restarts=0))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        supervisor = app.extensions.service.supervisor  # type: ignore[union-attr]
        panel = await open_panel(pilot)
        os.kill(supervisor.host_pids()["exthost"], signal.SIGKILL)
        await wait_until(pilot, lambda: row(panel, "symphony.wordcount").marked, "the crash marked")
        marked = row(panel, "symphony.wordcount")
        assert marked.state == "failed (stopped)" and "killed by signal SIGKILL" in marked.error
        assert "symphony.wordcount/wordcount" not in app.query_one(StatusBar).items
        await wait_until(
            pilot, lambda: any(n.title == "Extension stopped" for n in app._notifications), "the notification"
        )
        await app.run_command("extensions.restart")
        await wait_until(pilot, lambda: row(panel, "symphony.wordcount").state == "active", "back after restart")
        assert not row(panel, "symphony.wordcount").marked
