"""The runner: outputs flow along edges, limits hold, retries, timeouts and cancellation behave."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest

from core.orchestration import (
    LocalExecutor,
    NodeSpec,
    NodeState,
    RunEvent,
    RunStatus,
    RunStore,
    Workflow,
    WorkflowRunner,
)
from tests.core.orchestration.conftest import CALLABLES


def _wf(*nodes: dict[str, Any], concurrency: int = 4) -> Workflow:
    return Workflow(name="test", max_concurrency=concurrency, nodes=tuple(NodeSpec.model_validate(n) for n in nodes))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_outputs_flow_from_shell_to_process_to_thread_nodes(store: RunStore, executor: LocalExecutor) -> None:
    workflow = _wf(
        {"id": "say", "kind": "shell", "command": ["echo", "hello world"]},
        {
            "id": "loud",
            "kind": "python",
            "call": f"{CALLABLES}:shout",
            "inputs": {"text": "say.stdout"},
            "outputs": {"out": "text"},
        },
        {
            "id": "split",
            "kind": "python",
            "call": f"{CALLABLES}:split_words",
            "isolation": "thread",
            "inputs": {"text": "loud.out"},
            "outputs": {"words": "json", "count": "int"},
        },
    )
    result = await WorkflowRunner(workflow, store=store, executor=executor).run()
    assert result.status is RunStatus.SUCCEEDED
    assert result.outputs("split") == {"words": ["HELLO", "WORLD"], "count": 2}
    assert store.load_run(result.run_id).nodes["loud"].outputs == {"out": "HELLO WORLD"}


async def test_shell_inputs_arrive_as_environment_variables_not_command_text(
    store: RunStore, executor: LocalExecutor
) -> None:
    workflow = _wf(
        {"id": "a", "kind": "shell", "command": ["printf", "%s", "$(touch pwned); hi"]},
        {"id": "b", "kind": "shell", "command": 'printf "%s" "$SYMPHONY_IN_TEXT"', "inputs": {"text": "a.stdout"}},
    )
    result = await WorkflowRunner(workflow, store=store, executor=executor).run()
    assert result.outputs("b")["stdout"] == "$(touch pwned); hi"
    assert not Path("pwned").exists()


async def test_concurrency_limit_is_never_exceeded(store: RunStore, executor: LocalExecutor) -> None:
    nodes = [{"id": f"n{i}", "kind": "shell", "command": "sleep 0.05"} for i in range(8)]
    running = 0
    peak = 0

    def track(event: RunEvent) -> None:
        nonlocal running, peak
        if event.state is NodeState.RUNNING:
            running += 1
            peak = max(peak, running)
        elif event.state.finished:
            running -= 1

    result = await WorkflowRunner(_wf(*nodes, concurrency=3), store=store, executor=executor, on_event=track).run()
    assert result.status is RunStatus.SUCCEEDED
    assert peak == 3


async def test_flaky_node_succeeds_within_its_retries(store: RunStore, executor: LocalExecutor, tmp_path: Path) -> None:
    marker = tmp_path / "count"
    workflow = _wf(
        {
            "id": "flaky",
            "kind": "python",
            "call": f"{CALLABLES}:fail_until",
            "isolation": "thread",
            "params": {"marker": str(marker), "succeed_on": 3},
            "retries": 2,
            "backoff": 0.01,
            "outputs": {"o": "text"},
        },
    )
    states: list[NodeState] = []
    result = await WorkflowRunner(
        workflow, store=store, executor=executor, on_event=lambda e: states.append(e.state)
    ).run()
    assert result.status is RunStatus.SUCCEEDED
    assert result.outputs("flaky") == {"o": "ok after 3"}
    assert result.nodes["flaky"].attempts == 3
    assert states.count(NodeState.RETRYING) == 2


async def test_exhausted_retries_fail_the_node_block_dependents_and_spare_other_branches(
    store: RunStore, executor: LocalExecutor, tmp_path: Path
) -> None:
    workflow = _wf(
        {
            "id": "bad",
            "kind": "python",
            "call": f"{CALLABLES}:fail_until",
            "isolation": "thread",
            "params": {"marker": str(tmp_path / "c"), "succeed_on": 99},
            "retries": 1,
            "backoff": 0.0,
        },
        {"id": "after_bad", "kind": "shell", "command": "true", "after": ["bad"]},
        {"id": "later", "kind": "shell", "command": "true", "after": ["after_bad"]},
        {"id": "other", "kind": "shell", "command": "echo fine"},
    )
    result = await WorkflowRunner(workflow, store=store, executor=executor).run()
    assert result.status is RunStatus.FAILED
    assert result.nodes["bad"].state is NodeState.FAILED and result.nodes["bad"].attempts == 2
    assert "attempt 2 fails on purpose" in (result.nodes["bad"].error or "")
    assert result.nodes["after_bad"].state is NodeState.BLOCKED
    assert result.nodes["later"].state is NodeState.BLOCKED
    assert result.nodes["other"].state is NodeState.SUCCEEDED


async def test_failing_command_reports_exit_status_and_stderr(store: RunStore, executor: LocalExecutor) -> None:
    workflow = _wf({"id": "x", "kind": "shell", "command": "echo broken pipe >&2; exit 3"})
    result = await WorkflowRunner(workflow, store=store, executor=executor).run()
    error = result.nodes["x"].error or ""
    assert "status 3" in error and "broken pipe" in error


async def test_timeout_kills_the_worker_process_and_fails_the_node(store: RunStore, tmp_path: Path) -> None:
    warm_up = _wf({"id": "pid", "kind": "python", "call": f"{CALLABLES}:worker_pid", "outputs": {"pid": "int"}})
    workflow = _wf(
        {
            "id": "hang",
            "kind": "python",
            "call": f"{CALLABLES}:sleep_then_write_pid",
            "params": {"seconds": 60, "pid_file": str(tmp_path / "pid")},
            "timeout": 1.0,
        },
    )
    async with LocalExecutor(workers=1) as executor:
        # One warm worker: the hanging call runs in it, so its pid is known even if the call never starts.
        worker = (await WorkflowRunner(warm_up, store=store, executor=executor).run()).outputs("pid")["pid"]
        result = await WorkflowRunner(workflow, store=store, executor=executor).run()
        assert result.nodes["hang"].state is NodeState.FAILED
        assert "timeout of 1.0 s" in (result.nodes["hang"].error or "")
        assert not _alive(worker)
        again = await WorkflowRunner(warm_up, store=store, executor=executor).run()
        assert again.outputs("pid")["pid"] != worker  # a fresh worker replaced the killed one


async def test_cancelling_a_running_node_kills_its_command_and_blocks_dependents(
    store: RunStore, executor: LocalExecutor, tmp_path: Path
) -> None:
    pid_file = tmp_path / "pid"
    workflow = _wf(
        {"id": "slow", "kind": "shell", "command": f"echo $$ > {pid_file}; exec sleep 60"},
        {"id": "next", "kind": "shell", "command": "true", "after": ["slow"]},
        {"id": "free", "kind": "shell", "command": "true"},
    )
    runner: WorkflowRunner

    async def cancel_once_started() -> None:
        while not (pid_file.exists() and pid_file.read_text().strip()):
            await asyncio.sleep(0.01)
        runner.cancel_node("slow")

    def on_event(event: RunEvent) -> None:
        if event.node_id == "slow" and event.state is NodeState.RUNNING:
            tasks.append(asyncio.create_task(cancel_once_started()))

    tasks: list[asyncio.Task[None]] = []
    runner = WorkflowRunner(workflow, store=store, executor=executor, on_event=on_event)
    result = await runner.run()
    assert result.nodes["slow"].state is NodeState.CANCELLED
    assert result.nodes["next"].state is NodeState.BLOCKED
    assert result.nodes["free"].state is NodeState.SUCCEEDED
    assert result.status is RunStatus.CANCELLED
    assert not _alive(int(pid_file.read_text()))


async def test_cancelling_the_run_stops_running_nodes_and_starts_nothing_new(
    store: RunStore, executor: LocalExecutor
) -> None:
    nodes = [{"id": f"s{i}", "kind": "shell", "command": "sleep 60"} for i in range(4)]
    runner = WorkflowRunner(_wf(*nodes, concurrency=2), store=store, executor=executor)
    started: list[str] = []

    def on_event(event: RunEvent) -> None:
        if event.state is NodeState.RUNNING:
            started.append(event.node_id)
            if len(started) == 2:
                asyncio.get_running_loop().call_later(0.2, runner.cancel)

    runner.on_event = on_event
    result = await runner.run()
    assert result.status is RunStatus.CANCELLED
    assert len(started) == 2
    assert {r.state for r in result.nodes.values()} == {NodeState.CANCELLED}
    assert store.list_runs()[0].status is RunStatus.CANCELLED


async def test_registered_instrument_is_called_with_params_and_inputs(store: RunStore) -> None:
    calls: list[dict[str, Any]] = []

    async def summarise(text: str, words: int) -> str:
        calls.append({"text": text, "words": words})
        return " ".join(text.split()[:words])

    workflow = _wf(
        {"id": "src", "kind": "shell", "command": "echo one two three four"},
        {
            "id": "sum",
            "kind": "instrument",
            "target": "summariser",
            "params": {"words": 2},
            "inputs": {"text": "src.stdout"},
            "outputs": {"summary": "text"},
        },
    )
    async with LocalExecutor({"summariser": summarise}) as executor:
        result = await WorkflowRunner(workflow, store=store, executor=executor).run()
    assert result.outputs("sum") == {"summary": "one two"}
    assert calls == [{"text": "one two three four\n", "words": 2}]


async def test_unregistered_target_is_refused_before_the_run(store: RunStore) -> None:
    from core.orchestration import WorkflowValidationError

    workflow = _wf({"id": "m", "kind": "operator", "target": "missing"})
    async with LocalExecutor({"other": lambda: None}) as executor:
        with pytest.raises(WorkflowValidationError, match="missing"):
            WorkflowRunner(workflow, store=store, executor=executor)


async def test_large_outputs_travel_as_artifacts_searchable_by_run(store: RunStore, tmp_path: Path) -> None:
    from core.aide.artifacts import ArtifactStore
    from core.aide.search import ArtifactSearch

    artifacts = ArtifactStore(tmp_path / "artifacts")
    workflow = _wf(
        {"id": "big", "kind": "shell", "command": "seq 1 20000"},
        {"id": "small", "kind": "shell", "command": "echo tiny"},
        {
            "id": "count",
            "kind": "shell",
            "command": 'printf "%s" "$SYMPHONY_IN_TEXT" | wc -l',
            "inputs": {"text": "big.stdout"},
        },
    )
    async with LocalExecutor() as executor:
        result = await WorkflowRunner(workflow, store=store, executor=executor, artifacts=artifacts).run()
    assert result.status is RunStatus.SUCCEEDED
    reference = result.outputs("big")["stdout"]
    assert reference["$artifact"] and reference["type"] == "text"
    assert artifacts.get(reference["$artifact"]).decode().splitlines()[-1] == "20000"
    assert result.outputs("small")["stdout"] == "tiny\n"
    assert result.outputs("count")["stdout"].strip() == "20000"  # the consumer got the text back
    hits = ArtifactSearch(artifacts).search(f'meta.run:"{result.run_id}"')
    assert [h.name for h in hits] == ["test/big.stdout"]
    artifacts.close()


async def test_cancelling_a_node_before_the_run_starts_blocks_only_its_branch(
    store: RunStore, executor: LocalExecutor
) -> None:
    workflow = _wf(
        {"id": "unwanted", "kind": "shell", "command": "echo no"},
        {"id": "after_unwanted", "kind": "shell", "command": "true", "after": ["unwanted"]},
        {"id": "wanted", "kind": "shell", "command": "echo yes"},
    )
    runner = WorkflowRunner(workflow, store=store, executor=executor)
    runner.cancel_node("unwanted")
    result = await runner.run()
    assert result.nodes["unwanted"].state is NodeState.CANCELLED
    assert result.nodes["after_unwanted"].state is NodeState.BLOCKED
    assert result.outputs("wanted")["stdout"] == "yes\n"
    with pytest.raises(KeyError):
        runner.cancel_node("no-such-node")


async def test_stopping_the_runner_task_records_every_unfinished_node_as_cancelled(
    store: RunStore, executor: LocalExecutor
) -> None:
    workflow = _wf(
        {"id": "slow", "kind": "shell", "command": "sleep 60"},
        {"id": "next", "kind": "shell", "command": "true", "after": ["slow"]},
    )
    runner = WorkflowRunner(workflow, store=store, executor=executor)
    task = asyncio.create_task(runner.run())
    while store.load_run(runner.run_id).nodes["slow"].state is not NodeState.RUNNING:
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    record = store.load_run(runner.run_id)
    assert record.summary.status is RunStatus.CANCELLED
    assert {n.state for n in record.nodes.values()} <= {NodeState.CANCELLED, NodeState.BLOCKED}
