"""`symphony ipc stats` as a real process: a self-test against a spawned peer, metrics as the bus recorded them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "symphony_tui.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )


def _segments() -> set[str]:
    return {p.name for p in Path("/dev/shm").glob("symphony_*")} if sys.platform == "linux" else set()


def test_ipc_stats_measures_a_real_round_trip_both_ways() -> None:
    before = _segments()
    done = _cli("ipc", "stats", "--rounds", "40", "--json")
    assert done.returncode == 0, done.stderr
    stats = json.loads(done.stdout)
    [(name, snap)] = stats.items()
    assert name.startswith("selftest (conn-")
    # 40 echo requests + the call-back request + the payload request from the bus; 40 bus/stats requests back.
    assert snap["requests"] == 42
    assert snap["messages_in"] >= 40 + 42 and snap["messages_out"] >= 42 + 40
    assert snap["errors"] == 0
    assert 0 < snap["latency_p50_us"] <= snap["latency_p99_us"]
    assert snap["bytes_out"] < 1024 * 1024  # the 2 MiB payload went through shared memory...
    assert _segments() == before  # ...and the peer took and unlinked it


def test_ipc_stats_prints_a_table_and_says_what_it_measured() -> None:
    done = _cli("ipc", "stats", "--rounds", "5")
    assert done.returncode == 0, done.stderr
    header, row, *_ = done.stdout.splitlines()
    assert header.split()[:3] == ["connection", "msgs", "in"]
    assert row.startswith("selftest (conn-")
    assert "Developer: IPC Statistics" in done.stdout
    bad = _cli("ipc", "stats", "--rounds", "0")
    assert bad.returncode == 1 and "--rounds" in bad.stderr
