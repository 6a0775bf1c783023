"""The app's extensions service end to end: kit discovery and grants in front of a real host process."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from core.extensions import ExtensionStatus, HeadlessUi, RestartPolicy
from extensions.builtin import BUILTIN_ROOT
from extensions.kit.chambering import ChamberState
from extensions.kit.permissions import Decision, PermissionStore
from symphony_tui.extensions_service import RESTART_COMMAND, ExtensionsService
from tests.extensions.host.sample import ScriptedPrompter, write_samples
from tests.integration.test_ext_host import wait_for

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the host tests use Unix sockets and signals")

TODO_MANIFEST = """\
id = "t.todofiles"
name = "Todo files"
version = "1.0.0"
type = "operator"
entry = "main:Todo"
activation = ["workspaceContains:**/*.todo"]
"""

TODO_CODE = """\
from extensions.sdk import Extension


class Todo(Extension):
    async def activate(self, ctx):
        await ctx.window.notify("found .todo files")
"""


def make_service(tmp_path: Path, folders: list[Path], **kwargs: object) -> tuple[ExtensionsService, HeadlessUi]:
    ui = HeadlessUi()
    workspace = tmp_path / "ws"
    workspace.mkdir(exist_ok=True)
    service = ExtensionsService(
        ui=ui,
        prompter=ScriptedPrompter(Decision.ALLOW_ONCE),
        workspace_root=workspace,
        builtin=folders,
        grants=PermissionStore(tmp_path / "grants.json"),
        **kwargs,  # type: ignore[arg-type]
    )
    return service, ui


async def test_an_invalid_manifest_is_skipped_with_its_problem_and_the_rest_runs(tmp_path: Path) -> None:
    service, _ = make_service(tmp_path, write_samples(tmp_path / "exts", invalid=True))
    try:
        assert [p.data["keys"] for p in service.problems] == [["version", "type"]]
        assert "invalid/Symphony.toml" in service.problems[0].message
        assert service.chambering.state("builtin:invalid") is ChamberState.FAILED
        assert "t.invalid" not in service.supervisor.specs
        assert await service.start() == ["t.startup"]
        assert service.chambering.state("t.startup") is ChamberState.ACTIVE
        assert service.chambering.state("t.echo") is ChamberState.INSTALLED
    finally:
        await service.stop()


async def test_workspace_contains_activates_only_when_a_matching_file_exists(tmp_path: Path) -> None:
    folder = tmp_path / "exts" / "todo"
    folder.mkdir(parents=True)
    (folder / "Symphony.toml").write_text(TODO_MANIFEST, encoding="utf-8")
    (folder / "main.py").write_text(TODO_CODE, encoding="utf-8")
    service, ui = make_service(tmp_path, [folder])
    try:
        assert await service.start(["src/app.py", "README.md"]) == []
        assert await service.restart() == []
        assert await service.restart(["notes/week.todo"]) == ["t.todofiles"]
        assert ui.notifications == [("t.todofiles", "info", "found .todo files")]
    finally:
        await service.stop()


async def test_the_builtin_hello_command_greets_through_a_real_host(tmp_path: Path) -> None:
    service, ui = make_service(tmp_path, [BUILTIN_ROOT / "hello"])
    try:
        await service.start()
        assert await service.execute_command("symphony.hello.say", "Ada") == "Hello, Ada!"
        assert ui.notifications == [("symphony.hello", "info", "Hello, Ada!")]
        assert [c.id for c in service.commands()] == ["symphony.hello.say", RESTART_COMMAND]
    finally:
        await service.stop()


async def test_a_stopped_host_shows_failed_until_restart_extensions(tmp_path: Path) -> None:
    service, _ = make_service(tmp_path, write_samples(tmp_path / "exts"), policy=lambda: RestartPolicy(max_restarts=0))
    try:
        await service.start()
        supervisor = service.supervisor
        await supervisor.wait_ready()
        os.kill(supervisor.host_pids()["exthost"], signal.SIGKILL)
        await wait_for(lambda: supervisor.status["t.startup"] is ExtensionStatus.STOPPED, "the stopped state")
        assert service.chambering.state("t.startup") is ChamberState.FAILED
        error = service.chambering.get("t.startup").error
        assert error is not None and "Restart extensions" in error.hint
        await service.execute_command(RESTART_COMMAND)
        assert service.chambering.state("t.startup") is ChamberState.ACTIVE
        assert await service.execute_command("t.echo.run", "back") == ["back"]
    finally:
        await service.stop()


def test_extension_settings_that_do_not_fit_the_manifest_are_reported_and_not_passed_on(tmp_path: Path) -> None:
    user = {"symphony.hello": {"greeting": 42, "colour": "red"}, "symphony.harmony": {"refresh_seconds": 2}}
    service, _ = make_service(
        tmp_path, [BUILTIN_ROOT / "hello", BUILTIN_ROOT / "harmony"], user_settings=lambda ext_id: user.get(ext_id, {})
    )
    messages = sorted(p.message for p in service.problems)
    assert messages == [
        "extensions.settings.\"symphony.hello\".colour: Hello has no setting 'colour' (it has: greeting)",
        'extensions.settings."symphony.hello".greeting: 42 is not of type string',
    ]
    checked = service.api._user_settings
    assert checked is not None
    assert checked("symphony.hello") == {}  # both dropped: the extension gets its default greeting
    assert checked("symphony.harmony") == {"refresh_seconds": 2}
