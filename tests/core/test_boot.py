"""Specification of core.boot: ordered start, reverse rollback, BootError naming the phase, standard phases."""

from __future__ import annotations

import asyncio
import json
import logging
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from core import doctor
from core.boot import BootContext, BootError, BootPhase, Bootstrapper, standard_phases
from core.errors import ConfigError, ErrorCode, SymphonyError, SymphonyIOError, UnsupportedError

pytestmark = pytest.mark.usefixtures("isolated_environment")


class Recorder:
    """Phases that record their start and stop calls in one shared list."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def phase(self, name: str, *, fail_start: BaseException | None = None, fail_stop: bool = False) -> BootPhase:
        def start(ctx: BootContext) -> None:
            self.calls.append(f"start {name}")
            if fail_start is not None:
                raise fail_start
            ctx.services[name] = True

        async def stop(ctx: BootContext) -> None:
            await asyncio.sleep(0)
            self.calls.append(f"stop {name}")
            if fail_stop:
                raise RuntimeError(f"{name} would not stop")

        return BootPhase(name, start, stop)


async def test_phases_start_in_order_and_share_the_context() -> None:
    recorder = Recorder()
    booter = Bootstrapper([recorder.phase("a"), recorder.phase("b"), recorder.phase("c")])

    ctx = await booter.run(BootContext())

    assert recorder.calls == ["start a", "start b", "start c"]
    assert ctx.services == {"a": True, "b": True, "c": True}
    assert booter.started == ("a", "b", "c")


async def test_async_start_is_awaited() -> None:
    async def start(ctx: BootContext) -> None:
        await asyncio.sleep(0)
        ctx.services["async"] = "ready"

    ctx = await Bootstrapper([BootPhase("async", start)]).run(BootContext())
    assert ctx.services["async"] == "ready"


async def test_failing_phase_rolls_back_earlier_phases_in_reverse_and_names_the_phase() -> None:
    recorder = Recorder()
    booter = Bootstrapper(
        [
            recorder.phase("a"),
            recorder.phase("b"),
            recorder.phase("ipc", fail_start=OSError("address in use")),
            recorder.phase("never"),
        ]
    )

    with pytest.raises(BootError) as info:
        await booter.run(BootContext())

    assert recorder.calls == ["start a", "start b", "start ipc", "stop b", "stop a"]
    assert info.value.phase == "ipc"
    assert info.value.message == "start-up failed in phase 'ipc': OSError: address in use"
    assert info.value.code is ErrorCode.INTERNAL
    assert info.value.data["phase"] == "ipc"
    assert isinstance(info.value.__cause__, OSError)
    assert booter.started == ()


async def test_symphony_error_cause_keeps_its_code_hint_and_class() -> None:
    def start(ctx: BootContext) -> None:
        raise SymphonyIOError("cannot write /x/y", hint="Free some disk space.", data={"path": "/x/y"})

    booter = Bootstrapper([BootPhase("store", start)])

    with pytest.raises(BootError) as info:
        await booter.run(BootContext())

    error = info.value
    assert error.code is ErrorCode.IO
    assert error.hint == "Free some disk space."
    assert "'store'" in error.message and "cannot write /x/y" in error.message
    assert isinstance(error, SymphonyIOError)
    assert error.data == {"phase": "store", "path": "/x/y"}
    assert SymphonyError.from_dict(error.to_dict()).code is ErrorCode.IO


def test_boot_error_from_a_plain_exception_uses_the_bug_report_hint() -> None:
    error = BootError.from_failure("config", ValueError("boom"))
    assert error.code is ErrorCode.INTERNAL
    assert error.hint == SymphonyError.default_hint
    assert type(error) is BootError


async def test_failing_stop_during_rollback_is_logged_and_the_rest_still_stop(
    caplog: pytest.LogCaptureFixture,
) -> None:
    recorder = Recorder()
    booter = Bootstrapper(
        [
            recorder.phase("a"),
            recorder.phase("b", fail_stop=True),
            recorder.phase("c", fail_start=RuntimeError("nope")),
        ]
    )

    with caplog.at_level(logging.ERROR, logger="core.boot"), pytest.raises(BootError) as info:
        await booter.run(BootContext())

    assert info.value.phase == "c"
    assert recorder.calls == ["start a", "start b", "start c", "stop b", "stop a"]
    stop_failures = [r for r in caplog.records if r.getMessage() == "boot phase failed to stop"]
    assert [getattr(r, "phase", None) for r in stop_failures] == ["b"]


async def test_shutdown_stops_started_phases_in_reverse_once() -> None:
    recorder = Recorder()
    booter = Bootstrapper([recorder.phase("a"), BootPhase("no-stop", lambda ctx: None), recorder.phase("c")])
    await booter.run(BootContext())

    await booter.shutdown()
    await booter.shutdown()

    assert recorder.calls == ["start a", "start c", "stop c", "stop a"]
    assert booter.started == ()


async def test_cancellation_during_start_rolls_back_and_propagates() -> None:
    recorder = Recorder()
    booter = Bootstrapper([recorder.phase("a"), recorder.phase("b", fail_start=asyncio.CancelledError())])

    with pytest.raises(asyncio.CancelledError):
        await booter.run(BootContext())

    assert recorder.calls == ["start a", "start b", "stop a"]


async def test_run_twice_without_shutdown_is_refused() -> None:
    booter = Bootstrapper([BootPhase("a", lambda ctx: None)])
    await booter.run(BootContext())
    with pytest.raises(RuntimeError):
        await booter.run(BootContext())


def test_duplicate_phase_names_are_rejected() -> None:
    with pytest.raises(ValueError, match="config"):
        Bootstrapper([BootPhase("config", lambda ctx: None), BootPhase("config", lambda ctx: None)])


def read_log(path: Path) -> list[dict[str, object]]:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_standard_phases_are_preflight_config_logging_then_core_services() -> None:
    names = [phase.name for phase in standard_phases(None)]
    assert names[:3] == ["preflight", "config", "logging"]
    assert "runtime-dir" in names[3:]


async def test_standard_boot_loads_settings_logs_to_the_log_dir_and_prepares_the_runtime_dir(
    tmp_path: Path, isolated_environment: Path
) -> None:
    workspace = tmp_path / "project"
    workspace.mkdir()
    booter = Bootstrapper(standard_phases(workspace, {"log_level": "debug"}))

    ctx = await booter.run(BootContext(workspace=workspace))
    await booter.shutdown()

    assert ctx.settings is not None and ctx.settings.log_level == "debug"
    assert ctx.config is not None and ctx.config.problems == []
    assert ctx.log_path == isolated_environment / "log" / "symphony.log"
    assert logging.getLogger().level == logging.DEBUG
    runtime = ctx.services["runtime_dir"]
    assert runtime == isolated_environment / "runtime"
    assert stat.S_IMODE(runtime.stat().st_mode) == 0o700
    assert any(record["msg"] == "boot complete" for record in read_log(ctx.log_path))


async def test_standard_boot_survives_a_broken_settings_file_and_logs_it(isolated_environment: Path) -> None:
    config_dir = isolated_environment / "config"
    config_dir.mkdir(parents=True)
    (config_dir / "settings.toml").write_text('theme = "unterminated\n', encoding="utf-8")
    booter = Bootstrapper(standard_phases(None))

    ctx = await booter.run(BootContext())
    await booter.shutdown()

    assert ctx.config is not None and len(ctx.config.problems) == 1
    assert ctx.log_path is not None
    warnings = [r for r in read_log(ctx.log_path) if r["level"] == "warning"]
    assert any("settings.toml" in str(r["msg"]) and r["check"] == "config" for r in warnings)


async def test_standard_boot_on_too_old_a_python_fails_in_preflight(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doctor, "MIN_PYTHON", (99, 0))
    booter = Bootstrapper(standard_phases(None))

    with pytest.raises(BootError) as info:
        await booter.run(BootContext())

    assert info.value.phase == "preflight"
    assert isinstance(info.value, UnsupportedError)
    assert "99.0" in info.value.hint


async def test_standard_boot_with_an_unusable_runtime_dir_names_the_phase_and_rolls_back(
    isolated_environment: Path,
) -> None:
    (isolated_environment / "runtime").parent.mkdir(parents=True, exist_ok=True)
    (isolated_environment / "runtime").write_text("a file where the runtime dir should be")
    booter = Bootstrapper(standard_phases(None))

    with pytest.raises(BootError) as info:
        await booter.run(BootContext())

    assert info.value.phase == "runtime-dir"
    assert info.value.code is ErrorCode.IO
    assert str(isolated_environment / "runtime") in info.value.message
    assert booter.started == ()


def test_config_error_cause_is_still_caught_as_config_error() -> None:
    error = BootError.from_failure("config", ConfigError("settings.toml:3: bad", hint="Fix it."))
    assert isinstance(error, ConfigError) and isinstance(error, BootError)
    assert error.code is ErrorCode.CONFIG


def test_importing_core_boot_defers_config_doctor_and_platformdirs() -> None:
    # Boot is imported before anything is drawn; the heavy parts load only when their phase runs.
    code = "import sys, core.boot; print(' '.join(sorted(sys.modules)))"
    loaded = set(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    )
    assert "core.boot" in loaded
    assert loaded.isdisjoint({"core.config", "core.doctor", "pydantic", "platformdirs", "asyncio"})
