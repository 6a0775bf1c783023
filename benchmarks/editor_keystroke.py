"""Editor keystroke latency on a 100,000-line Python file: Symphony's editor vs Textual's stock TextArea.

Each key is posted to the app as a real ``events.Key`` (the path a terminal key takes, bindings included); the clock
stops when the compositor has repainted the screen after handling it. Two figures per key:

- ``cpu``: UI-thread CPU time from posting the key to the end of the repaint: the app's own work, free of the idle
  wait for the next frame tick (Textual paints at most ``TEXTUAL_FPS`` frames a second).
- ``wall``: elapsed time for the same span, including that frame wait.

The p99s compared (``symphony_p99_ms``, ``textarea_p99_ms``, ``ratio``) are the CPU figures for typing a character.
Both apps run headless in the same process, on the same generated file, at 160x45. ``--wrap`` turns soft wrap on
before typing (``wrap_on`` is the time to wrap the file and paint). The stock TextArea takes most
of a second per key on this file (several seconds on a loaded machine), so it is measured over ``--baseline-keys``
keys (10 by default; its p99 is then the slowest of them), which keeps the whole run to a few minutes.
``--explain-slow MS`` lists, for each of Symphony's keys above MS of CPU, the loop callbacks and garbage
collections that ran inside it (a p99 over 200 keys is decided by a handful of such one-off events).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.widgets import TextArea

from benchmarks.workspace_gen import python_source

SIZE = (160, 45)


class StockTextArea(App[None]):
    """The baseline: Textual's TextArea.code_editor with Python highlighting, nothing else."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def compose(self) -> ComposeResult:
        yield TextArea.code_editor(self._text, language="python")


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


class SlowKeyLog:
    """``--explain-slow MS``: for each key whose CPU exceeds MS, the event-loop callbacks (tasks, timers, message
    pumps) that ran during it with their UI-thread CPU, and the garbage collections. Off by default: the hook on
    every callback costs a little CPU itself."""

    def __init__(self, threshold_ms: float) -> None:
        self.threshold_ms = threshold_ms
        self.current: list[str] | None = None
        self.reports: list[str] = []
        self._run = asyncio.events.Handle._run
        log = self

        def run(handle: asyncio.events.Handle) -> None:
            if log.current is None:
                return log._run(handle)
            start = time.thread_time()
            try:
                return log._run(handle)
            finally:
                spent = (time.thread_time() - start) * 1000
                if spent >= 0.5:
                    callback = handle._callback  # type: ignore[attr-defined]
                    owner = getattr(callback, "__self__", None)
                    name = (
                        owner.get_name() if isinstance(owner, asyncio.Task) else getattr(callback, "__qualname__", "")
                    )
                    log.current.append(f"  {spent:6.2f} ms  {name[:100]}")

        self._hook = run
        self._gc_start = 0.0

    def _gc(self, phase: str, info: dict[str, int]) -> None:
        if self.current is None:
            return
        if phase == "start":
            self._gc_start = time.thread_time()
        else:
            self.current.append(f"  {(time.thread_time() - self._gc_start) * 1000:6.2f} ms  gc gen{info['generation']}")

    def __enter__(self) -> SlowKeyLog:
        asyncio.events.Handle._run = self._hook  # type: ignore[method-assign]
        gc.callbacks.append(self._gc)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.events.Handle._run = self._run  # type: ignore[method-assign]
        gc.callbacks.remove(self._gc)

    def key_done(self, index: int, key: str, cpu_ms: float) -> None:
        lines, self.current = self.current or [], None
        if cpu_ms > self.threshold_ms:
            self.reports.append("\n".join([f"slow key {index} {key!r}: {cpu_ms:.1f} ms CPU", *lines]))


SLOW_KEYS: SlowKeyLog | None = None


async def _measure_keys(app: App[Any], editor: TextArea, keys: list[tuple[str, str | None]]) -> tuple[list, list]:
    """Post each key, wait for the repaint that follows it; returns (cpu_ms, wall_ms) per key."""
    screen = app.screen
    painted = asyncio.Event()
    original: Callable[[], None] = screen._compositor_refresh

    def refresh() -> None:
        original()
        painted.set()

    screen._compositor_refresh = refresh  # type: ignore[method-assign]
    cpu: list[float] = []
    wall: list[float] = []
    try:
        for index, (key, character) in enumerate(keys):
            await asyncio.sleep(0.002)  # let the previous key's stragglers (messages, timers) finish
            painted.clear()
            gc.collect(0)
            if SLOW_KEYS is not None:
                SLOW_KEYS.current = []
            wall0, cpu0 = time.perf_counter(), time.thread_time()
            app.post_message(events.Key(key, character))
            await painted.wait()
            cpu.append((time.thread_time() - cpu0) * 1000)
            wall.append((time.perf_counter() - wall0) * 1000)
            if SLOW_KEYS is not None:
                SLOW_KEYS.key_done(index, key, cpu[-1])
    finally:
        screen._compositor_refresh = original  # type: ignore[method-assign]
    return cpu, wall


async def _first_paint(app: App[Any]) -> None:
    screen = app.screen
    painted = asyncio.Event()
    original = screen._compositor_refresh

    def refresh() -> None:
        original()
        painted.set()

    screen._compositor_refresh = refresh  # type: ignore[method-assign]
    try:
        await painted.wait()
    finally:
        screen._compositor_refresh = original  # type: ignore[method-assign]


async def _run(
    name: str,
    runner: AbstractAsyncContextManager[Any],
    app: App[Any],
    find_editor: Callable[[], TextArea],
    open_file: Callable[[], Any] | None,
    n_keys: int,
    wrap: bool = False,
) -> dict[str, float]:
    results: dict[str, float] = {}
    async with runner:
        if open_file is not None:
            start = time.perf_counter()
            await open_file()
            await _first_paint(app)
            results["open_100k_s"] = time.perf_counter() - start
            syntax = getattr(find_editor(), "_syntax", None)
            while syntax is not None and syntax.partial:  # the whole-file parse that follows the first frame
                await asyncio.sleep(0.005)
            results["full_parse_done_s"] = time.perf_counter() - start
        editor = find_editor()
        editor.cursor_blink = False
        editor.focus()
        if wrap:
            start = time.perf_counter()
            editor.soft_wrap = True
            await _first_paint(app)
            results["wrap_on_s"] = time.perf_counter() - start
        editor.move_cursor((50_000, 4))
        editor.scroll_cursor_visible(center=True)
        await asyncio.sleep(0.1)
        typing = [("x", "x")] * n_keys
        cpu, wall = await _measure_keys(app, editor, typing)
        results["type_p50_ms"], results["type_p99_ms"] = _percentile(cpu, 50), _percentile(cpu, 99)
        results["type_wall_p50_ms"], results["type_wall_p99_ms"] = _percentile(wall, 50), _percentile(wall, 99)
        moves = [("down", None), ("right", None), ("up", None), ("left", None)] * (n_keys // 4)
        cpu, wall = await _measure_keys(app, editor, moves)
        results["move_p50_ms"], results["move_p99_ms"] = _percentile(cpu, 50), _percentile(cpu, 99)
        results["move_wall_p99_ms"] = _percentile(wall, 99)
    for key, value in results.items():
        unit = "s" if key.endswith("_s") else "ms"
        print(f"{name}_{key.removesuffix('_s').removesuffix('_ms')}: {value:.3f} {unit}", flush=True)
    return results


async def bench_symphony(path: Path, n_keys: int, wrap: bool = False) -> dict[str, float]:
    from symphony_tui.app import SymphonyApp

    app = SymphonyApp(path.parent, watch_config=False)
    holder: dict[str, Any] = {}

    async def open_file() -> None:
        holder["editor"] = await app.open_file(path)

    runner = app.run_test(size=SIZE)
    return await _run("symphony", runner, app, lambda: holder["editor"], open_file, n_keys, wrap)


async def bench_textarea(text: str, n_keys: int, wrap: bool = False) -> dict[str, float]:
    start = time.perf_counter()
    app = StockTextArea(text)
    runner = app.run_test(size=SIZE)
    results: dict[str, float] = {}

    class Timed:
        async def __aenter__(self) -> Any:
            pilot = await runner.__aenter__()
            await _first_paint(app)
            results["open"] = time.perf_counter() - start
            return pilot

        async def __aexit__(self, *exc: object) -> Any:
            return await runner.__aexit__(*exc)  # type: ignore[arg-type]

    measured = await _run("textarea", Timed(), app, lambda: app.query_one(TextArea), None, n_keys, wrap)
    print(f"textarea_open_100k: {results['open']:.3f} s", flush=True)
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--keys", type=int, default=200, help="keys per measurement (at least 200 for the report)")
    parser.add_argument(
        "--baseline-keys", type=int, default=10, help="keys per measurement for the (slow) stock TextArea baseline"
    )
    parser.add_argument("--skip-textarea", action="store_true", help="measure Symphony only (no ratio)")
    parser.add_argument("--wrap", action="store_true", help="type and move with soft wrap on (both editors)")
    parser.add_argument(
        "--no-lsp",
        action="store_true",
        help="start no language server (by default Symphony starts the one installed for Python, as for a user)",
    )
    parser.add_argument(
        "--explain-slow",
        type=float,
        metavar="MS",
        help="after the run, list what ran on the UI loop during each Symphony key slower than MS (CPU)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="symphony-bench-") as tmp:
        base = Path(tmp)
        for name in ("CONFIG", "LOG", "DATA", "CACHE", "STATE", "RUNTIME"):
            os.environ[f"SYMPHONY_{name}_DIR"] = str(base / "user" / name.lower())
        if args.no_lsp:
            settings = base / "user" / "config" / "settings.toml"
            settings.parent.mkdir(parents=True, exist_ok=True)
            settings.write_text("[lsp]\nenabled = false\n", encoding="utf-8")
            print("language_server: 0 off", flush=True)
        workspace = base / "ws"
        workspace.mkdir()
        path = workspace / "big.py"
        text = python_source(args.lines)
        path.write_text(text, encoding="utf-8")
        print(f"file_lines: {args.lines} lines", flush=True)
        print(f"file_size: {len(text.encode()) / 1e6:.2f} MB", flush=True)
        if args.wrap:
            print("soft_wrap: 1 on", flush=True)
        global SLOW_KEYS
        if args.explain_slow is not None:
            with SlowKeyLog(args.explain_slow) as SLOW_KEYS:
                ours = asyncio.run(bench_symphony(path, args.keys, args.wrap))
            print("\n".join(SLOW_KEYS.reports), flush=True)
            SLOW_KEYS = None
        else:
            ours = asyncio.run(bench_symphony(path, args.keys, args.wrap))
        if not args.skip_textarea:
            print(f"textarea_keys: {args.baseline_keys} keys (fewer than Symphony's {args.keys}: each is slow)")
            theirs = asyncio.run(bench_textarea(text, args.baseline_keys, args.wrap))
        print(f"open_100k_s: {ours['open_100k_s']:.3f} s", flush=True)
        print(f"symphony_p99_ms: {ours['type_p99_ms']:.3f} ms", flush=True)
        if args.skip_textarea:
            return
        print(f"textarea_p99_ms: {theirs['type_p99_ms']:.3f} ms", flush=True)
        print(f"ratio: {ours['type_p99_ms'] / theirs['type_p99_ms']:.4f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
