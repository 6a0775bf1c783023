"""`symphony run|runs|artifacts` as real processes, with state and data dirs isolated per test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "symphony_tui.cli_run", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )


FLOW = """\
name = "greet"
[nodes.hello]
kind = "shell"
command = "echo hello >> {log}; echo hello"
[nodes.loud]
kind = "python"
call = "helpers:shout"
inputs = {{ text = "hello.stdout" }}
outputs = {{ out = "text" }}
[nodes.check]
kind = "shell"
command = "test \\"$SYMPHONY_IN_TEXT\\" = HELLO && {fix}"
inputs = {{ text = "loud.out" }}
"""


def _write_flow(tmp_path: Path, fix: str) -> Path:
    (tmp_path / "helpers.py").write_text("def shout(text):\n    return text.strip().upper()\n")
    flow = tmp_path / "flow.toml"
    flow.write_text(FLOW.format(log=tmp_path / "log", fix=fix))
    return flow


def test_run_prints_the_run_id_and_each_node_and_runs_lists_it(tmp_path: Path) -> None:
    flow = _write_flow(tmp_path, "true")
    done = _cli("run", str(flow))
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith("run run-") and "greet (3 nodes)" in first
    run_id = first.split()[1].rstrip(":")
    assert "✓ loud succeeded" in done.stdout
    listed = _cli("runs")
    assert run_id in listed.stdout and "succeeded" in listed.stdout and "3/3" in listed.stdout
    shown = _cli("runs", run_id)
    assert "loud" in shown.stdout and "attempts=1" in shown.stdout


def test_failed_run_resumes_with_the_fixed_file_without_redoing_finished_nodes(tmp_path: Path) -> None:
    flow = _write_flow(tmp_path, "exit 7")
    failed = _cli("run", str(flow))
    assert failed.returncode == 1
    assert "status 7" in failed.stdout and "--resume" in failed.stdout
    run_id = failed.stdout.split()[1].rstrip(":")
    flow.write_text(flow.read_text().replace("exit 7", "true"))
    resumed = _cli("run", str(flow), "--resume", run_id)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "hello" not in resumed.stdout.split("\n", 1)[1]  # only the fixed node ran
    assert (tmp_path / "log").read_text() == "hello\n"


def test_runs_logs_shows_what_each_node_printed(tmp_path: Path) -> None:
    flow = _write_flow(tmp_path, "echo checked; echo 'almost empty' >&2")
    done = _cli("run", str(flow))
    assert done.returncode == 0, done.stderr
    run_id = done.stdout.split()[1].rstrip(":")
    everything = _cli("runs", "logs", run_id)
    assert everything.returncode == 0, everything.stderr
    # node, attempt (shown from the second), "!" stderr / "~" log records, then the line, in the order they came
    assert everything.stdout.splitlines() == ["hello      hello", "check      checked", "check    ! almost empty"]
    one = _cli("runs", "logs", run_id, "check")
    assert "checked" in one.stdout and "hello" not in one.stdout and "! almost empty" in one.stdout
    missing = _cli("runs", "logs", run_id, "nope")
    assert missing.returncode == 1 and "no node 'nope'" in missing.stderr and "check" in missing.stderr


def test_invalid_workflow_exits_1_naming_the_node_and_the_fix(tmp_path: Path) -> None:
    flow = tmp_path / "bad.yaml"
    flow.write_text("nodes:\n  a: {kind: shell, command: x, after: [b]}\n  b: {kind: shell, command: x, after: [a]}\n")
    done = _cli("run", str(flow))
    assert done.returncode == 1
    assert "error:" in done.stderr and "cycle" in done.stderr and "hint:" in done.stderr


def test_unknown_run_and_manual_mode_without_terminal_are_explained(tmp_path: Path) -> None:
    missing = _cli("runs", "run-nope")
    assert missing.returncode == 1 and "symphony runs" in missing.stderr
    manual = _cli("run", str(_write_flow(tmp_path, "true")), "--mode", "manual")
    assert manual.returncode == 1 and "needs a terminal" in manual.stderr
    usage = _cli("run")
    assert usage.returncode == 1 and "--resume" in usage.stderr


def test_artifacts_search_finds_stored_artifacts(tmp_path: Path) -> None:
    from core.aide.artifacts import ArtifactStore
    from core.paths import data_dir

    store = ArtifactStore(data_dir() / "artifacts")
    store.put(b"minutes of the orchestra meeting", name="minutes.md", kind="text")
    store.close()
    found = _cli("artifacts", "search", "orchestra")
    assert found.returncode == 0 and "minutes.md" in found.stdout
    assert "no artifact matches" in _cli("artifacts", "search", "tuba").stdout
    assert "all chunks intact" in _cli("artifacts", "verify").stdout
