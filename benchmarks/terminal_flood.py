"""Terminal flood: 50 MB of coloured, numbered lines through a PTY into Symphony's emulator vs into tmux.

(a) ``TerminalSession`` runs ``cat FILE`` on a real PTY: the reader thread parses everything into the screen
    model, the frame pump builds frames (damaged lines as Cell objects) at <= 60 fps for a consumer.
(b) tmux, in a detached 80x24 session on a private server, runs ``cat FILE`` in the same run.

(c) The whole app: a headless SymphonyApp runs ``cat FILE`` in a terminal pane while a key is typed into an
    editor tab every 10 ms; ``input_p99_ms`` is the time from posting each key to the editor having applied it,
    and ``app_mb_s`` the flood throughput through the pane (frames painted by the real widget).

``loop_p99_ms`` is the same latency on a bare asyncio loop standing in for the UI during flood (a).

Prints ``symphony_mb_s``, ``tmux_mb_s``, ``frames``, ``loop_p99_ms``, ``app_mb_s``, ``input_p99_ms`` and last
``ratio`` = symphony / tmux.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from terminal.session import Frame, TerminalSession

_WORDS = [
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "the",
    "lazy",
    "dog",
    "lorem",
    "ipsum",
    "dolor",
    "sit",
    "amet",
]


def write_flood(path: Path, size: int) -> int:
    """Numbered lines with 16-colour, 256-colour and truecolor SGR runs; returns the bytes written."""
    written = 0
    with path.open("wb") as out:
        i = 0
        batch: list[bytes] = []
        while written < size:
            words = " ".join(_WORDS[(i + k) % len(_WORDS)] for k in range(6))
            line = (
                f"\x1b[{31 + i % 7}m{i:08d}\x1b[0m \x1b[1;38;5;{i % 256}m{_WORDS[i % len(_WORDS)]}\x1b[0m "
                f"\x1b[38;2;{i % 256};{(i * 7) % 256};{(i * 13) % 256}m{words}\x1b[0m\r\n"
            ).encode()
            batch.append(line)
            written += len(line)
            i += 1
            if len(batch) >= 4096:
                out.write(b"".join(batch))
                batch.clear()
        out.write(b"".join(batch))
    return written


async def symphony_run(path: Path, size: int) -> tuple[float, int, list[float]]:
    """Seconds to drain the flood through a TerminalSession, frames applied, keystroke latencies (ms)."""
    loop = asyncio.get_running_loop()
    frames = 0
    done = asyncio.Event()

    def apply(frame: Frame) -> None:
        nonlocal frames
        frames += 1
        for line in frame.lines.values():  # what a pane does: walk the changed cells
            for _cell in line.cells:
                pass
        if frame.exit_status is not None:
            done.set()

    session = TerminalSession(
        ["cat", str(path)], cols=80, rows=24, on_frame=lambda f: loop.call_soon_threadsafe(apply, f)
    )
    latencies: list[float] = []

    async def keystrokes() -> None:
        while not done.is_set():
            sent = time.perf_counter()
            await asyncio.sleep(0)  # the key event is queued behind whatever the loop has pending
            latencies.append((time.perf_counter() - sent) * 1000)
            await asyncio.sleep(0.005)

    started = time.perf_counter()
    session.start()
    typist = asyncio.create_task(keystrokes())
    await asyncio.wait_for(done.wait(), timeout=300)
    elapsed = time.perf_counter() - started
    await typist
    session.close()
    return elapsed, frames, latencies


async def app_run(path: Path) -> tuple[float, list[float]]:
    """Seconds for the flood through a terminal pane of a headless SymphonyApp, and editor key latencies (ms)."""
    from textual import events

    from symphony_tui.app import SymphonyApp
    from symphony_tui.widgets.editor import Editor
    from symphony_tui.widgets.terminal_panel import TerminalPanel

    workspace = path.parent
    (workspace / "typing.txt").write_text("")
    app = SymphonyApp(workspace, open_paths=[workspace / "typing.txt"], watch_config=False)
    latencies: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        editor = app.query_one(Editor)
        view = await app.query_one(TerminalPanel).new_terminal(["cat", str(path)])
        await view.wait_started()
        editor.focus()
        started = time.perf_counter()
        typed = 0
        while not view.exited:
            typed += 1
            sent = time.perf_counter()
            editor.post_message(events.Key("a", "a"))
            while editor.document.line_count == 1 and len(editor.document[0]) < typed:
                await asyncio.sleep(0)  # each turn lets the loop run everything queued before the key
            latencies.append((time.perf_counter() - sent) * 1000)
            await asyncio.sleep(0.01)
        elapsed = time.perf_counter() - started
        await pilot.pause()
    return elapsed, latencies


def tmux_run(path: Path) -> float:
    """Seconds for tmux (80x24, detached, private server) to run ``cat`` on the file."""
    socket = f"symphony-bench-{os.getpid()}"
    channel = f"flood-done-{os.getpid()}"
    base = ["tmux", "-L", socket, "-f", os.devnull]
    started = time.perf_counter()
    subprocess.run(
        [*base, "new-session", "-d", "-x", "80", "-y", "24", f"cat {path}; tmux -L {socket} wait-for -S {channel}"],
        check=True,
    )
    subprocess.run([*base, "wait-for", channel], check=True, timeout=300)
    elapsed = time.perf_counter() - started
    subprocess.run([*base, "kill-server"], check=False, capture_output=True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="flood size in MB (default 50)")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is needed for the baseline: apt-get install tmux")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "flood.txt"
        size = write_flood(path, int(args.mb * 1_000_000))
        tmux_s = tmux_run(path)
        symphony_s, frames, latencies = asyncio.run(symphony_run(path, size))
        app_s, app_latencies = asyncio.run(app_run(path))
    symphony_mb_s = size / symphony_s / 1e6
    tmux_mb_s = size / tmux_s / 1e6
    p99 = statistics.quantiles(latencies, n=100)[98] if len(latencies) >= 2 else 0.0
    app_p99 = statistics.quantiles(app_latencies, n=100)[98] if len(app_latencies) >= 2 else float("nan")
    print(f"flood_mb: {size / 1e6:.1f} MB")
    print(f"symphony_mb_s: {symphony_mb_s:.2f} MB/s")
    print(f"tmux_mb_s: {tmux_mb_s:.2f} MB/s")
    print(f"frames: {frames} frames ({frames / symphony_s:.1f} per s)")
    print(f"loop_p99_ms: {p99:.2f} ms")
    print(f"app_mb_s: {size / app_s / 1e6:.2f} MB/s")
    print(f"keys_measured: {len(app_latencies)}")
    print(f"input_p99_ms: {app_p99:.2f} ms")
    print(f"ratio: {symphony_mb_s / tmux_mb_s:.2f}")


if __name__ == "__main__":
    main()
