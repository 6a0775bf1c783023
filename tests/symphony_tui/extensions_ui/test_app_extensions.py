"""Extensions in the running workbench, with real host processes: palette, undo, prompts, status bar, crashes."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from core.extensions import ExtensionStatus, RestartPolicy
from extensions.builtin import BUILTIN_ROOT
from extensions.kit.chambering import ChamberState
from extensions.kit.manifest import Capability
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

SIZE = (120, 36)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return make_demo_workspace(tmp_path)


async def test_a_contributed_command_runs_from_the_palette_and_undoes_in_one_step(
    workspace: Path, tmp_path: Path
) -> None:
    app = ext_app(workspace, [probe_extension(tmp_path / "exts")], "notes.txt")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        command = app.commands.get("t.ui.wrap")
        assert (command.label, command.source) == ("UI Probe: Wrap Document", "t.ui")
        editor = app.active_editor
        assert editor is not None
        await pilot.press("f1")
        await settle(pilot)
        await pilot.press(*"wrap document")
        await settle(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: editor.text.startswith("<<"), "the extension's edit")
        assert editor.text == "<<plain text notes\n>>"
        assert editor.dirty
        editor.focus()
        await pilot.press("ctrl+z")
        assert editor.text == "plain text notes\n"
        assert not editor.dirty


async def test_a_contributed_keybinding_runs_the_extension_command(workspace: Path, tmp_path: Path) -> None:
    app = ext_app(workspace, [probe_extension(tmp_path / "exts")], "notes.txt")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        assert app.keys_for("t.ui.wrap") == ["f7"]
        editor = app.active_editor
        assert editor is not None
        await pilot.press("f7")
        await wait_until(pilot, lambda: editor.text.endswith(">>"), "the edit from f7")


async def answer_permission(pilot, app, key: str) -> str:  # type: ignore[no-untyped-def]
    worker = app.dispatch("t.ui.read")
    await wait_until(pilot, lambda: isinstance(app.screen, ChoiceDialog), "the permission prompt")
    body = " ".join(str(s.content) for s in app.screen.query("Static"))
    assert "UI Probe" in body and "fs.read" in body and "workspace.read_text(notes.txt)" in body
    await pilot.press(key)
    return await worker.wait()


async def test_permission_prompt_allow_once_asks_again_and_always_allow_is_remembered(
    workspace: Path, tmp_path: Path
) -> None:
    app = ext_app(workspace, [probe_extension(tmp_path / "exts")])
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        assert await answer_permission(pilot, app, "o") == "plain text notes\n"
        assert await answer_permission(pilot, app, "a") == "plain text notes\n"
        service = app.extensions.service
        assert service is not None and Capability.FS_READ in service.gate.store.granted("t.ui")
        assert await app.run_command("t.ui.read") == "plain text notes\n"  # no prompt this time
        assert not isinstance(app.screen, ChoiceDialog)


async def test_permission_denied_is_an_error_for_the_extension_not_a_crash(workspace: Path, tmp_path: Path) -> None:
    app = ext_app(workspace, [probe_extension(tmp_path / "exts")])
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        assert await answer_permission(pilot, app, "d") == "refused"
        await wait_until(
            pilot, lambda: any("refused: denied" in n.message for n in app._notifications), "the extension's notice"
        )
        assert any(n.title == "UI Probe" for n in app._notifications)
        assert status(app, "t.ui") is ExtensionStatus.ACTIVE
        assert await app.run_command("t.ui.read") == "refused"  # denied for the session: not asked again


async def test_wordcount_builtin_keeps_a_status_bar_item_current(workspace: Path) -> None:
    app = ext_app(workspace, [BUILTIN_ROOT / "wordcount"], "notes.txt")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        bar = app.query_one(StatusBar)
        key = "symphony.wordcount/wordcount"
        await wait_until(pilot, lambda: key in bar.items, "the word count item")
        assert bar.items[key].text == "3 words, 1 line"
        assert bar.items[key].alignment == "right"
        await pilot.press("end", *" and more")
        await wait_until(pilot, lambda: bar.items[key].text == "5 words, 1 line", "the count after typing")
        rendered = app.query_one("#status-right-items").query("Static").first()
        assert "5 words, 1 line" in str(rendered.render())


async def test_an_invalid_manifest_is_named_in_a_notification_and_the_rest_loads(
    workspace: Path, tmp_path: Path
) -> None:
    broken = write_extension(tmp_path / "exts", "broken", INVALID_MANIFEST, "class X: pass\n")
    app = ext_app(workspace, [broken, BUILTIN_ROOT / "hello"])
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        problems = [n.message for n in app._notifications if n.title == "Extension problem"]
        assert len(problems) == 1
        assert str(broken / "Symphony.toml") in problems[0] and "'version'" in problems[0]
        service = app.extensions.service
        assert service is not None
        assert service.chambering.state("builtin:broken") is ChamberState.FAILED
        assert "symphony.hello.say" in app.commands
        assert await app.extensions.service.execute_command("symphony.hello.say", "Ada") == "Hello, Ada!"


async def test_the_host_killed_ten_times_while_typing_loses_no_keystroke(workspace: Path) -> None:
    def policy() -> RestartPolicy:
        return RestartPolicy(max_restarts=100, initial_delay=0.01, max_delay=0.05)

    app = ext_app(workspace, [BUILTIN_ROOT / "wordcount"], "notes.txt", policy=policy)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        service = app.extensions.service
        assert service is not None
        supervisor = service.supervisor
        editor = app.active_editor
        assert editor is not None
        await pilot.press("end")
        typed = ""
        for round_number in range(10):
            pid = supervisor.host_pids()["exthost"]
            await pilot.press("a", "b")
            os.kill(pid, signal.SIGKILL)
            await pilot.press("c", str(round_number))
            typed += f"abc{round_number}"
            await wait_until(
                pilot,
                lambda pid=pid: supervisor.host_pids().get("exthost", pid) != pid,
                f"a new host after kill {round_number + 1}",
            )
        assert editor.text == "plain text notes" + typed + "\n"
        await supervisor.wait_ready()
        await wait_until(pilot, lambda: status(app, "symphony.wordcount") is ExtensionStatus.ACTIVE, "recovery")
        bar = app.query_one(StatusBar)
        await pilot.press("space")
        await wait_until(
            pilot, lambda: bar.items.get("symphony.wordcount/wordcount") is not None, "the item after recovery"
        )
