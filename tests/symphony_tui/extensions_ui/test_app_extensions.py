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
        await wait_until(pilot, lambda: any(n.title == "Extension problem" for n in app._notifications), "problem")
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


async def test_contributed_and_user_keys_run_extension_commands_without_unknown_command_noise(
    workspace: Path, tmp_path: Path
) -> None:
    bindings = [{"key": "f8", "command": "t.ui.wrap"}, {"key": "f9", "command": "no.such.command"}]
    app = ext_app(workspace, [probe_extension(tmp_path / "exts")], "notes.txt", settings={"keybindings": bindings})
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await wait_until(pilot, lambda: any("unknown command" in n.message for n in app._notifications), "problem")
        problems = [n.message for n in app._notifications if "unknown command" in n.message]
        assert len(problems) == 1 and "no.such.command" in problems[0]
        editor = app.active_editor
        assert editor is not None
        assert app.keys_for("t.ui.wrap") == ["f7", "f8"]  # the manifest's key and the user's own
        await pilot.press("f8")
        await wait_until(pilot, lambda: editor.text.startswith("<<"), "the edit from the user's key")
        await pilot.press("f7")
        await wait_until(pilot, lambda: editor.text.startswith("<<<<"), "the edit from the contributed key")


async def test_settings_switch_isolation_live_and_turn_extensions_off(workspace: Path, tmp_path: Path) -> None:
    from core.config import ConfigService
    from symphony_tui.app import SymphonyApp
    from symphony_tui.extensions_ui.controller import ExtensionsOptions

    settings = workspace / ".symphony" / "settings.toml"
    settings.parent.mkdir()
    settings.write_text('[extensions]\nisolation = "shared"\n', encoding="utf-8")
    app = SymphonyApp(
        workspace,
        config=ConfigService(workspace),
        watch_config=False,
        extensions=True,
        extension_options=ExtensionsOptions(
            builtin=[BUILTIN_ROOT / "hello", BUILTIN_ROOT / "wordcount"], use_registry=False
        ),
    )
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        assert list(app.extensions.service.supervisor.host_pids()) == ["exthost"]  # type: ignore[union-attr]

        settings.write_text('[extensions]\nisolation = "per-extension"\n', encoding="utf-8")
        app.reload_settings()
        await wait_until(
            pilot,
            lambda: app.extensions.service is not None and len(app.extensions.service.supervisor.host_pids()) == 2,
            "one host per extension",
        )
        assert "symphony.hello.say" in app.commands

        settings.write_text("[extensions]\nenabled = false\n", encoding="utf-8")
        app.reload_settings()
        await wait_until(pilot, lambda: app.extensions.service is None and app.extensions.started.is_set(), "off")
        assert "symphony.hello.say" not in app.commands
        assert await app.run_command("extensions.restart") is None  # says they are off, does not fail


async def test_without_the_extensions_flag_no_host_is_spawned(workspace: Path) -> None:
    from symphony_tui.app import SymphonyApp

    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.extensions.service is None and not app.extensions.enabled
        assert "extensions.show" in app.commands


FILES_MANIFEST = """\
id = "t.files"
name = "Files"
version = "1.0.0"
type = "operator"
entry = "main:Files"
activation = ["onStartup"]
"""

FILES_CODE = """\
from extensions.sdk import Event, Extension, on


class Files(Extension):
    @on("workspace.files_changed")
    async def changed(self, event: Event):
        paths = sorted(event.data["paths"])
        assert all(c["kind"] in ("added", "modified") for c in event.data["changes"])
        await self.ctx.window.notify("changed: " + ", ".join(paths))
"""

LATE_MANIFEST = """\
id = "t.late"
name = "Late"
version = "1.0.0"
type = "operator"
entry = "main:Late"
activation = ["workspaceContains:**/*.late"]
"""

LATE_CODE = """\
from extensions.sdk import Extension


class Late(Extension):
    async def activate(self, ctx):
        await ctx.window.notify("a .late file appeared")
"""


async def test_file_changes_reach_extensions_and_wake_workspace_contains(workspace: Path, tmp_path: Path) -> None:
    files = write_extension(tmp_path / "exts", "files", FILES_MANIFEST, FILES_CODE)
    late = write_extension(tmp_path / "exts", "late", LATE_MANIFEST, LATE_CODE)
    app = ext_app(workspace, [files, late])
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        assert status(app, "t.late") is ExtensionStatus.INACTIVE
        await wait_until(pilot, lambda: any(w.group == "ext-watch" for w in app.workers), "the workspace watch")
        seen = lambda: any(n.message == "changed: data/new.late" for n in app._notifications)  # noqa: E731
        for attempt in range(50):  # the OS watch arms asynchronously: write until a change is seen
            (workspace / "data" / "new.late").write_text(str(attempt), encoding="utf-8")
            await pilot.pause(0.1)
            if seen():
                break
        await wait_until(
            pilot, lambda: any(n.message == "changed: data/new.late" for n in app._notifications), "the event"
        )
        await wait_until(pilot, lambda: status(app, "t.late") is ExtensionStatus.ACTIVE, "workspaceContains")
        await wait_until(
            pilot, lambda: any(n.message == "a .late file appeared" for n in app._notifications), "its notice"
        )
