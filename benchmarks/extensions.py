"""Extension host benchmark: cold start to the first activated extension, and command round trips.

Run ``python -m benchmarks.extensions [--count N] [--starts N]``. A command round trip goes UI -> core ->
host -> extension, which edits the active document through ``ctx.editor.apply_edits`` (host -> core -> UI
edit -> back), and returns. The baseline, measured in the same run in interleaved blocks, is a raw IPC echo to
the same host. Prints ``name: value unit`` lines and ``ratio:`` last (command p50 / raw IPC p50).
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
    payload = {"command": "bench.edit.insert", "args": []}
    for _ in range(BLOCK):  # warm-up
        await supervisor.execute_command("bench.edit.insert")
        await supervisor.ping(payload)
    commands: list[float] = []
    raw: list[float] = []
    clock = time.perf_counter_ns
    while len(commands) < count:
        for _ in range(BLOCK):
            started = clock()
            await supervisor.execute_command("bench.edit.insert")
            commands.append((clock() - started) / 1000.0)
        for _ in range(BLOCK):
            started = clock()
            await supervisor.ping(payload)
            raw.append((clock() - started) / 1000.0)
    length = len(document.buffer.text)
    await supervisor.stop()
    return commands, raw, length


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def run(count: int, starts: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="symph-bench-") as folder:
        root = Path(folder)
        os.chmod(root, 0o700)
        spec = write_extension(root)
        colds = [await cold_start(spec, root, n) for n in range(starts)]
        commands, raw, length = await round_trips(spec, root, count)
    assert length == BLOCK + len(commands), "every command's edit must land in the document"
    return {
        "cold_start_ms": statistics.median(colds),
        "cold_start_max_ms": max(colds),
        "command_rtt_p50_ms": percentile(commands, 0.5) / 1000.0,
        "command_rtt_p99_ms": percentile(commands, 0.99) / 1000.0,
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
    print(f"raw_ipc_p50_ms: {figures['raw_ipc_p50_ms']:.3f} ms")
    print(f"raw_ipc_p99_ms: {figures['raw_ipc_p99_ms']:.3f} ms")
    print(f"ratio: {figures['command_rtt_p50_ms'] / figures['raw_ipc_p50_ms']:.2f}")


if __name__ == "__main__":
    main()
