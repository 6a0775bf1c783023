"""Startup: process start to first painted frame, Symphony vs a bare Textual TextArea app, in a real PTY.

Both programs run in a pseudo-terminal of 160x45, exactly as a user would start them; the clock stops when the
first line of the opened file (a marker comment) appears in the terminal output. Medians of several runs.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

from benchmarks.workspace_gen import MARKER, make_workspace


def time_to_marker(argv: list[str], env: dict[str, str], cwd: Path, timeout: float = 30.0) -> float:
    """Seconds from spawning ``argv`` in a PTY until MARKER is painted."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 45, 160, 0, 0))
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd, start_new_session=True, close_fds=True
    )
    os.close(slave)
    seen = b""
    try:
        while True:
            if time.perf_counter() - start > timeout:
                raise RuntimeError(f"{argv[0]}: marker not painted within {timeout}s; output tail: {seen[-400:]!r}")
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                raise RuntimeError(f"{argv}: exited before painting; output tail: {seen[-400:]!r}") from None
            seen += chunk
            if MARKER.encode() in seen:
                return time.perf_counter() - start
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        os.close(master)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        main_py = make_workspace(root / "ws", files=2000, big_lines=2000)
        env = dict(os.environ)
        env.update(
            TERM="xterm-256color",
            COLORTERM="truecolor",
            SYMPHONY_CONFIG_DIR=str(root / "config"),
            SYMPHONY_LOG_DIR=str(root / "log"),
            SYMPHONY_RUNTIME_DIR=str(root / "run"),
            SYMPHONY_STATE_DIR=str(root / "state"),
            SYMPHONY_CACHE_DIR=str(root / "cache"),
            SYMPHONY_DATA_DIR=str(root / "data"),
        )
        symphony = [sys.executable, "-m", "symphony_tui", str(main_py)]
        baseline = [sys.executable, "-m", "benchmarks._baseline_app", str(main_py)]
        cwd = Path(__file__).resolve().parent.parent
        # One warm-up each so both start from a warm page cache and compiled bytecode.
        time_to_marker(symphony, env, cwd)
        time_to_marker(baseline, env, cwd)
        sym_times, base_times = [], []
        for _ in range(args.runs):  # interleaved, so drift on a noisy machine hits both alike
            sym_times.append(time_to_marker(symphony, env, cwd))
            base_times.append(time_to_marker(baseline, env, cwd))
    sym, base = statistics.median(sym_times), statistics.median(base_times)
    print(f"runs: {args.runs}")
    print(f"symphony_s: {sym:.3f}")
    print(f"baseline_s: {base:.3f}")
    print(f"ratio: {sym / base:.2f}")


if __name__ == "__main__":
    main()
