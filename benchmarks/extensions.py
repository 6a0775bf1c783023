"""Extension host benchmark: cold start to the first activated extension, and command round trips.

Run ``python -m benchmarks.extensions [--count N] [--starts N]``. A command round trip goes UI -> core ->
host -> extension, which edits the active document through ``ctx.editor.apply_edits`` (host -> core -> UI
edit -> back), and returns. ``command_rtt_*`` run it in the real workbench (a headless SymphonyApp: the edit
lands in the Editor widget through AppUi as one undo step); ``headless_command_rtt_*`` against core's in-memory
HeadlessUi. The baseline, measured in the same run in interleaved blocks, is a raw IPC echo to the same host.
Prints ``name: value unit`` lines and ``ratio:`` last (workbench command p50 / raw IPC p50 of the same run).
Goals (issue 6): cold start <= 300 ms, command p50 <= 1 ms, p99 <= 5 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from core.extensions import ExtensionApi, ExtensionSpec, HeadlessUi, HostSupervisor
from core.ipc.transport import new_event_loop

BLOCK = 200

MANIFEST = """\
id = "bench.edit"
name = "Bench"
version = "1.0.0"
type = "operator"
entry = "main:Bench"
activation = ["onStartup"]

[[contributes.commands]]
id = "bench.edit.insert"
title = "Insert"
"""

CODE = """\
from core.types.text import Range, TextEdit
from extensions.sdk import Extension, command

EDIT = [TextEdit(range=Range.of(0, 0, 0, 0), new_text="x")]


class Bench(Extension):
    @command("bench.edit.insert")
    async def insert(self):
        return await self.ctx.editor.apply_edits(EDIT)
"""


class AllowAll:
    """The benchmark extension declares no capability; nothing is ever asked."""

    async def check(self, *args: object, **kwargs: object) -> None:
        return None


def write_extension(root: Path) -> ExtensionSpec:
    folder = root / "bench"
    folder.mkdir()
    (folder / "Symphony.toml").write_text(MANIFEST, encoding="utf-8")
    (folder / "main.py").write_text(CODE, encoding="utf-8")
    return ExtensionSpec(
        id="bench.edit",
        name="Bench",
        folder=str(folder),
        entry="main:Bench",
        activation=("onStartup",),
        commands=("bench.edit.insert",),
    )


def make_supervisor(spec: ExtensionSpec, socket: Path) -> tuple[HostSupervisor, HeadlessUi]:
    from extensions.sdk.api import METHODS

    ui = HeadlessUi()
    api = ExtensionApi(ui=ui, gate=AllowAll(), capabilities={n: m.capability for n, m in METHODS.items()})
    return HostSupervisor([spec], api, socket_path=socket), ui


async def cold_start(spec: ExtensionSpec, runtime: Path, number: int) -> float:
    """Milliseconds from spawning a host to its onStartup extension being active."""
    supervisor, _ = make_supervisor(spec, runtime / f"cold{number}.sock")
    started = time.perf_counter()
    await supervisor.start()
    activated = await supervisor.activate("onStartup")
    elapsed = (time.perf_counter() - started) * 1000.0
    await supervisor.stop()
    assert activated == ["bench.edit"], activated
    return elapsed


async def round_trips(spec: ExtensionSpec, runtime: Path, count: int) -> tuple[list[float], list[float], int]:
    """Command and raw echo round trips in microseconds, interleaved in blocks; and the final text length."""
    supervisor, ui = make_supervisor(spec, runtime / "rtt.sock")
    document = ui.open_document("")
    await supervisor.start()
    await supervisor.activate("onStartup")
    commands, raw = await measure(supervisor, count)
    length = len(document.buffer.text)
    await supervisor.stop()
    return commands, raw, length


async def measure(
    supervisor: HostSupervisor, count: int, command: str = "bench.edit.insert"
) -> tuple[list[float], list[float]]:
    """Command and raw echo round trips in microseconds, interleaved in blocks after a warm-up."""
    payload = {"command": command, "args": []}
    for _ in range(BLOCK):  # warm-up
        await supervisor.execute_command(command)
        await supervisor.ping(payload)
    commands: list[float] = []
    raw: list[float] = []
    clock = time.perf_counter_ns
    while len(commands) < count:
        for _ in range(BLOCK):
            started = clock()
            await supervisor.execute_command(command)
            commands.append((clock() - started) / 1000.0)
        for _ in range(BLOCK):
            started = clock()
            await supervisor.ping(payload)
            raw.append((clock() - started) / 1000.0)
    return commands, raw


async def workbench_round_trips(root: Path, count: int) -> tuple[list[float], list[float], int, int]:
    """Round trips through a headless SymphonyApp; also the editor's final text length and its undo steps."""
    from core.config import ConfigService
    from symphony_tui.app import SymphonyApp
    from symphony_tui.extensions_ui.controller import ExtensionsOptions

    workspace = root / "ws"
    workspace.mkdir()
    # The user's cursor sits on the line below the one the extension edits, as when a command inserts an import
    # or a header: the edit does not move it.
    (workspace / "bench.txt").write_text("\n", encoding="utf-8")
    app = SymphonyApp(
        workspace,
        open_paths=[workspace / "bench.txt"],
        config=ConfigService(workspace, {}),
        watch_config=False,
        extensions=True,
        extension_options=ExtensionsOptions(builtin=[root / "bench"], use_registry=False),
    )
    async with app.run_test(headless=True, size=(100, 30)) as pilot:
        await app.extensions.started.wait()
        service = app.extensions.service
        editor = app.active_editor
        assert service is not None and editor is not None, "the workbench did not start its extensions"
        await service.supervisor.wait_ready()
        editor.cursor_location = (1, 0)
        commands, raw = await measure(service.supervisor, count)
        await pilot.pause()
        length = len(editor.text)
        undo_steps = len(editor.history.undo_stack)
    return commands, raw, length, undo_steps


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def run(count: int, starts: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="symph-bench-") as folder:
        root = Path(folder)
        os.chmod(root, 0o700)
        for name in ("CONFIG", "DATA", "STATE", "CACHE", "LOG"):  # the user's settings and grants stay out of it
            os.environ[f"SYMPHONY_{name}_DIR"] = str(root / name.lower())
        spec = write_extension(root)
        colds = [await cold_start(spec, root, n) for n in range(starts)]
        headless, _, length = await round_trips(spec, root, count)
        commands, raw, app_length, undo_steps = await workbench_round_trips(root, count)
    assert length == BLOCK + len(headless), "every command's edit must land in the document"
    assert app_length == 1 + BLOCK + len(commands), "every command's edit must land in the editor"
    assert undo_steps >= 1, "the extension's edits must be undoable"
    return {
        "cold_start_ms": statistics.median(colds),
        "cold_start_max_ms": max(colds),
        "command_rtt_p50_ms": percentile(commands, 0.5) / 1000.0,
        "command_rtt_p99_ms": percentile(commands, 0.99) / 1000.0,
        "headless_command_rtt_p50_ms": percentile(headless, 0.5) / 1000.0,
        "headless_command_rtt_p99_ms": percentile(headless, 0.99) / 1000.0,
        "raw_ipc_p50_ms": percentile(raw, 0.5) / 1000.0,
        "raw_ipc_p99_ms": percentile(raw, 0.99) / 1000.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000, help="command round trips (default 5000)")
    parser.add_argument("--starts", type=int, default=5, help="cold starts; the median is reported (default 5)")
    args = parser.parse_args()
    loop = new_event_loop()
    try:
        figures = loop.run_until_complete(run(args.count, args.starts))
    finally:
        loop.close()
    print(f"loop: {type(loop).__module__.split('.')[0]}")
    print(f"cold_start_ms: {figures['cold_start_ms']:.1f} ms")
    print(f"cold_start_max_ms: {figures['cold_start_max_ms']:.1f} ms")
    print(f"command_rtt_p50_ms: {figures['command_rtt_p50_ms']:.3f} ms")
    print(f"command_rtt_p99_ms: {figures['command_rtt_p99_ms']:.3f} ms")
    print(f"headless_command_rtt_p50_ms: {figures['headless_command_rtt_p50_ms']:.3f} ms")
    print(f"headless_command_rtt_p99_ms: {figures['headless_command_rtt_p99_ms']:.3f} ms")
    print(f"raw_ipc_p50_ms: {figures['raw_ipc_p50_ms']:.3f} ms")
    print(f"raw_ipc_p99_ms: {figures['raw_ipc_p99_ms']:.3f} ms")
    print(f"ratio: {figures['command_rtt_p50_ms'] / figures['raw_ipc_p50_ms']:.2f}")


if __name__ == "__main__":
    main()
