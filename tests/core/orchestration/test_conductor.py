"""Manual mode waits for go/skip/edit on each node; approval nodes ask a person even in Maestro mode."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from core.errors import UnsupportedError
from core.orchestration import (
    Action,
    Conductor,
    ConductorMode,
    Decision,
    DecisionQueue,
    LocalExecutor,
    NodeSpec,
    NodeState,
    RunStatus,
    RunStore,
    Workflow,
    WorkflowRunner,
)
from tests.core.orchestration.conftest import CALLABLES


def _wf(*nodes: dict[str, Any]) -> Workflow:
    return Workflow(name="manual", nodes=tuple(NodeSpec.model_validate(n) for n in nodes))


async def test_manual_mode_runs_edits_and_skips_as_the_person_says(store: RunStore, executor: LocalExecutor) -> None:
    workflow = _wf(
        {
            "id": "sum",
            "kind": "python",
            "call": f"{CALLABLES}:add",
            "isolation": "inline",
            "params": {"a": 1, "b": 2},
            "outputs": {"total": "int"},
        },
        {"id": "doomed", "kind": "shell", "command": "echo should not run"},
        {"id": "uses_doomed", "kind": "shell", "command": "true", "inputs": {"x": "doomed.stdout"}},
        {"id": "orders_after_doomed", "kind": "shell", "command": "echo ran", "after": ["doomed"]},
    )
    decisions = DecisionQueue()
    answers = {
        "sum": Decision(Action.EDIT, {"b": 40}),
        "doomed": Decision(Action.SKIP, comment="not today"),
        "orders_after_doomed": Decision(Action.GO),
    }
    runner = WorkflowRunner(
        workflow, store=store, executor=executor, conductor=Conductor(ConductorMode.MANUAL, decide=decisions)
    )
    asked: list[str] = []

    async def person() -> None:
        async for request in decisions.requests():
            asked.append(request.node.id)
            decisions.answer(request.run_id, request.node.id, answers[request.node.id])

    helper = asyncio.create_task(person())
    result = await runner.run()
    helper.cancel()
    assert result.status is RunStatus.SUCCEEDED
    assert result.outputs("sum") == {"total": 41}
    assert result.nodes["doomed"].state is NodeState.SKIPPED and result.nodes["doomed"].error == "not today"
    assert result.nodes["uses_doomed"].state is NodeState.SKIPPED
    assert result.outputs("orders_after_doomed")["stdout"] == "ran\n"
    assert sorted(asked) == ["doomed", "orders_after_doomed", "sum"]


async def test_waiting_nodes_show_as_waiting_until_answered(store: RunStore, executor: LocalExecutor) -> None:
    decisions = DecisionQueue()
    runner = WorkflowRunner(
        _wf({"id": "a", "kind": "shell", "command": "true"}),
        store=store,
        executor=executor,
        conductor=Conductor(ConductorMode.MANUAL, decide=decisions),
    )
    task = asyncio.create_task(runner.run())
    request = await decisions.next_request()
    assert store.load_run(runner.run_id).nodes["a"].state is NodeState.WAITING
    decisions.answer(request.run_id, "a", Decision(Action.GO))
    assert (await task).status is RunStatus.SUCCEEDED


async def test_approval_node_in_maestro_mode_outputs_the_answer(store: RunStore, executor: LocalExecutor) -> None:
    async def approve(request: Any) -> Decision:
        assert request.prompt == "Ship it?"
        return Decision(Action.GO, comment="lgtm")

    workflow = _wf(
        {"id": "ok", "kind": "approval", "prompt": "Ship it?"},
        {
            "id": "ship",
            "kind": "shell",
            "command": 'echo "$SYMPHONY_IN_APPROVED"',
            "inputs": {"approved": "ok.approved"},
        },
    )
    result = await WorkflowRunner(workflow, store=store, executor=executor, conductor=Conductor(decide=approve)).run()
    assert result.outputs("ok") == {"approved": True, "comment": "lgtm"}
    assert result.outputs("ship")["stdout"] == "true\n"


async def test_approval_without_anyone_to_ask_fails_with_a_hint(store: RunStore, executor: LocalExecutor) -> None:
    result = await WorkflowRunner(_wf({"id": "ok", "kind": "approval"}), store=store, executor=executor).run()
    assert result.nodes["ok"].state is NodeState.FAILED
    assert "nobody can be asked" in (result.nodes["ok"].error or "")


def test_manual_mode_without_a_decision_source_is_refused() -> None:
    with pytest.raises(UnsupportedError, match="Manual mode"):
        Conductor(ConductorMode.MANUAL)
