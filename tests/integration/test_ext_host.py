"""The extension host as users meet it: a real ``python -m extensions.host`` subprocess behind HostSupervisor.

Covers activation events, command round trips, permission denials, failing extensions, and crashes (SIGKILL,
lost heartbeat, memory limit) with restarts, backoff and the stopped state, while the editor's buffer is edited.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from core.errors import ExtensionError
from core.extensions import ExtensionStatus, HostSupervisor, Isolation, RestartPolicy
from core.extensions.host_protocol import EXIT_AUTH
from core.ipc import Bus
from core.ipc.security import AuthToken
from core.paths import runtime_dir
from extensions.kit.permissions import Decision
from tests.extensions.host.sample import STARTUP_CODE, make_supervisor, write_samples

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the host tests use Unix sockets and signals")


async def wait_for(condition: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    """Poll until ``condition()`` holds; fail naming ``what`` if it never does."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "notes.txt").write_text("remember the milk\n", encoding="utf-8")
    return folder


@pytest.fixture
async def running(tmp_path: Path, workspace: Path) -> AsyncIterator[tuple[HostSupervisor, object, object]]:
    supervisor, ui, prompter = make_supervisor(write_samples(tmp_path / "exts", broken=True), workspace)
    await supervisor.start()
    await supervisor.wait_ready()
    yield supervisor, ui, prompter
    await supervisor.stop()


async def test_onstartup_activates_startup_extensions_only(running: tuple[HostSupervisor, object, object]) -> None:
    supervisor, ui, _ = running
    activated = await supervisor.activate("onStartup")
    assert activated == ["t.startup"]
    assert ui.status_items[("t.startup", "hello")]["text"] == "started"  # type: ignore[attr-defined]
    assert supervisor.status["t.echo"] is ExtensionStatus.INACTIVE
    assert supervisor.status["t.lang"] is ExtensionStatus.INACTIVE


async def test_an_extension_that_cannot_load_fails_alone(running: tuple[HostSupervisor, object, object]) -> None:
    supervisor, _, _ = running
    await supervisor.activate("onStartup")
    assert supervisor.status["t.broken"] is ExtensionStatus.FAILED
    assert "this extension cannot load" in supervisor.errors["t.broken"].message
    assert supervisor.status["t.startup"] is ExtensionStatus.ACTIVE


async def test_a_command_activates_its_extension_and_edits_the_document_in_one_undo_step(
    running: tuple[HostSupervisor, object, object],
) -> None:
    supervisor, ui, _ = running
    document = ui.open_document("hello\n")  # type: ignore[attr-defined]
    assert supervisor.status["t.echo"] is ExtensionStatus.INACTIVE
    version = await supervisor.execute_command("t.echo.edit", ">> ")
    assert supervisor.status["t.echo"] is ExtensionStatus.ACTIVE
    assert document.buffer.text == ">> hello\n"
    assert version == document.buffer.version
    assert document.buffer.undo() and document.buffer.text == "hello\n"
    assert await supervisor.execute_command("t.echo.run", 1, "two", [3]) == [1, "two", [3]]


async def test_opening_a_python_document_activates_the_language_extension_after_its_dependency(
    running: tuple[HostSupervisor, object, object],
) -> None:
    supervisor, ui, _ = running
    document = ui.open_document("import os\n", language="python")  # type: ignore[attr-defined]
    supervisor.fire_event("document.opened", document=document.meta)
    await wait_for(lambda: supervisor.status["t.lang"] is ExtensionStatus.ACTIVE, "onLanguage:python")
    assert supervisor.status["t.startup"] is ExtensionStatus.ACTIVE
    assert ui.notifications == [("t.lang", "info", "python is here")]  # type: ignore[attr-defined]


async def test_events_reach_the_handlers_of_active_extensions(
    running: tuple[HostSupervisor, object, object], workspace: Path
) -> None:
    supervisor, ui, _ = running
    await supervisor.activate("onStartup")
    document = ui.open_document("x", path=workspace / "a.txt")  # type: ignore[attr-defined]
    supervisor.fire_event("document.saved", document=document.meta)
    items = ui.status_items  # type: ignore[attr-defined]
    await wait_for(lambda: items[("t.startup", "hello")]["text"].startswith("saved"), "the saved event")
    assert items[("t.startup", "hello")]["text"] == f"saved {workspace / 'a.txt'}"


async def test_a_granted_capability_reads_through_core(running: tuple[HostSupervisor, object, object]) -> None:
    supervisor, _, prompter = running
    assert await supervisor.execute_command("t.echo.read") == "remember the milk\n"
    assert [r.capability.value for r in prompter.asked] == ["fs.read"]  # type: ignore[attr-defined]


async def test_a_denied_capability_reaches_the_extension_as_an_error_it_can_handle(
    tmp_path: Path, workspace: Path
) -> None:
    supervisor, _, prompter = make_supervisor(write_samples(tmp_path / "exts"), workspace, decision=Decision.DENY)
    await supervisor.start()
    try:
        assert await supervisor.execute_command("t.echo.read") == "refused: denied"
        assert await supervisor.execute_command("t.echo.read") == "refused: denied"
        assert len(prompter.asked) == 1  # denied for the session: not asked again
        assert supervisor.status["t.echo"] is ExtensionStatus.ACTIVE
    finally:
        await supervisor.stop()


async def test_an_undeclared_capability_is_refused_without_asking(
    running: tuple[HostSupervisor, object, object], workspace: Path
) -> None:
    supervisor, _, prompter = running
    assert await supervisor.execute_command("t.echo.write") == "refused: undeclared"
    assert prompter.asked == []  # type: ignore[attr-defined]
    assert not (workspace / "out.txt").exists()


async def test_a_raising_command_is_an_error_and_the_host_keeps_serving(
    running: tuple[HostSupervisor, object, object],
) -> None:
    supervisor, _, _ = running
    pid = supervisor.host_pids()["exthost"]
    with pytest.raises(ExtensionError, match="RuntimeError: kaboom"):
        await supervisor.execute_command("t.echo.boom")
    assert await supervisor.execute_command("t.echo.run", "still") == ["still"]
    assert supervisor.host_pids()["exthost"] == pid


async def test_crash_loop_stops_after_three_restarts_and_never_touches_the_buffer(
    tmp_path: Path, workspace: Path
) -> None:
    policy = RestartPolicy(max_restarts=3, window=60.0, initial_delay=0.02, max_delay=0.1)
    supervisor, ui, _ = make_supervisor(write_samples(tmp_path / "exts"), workspace, policy=policy)
    seen: list[tuple[str, ExtensionStatus]] = []
    supervisor.on_status(lambda ext, status, error: seen.append((ext, status)))
    document = ui.open_document("")
    typed: list[str] = []
    typing = True

    async def type_keys() -> None:
        # The user keeps typing into the editor while the host is killed over and over.
        n = 0
        while typing:
            key = "abcdefghij"[n % 10]
            document.buffer.type_text(key)
            typed.append(key)
            n += 1
            await asyncio.sleep(0.001)

    typist = asyncio.ensure_future(type_keys())
    await supervisor.start()
    try:
        kills = 0
        while kills < 10:
            await supervisor.wait_ready()
            await supervisor.activate("onStartup")
            pid = supervisor.host_pids()["exthost"]
            os.kill(pid, signal.SIGKILL)
            kills += 1
            await wait_for(
                lambda pid=pid: (
                    supervisor.host_pids().get("exthost") not in (None, pid)
                    or supervisor.status["t.startup"] is ExtensionStatus.STOPPED
                ),
                "a restart or the stopped state",
            )
            if supervisor.status["t.startup"] is ExtensionStatus.STOPPED:
                assert kills % 4 == 0  # three restarts in the minute, the fourth crash stops it
                with pytest.raises(ExtensionError, match="Restart extensions"):
                    await supervisor.execute_command("t.echo.run")
                await supervisor.restart()
        await supervisor.wait_ready()
        assert await supervisor.execute_command("t.echo.run", "alive") == ["alive"]
    finally:
        typing = False
        await typist
        await supervisor.stop()
    assert document.buffer.text == "".join(typed)
    assert len(typed) > 10
    assert ("t.startup", ExtensionStatus.CRASHED) in seen
    assert seen.count(("t.startup", ExtensionStatus.STOPPED)) == 2


async def test_a_hung_host_is_detected_by_its_lost_heartbeat_and_restarted(
    running: tuple[HostSupervisor, object, object],
) -> None:
    supervisor, _, _ = running
    await supervisor.activate("onStartup")
    pid = supervisor.host_pids()["exthost"]
    with pytest.raises(Exception):  # noqa: B017 - the call fails with the connection, whichever error says so
        await supervisor.execute_command("t.echo.hang")
    await wait_for(lambda: supervisor.host_pids().get("exthost") not in (None, pid), "a restarted host")
    assert "stopped answering" in supervisor.errors["t.startup"].message
    await supervisor.wait_ready()
    assert supervisor.status["t.startup"] is ExtensionStatus.ACTIVE  # re-activated after the restart


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is enforced reliably on Linux")
async def test_a_host_over_its_memory_limit_is_reported_and_restarted(tmp_path: Path, workspace: Path) -> None:
    supervisor, _, _ = make_supervisor(write_samples(tmp_path / "exts"), workspace, memory_limit_mb=1024)
    await supervisor.start()
    try:
        await supervisor.execute_command("t.echo.run")
        with pytest.raises(Exception):  # noqa: B017 - the host dies mid-call
            await supervisor.execute_command("t.echo.hog")
        await wait_for(lambda: "t.echo" in supervisor.errors, "the crash report")
        assert "exceeded its memory limit of 1024 MiB" in supervisor.errors["t.echo"].message
        await supervisor.wait_ready()
        assert await supervisor.execute_command("t.echo.run", 1) == [1]
    finally:
        await supervisor.stop()


async def test_per_extension_isolation_keeps_other_extensions_alive(tmp_path: Path, workspace: Path) -> None:
    policy = RestartPolicy(max_restarts=0)
    supervisor, _, _ = make_supervisor(
        write_samples(tmp_path / "exts"), workspace, isolation=Isolation.PER_EXTENSION, policy=policy
    )
    await supervisor.start()
    try:
        await supervisor.wait_ready()
        await supervisor.activate("onStartup")
        await supervisor.execute_command("t.echo.run")
        assert len(set(supervisor.host_pids().values())) == 3
        os.kill(supervisor.host_pids()[supervisor.host_identity("t.echo")], signal.SIGKILL)
        await wait_for(lambda: supervisor.status["t.echo"] is ExtensionStatus.STOPPED, "t.echo stopped")
        assert supervisor.status["t.startup"] is ExtensionStatus.ACTIVE
    finally:
        await supervisor.stop()


async def test_a_host_may_only_speak_for_the_extensions_core_assigned_to_it(tmp_path: Path, workspace: Path) -> None:
    supervisor, ui, _ = make_supervisor(write_samples(tmp_path / "exts"), workspace, isolation=Isolation.PER_EXTENSION)
    await supervisor.start()
    try:
        answer = await supervisor.execute_command("t.echo.impersonate", "t.startup")
        assert answer == "refused: this connection does not host extension 't.startup'"
        assert await supervisor.execute_command("t.echo.impersonate", "t.echo") == "accepted"
        assert ui.notifications == [("t.echo", "info", "spoofed")]
    finally:
        await supervisor.stop()


async def test_dependents_of_a_failed_extension_fail_with_the_reason(tmp_path: Path, workspace: Path) -> None:
    folders = write_samples(tmp_path / "exts")
    (tmp_path / "exts" / "startup" / "main.py").write_text("raise ImportError('gone')\n", encoding="utf-8")
    supervisor, _, _ = make_supervisor(folders, workspace)
    await supervisor.start()
    try:
        assert await supervisor.activate("onStartup") == []
        assert await supervisor.activate("onLanguage:python") == []
        assert supervisor.status["t.lang"] is ExtensionStatus.FAILED
        assert "its dependency 't.startup' is failed" in supervisor.errors["t.lang"].message
        (tmp_path / "exts" / "startup" / "main.py").write_text(STARTUP_CODE, encoding="utf-8")
        await supervisor.restart()  # "Restart extensions" retries failed extensions with their fixed code
        assert await supervisor.activate("onLanguage:python") == ["t.startup", "t.lang"]
    finally:
        await supervisor.stop()


async def test_a_host_with_a_wrong_token_is_refused(tmp_path: Path) -> None:
    bus = Bus()
    socket = runtime_dir() / "refuse.sock"
    await bus.serve(socket)
    bus.issue_token("exthost")
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "extensions.host",
            "--socket",
            str(socket),
            env=AuthToken.generate().child_env(),
            stderr=asyncio.subprocess.PIPE,
        )
        _, stderr = await process.communicate()
    finally:
        await bus.close()
    assert process.returncode == EXIT_AUTH
    assert b"token" in stderr.lower()
    assert bus.connections() == []
