"""Per-node logs: what each node printed and logged is stored with its run, per attempt and stream."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.orchestration import LocalExecutor, NodeSpec, RunStatus, RunStore, Workflow, WorkflowRunner
from core.orchestration.logs import MAX_LINE, LineBuffer
from tests.core.orchestration.conftest import CALLABLES


def _wf(*nodes: dict[str, Any]) -> Workflow:
    return Workflow(name="logs", nodes=tuple(NodeSpec.model_validate(n) for n in nodes))


def _lines(store: RunStore, run_id: str, node_id: str) -> list[tuple[int, str, str]]:
    return [(line.attempt, line.stream, line.text) for line in store.logs(run_id, node_id)]


async def test_shell_output_is_streamed_into_the_run_line_by_line(store: RunStore, executor: LocalExecutor) -> None:
    workflow = _wf(
        {"id": "build", "kind": "shell", "command": "echo compiling; echo 'warning: x' >&2; echo linking"},
        {"id": "quiet", "kind": "shell", "command": ["true"]},
    )
    runner = WorkflowRunner(workflow, store=store, executor=executor)
    heard: list[tuple[str, str, str]] = []
    runner.log_listeners.append(lambda node, stream, text: heard.append((node, stream, text)))
    result = await runner.run()
    assert result.status is RunStatus.SUCCEEDED
    lines = _lines(store, result.run_id, "build")
    assert [(s, t) for _, s, t in lines if s == "stdout"] == [("stdout", "compiling"), ("stdout", "linking")]
    assert (1, "stderr", "warning: x") in lines
    assert ("build", "stdout", "linking") in heard  # live listeners saw them as they were stored
    assert _lines(store, result.run_id, "quiet") == []
    assert result.outputs("build")["stdout"] == "compiling\nlinking\n"  # outputs keep no log lines


async def test_python_node_prints_and_log_records_are_captured_in_its_worker_process(
    store: RunStore, executor: LocalExecutor
) -> None:
    workflow = _wf(
        {
            "id": "greet",
            "kind": "python",
            "call": f"{CALLABLES}:chatty",
            "params": {"name": "ada"},
            "outputs": {"o": "text"},
        }
    )
    result = await WorkflowRunner(workflow, store=store, executor=executor).run()
    assert result.outputs("greet") == {"o": "ADA"}
    assert _lines(store, result.run_id, "greet") == [
        (1, "stdout", "hello ada"),
        (1, "stderr", "a warning on stderr"),
        (1, "log", "INFO chatty: processed ada"),
    ]


async def test_thread_nodes_keep_their_log_records(store: RunStore, executor: LocalExecutor) -> None:
    workflow = _wf(
        {
            "id": "greet",
            "kind": "python",
            "call": f"{CALLABLES}:chatty_then_fail",
            "isolation": "thread",
        }
    )
    result = await WorkflowRunner(workflow, store=store, executor=executor).run()
    assert result.status is RunStatus.FAILED
    lines = _lines(store, result.run_id, "greet")
    assert (1, "log", "WARNING chatty: about to fail") in lines
    assert any(stream == "stderr" and "RuntimeError: disk full" in text for _, stream, text in lines)


async def test_each_attempt_of_a_retried_node_keeps_its_own_lines(
    store: RunStore, executor: LocalExecutor, tmp_path: Path
) -> None:
    marker = tmp_path / "count"
    workflow = _wf(
        {
            "id": "flaky",
            "kind": "shell",
            "command": f"n=$(cat {marker} 2>/dev/null || echo 0); n=$((n+1)); echo $n > {marker}; "
            'echo "attempt $n"; [ $n -ge 2 ]',
            "retries": 2,
            "backoff": 0.01,
        }
    )
    result = await WorkflowRunner(workflow, store=store, executor=executor).run()
    assert result.status is RunStatus.SUCCEEDED
    assert _lines(store, result.run_id, "flaky") == [(1, "stdout", "attempt 1"), (2, "stdout", "attempt 2")]
    assert [line.node_id for line in store.logs(result.run_id)] == ["flaky", "flaky"]


def test_lines_are_bounded_in_length_and_number() -> None:
    buffer = LineBuffer()
    buffer.add("stdout", "x" * (MAX_LINE + 100))
    for i in range(6000):
        buffer.add("stdout", str(i))
    lines = buffer.result()
    assert len(lines[0][1]) <= MAX_LINE + 2
    assert lines[-1] == ["log", "[1001 more lines dropped]"]
