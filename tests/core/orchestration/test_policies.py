"""Maestro's policies: declared priority, then critical path; the learning policy uses run history."""

from __future__ import annotations

from typing import Any

from core.orchestration import (
    Conductor,
    CriticalPathPolicy,
    LearningPolicy,
    LocalExecutor,
    NodeSample,
    NodeSpec,
    NodeState,
    RunEvent,
    RunStore,
    Workflow,
    WorkflowRunner,
)


def _wf(*nodes: dict[str, Any]) -> Workflow:
    return Workflow(name="p", max_concurrency=1, nodes=tuple(NodeSpec.model_validate(n) for n in nodes))


CHAIN_AND_LONER = _wf(
    {"id": "loner", "kind": "shell", "command": "true"},
    {"id": "head", "kind": "shell", "command": "true"},
    {"id": "mid", "kind": "shell", "command": "true", "after": ["head"]},
    {"id": "tail", "kind": "shell", "command": "true", "after": ["mid"]},
)


def test_critical_path_ranks_the_head_of_the_longest_chain_first() -> None:
    ranks = CriticalPathPolicy().prepare(CHAIN_AND_LONER)
    assert ranks["head"] > ranks["loner"]
    assert ranks["head"] == 3 and ranks["tail"] == 1


def test_declared_priority_beats_path_length() -> None:
    workflow = _wf(
        {"id": "urgent", "kind": "shell", "command": "true", "priority": 1},
        {"id": "a", "kind": "shell", "command": "true"},
        {"id": "b", "kind": "shell", "command": "true", "after": ["a"]},
    )
    ranks = CriticalPathPolicy().prepare(workflow)
    assert ranks["urgent"] > ranks["a"]


async def test_runner_starts_ready_nodes_in_policy_order(store: RunStore, executor: LocalExecutor) -> None:
    started: list[str] = []

    def on_event(event: RunEvent) -> None:
        if event.state is NodeState.RUNNING:
            started.append(event.node_id)

    await WorkflowRunner(CHAIN_AND_LONER, store=store, executor=executor, on_event=on_event).run()
    assert started[0] == "head"


def test_learning_policy_puts_the_historically_slow_branch_first() -> None:
    workflow = _wf(
        {"id": "quick", "kind": "shell", "command": "true"},
        {"id": "slow", "kind": "shell", "command": "true"},
    )
    assert CriticalPathPolicy().prepare(workflow)["quick"] == CriticalPathPolicy().prepare(workflow)["slow"]
    history = [NodeSample("quick", 0.1, True), NodeSample("slow", 5.0, True)] * 5
    ranks = LearningPolicy().prepare(workflow, history)
    assert ranks["slow"] > ranks["quick"]


def test_learning_policy_runs_likely_failures_early_when_durations_tie() -> None:
    workflow = _wf(
        {"id": "steady", "kind": "shell", "command": "true"},
        {"id": "flaky", "kind": "shell", "command": "true"},
    )
    history = [NodeSample("steady", 1.0, True), NodeSample("flaky", 1.0, False)] * 4
    ranks = LearningPolicy().prepare(workflow, history)
    assert ranks["flaky"] > ranks["steady"]


async def test_learning_policy_reads_history_from_the_run_store(store: RunStore, executor: LocalExecutor) -> None:
    workflow = _wf(
        {"id": "fast", "kind": "shell", "command": "true"},
        {"id": "sleepy", "kind": "shell", "command": "sleep 0.3"},
    )
    await WorkflowRunner(workflow, store=store, executor=executor).run()
    samples = store.node_history("p")
    assert {s.node_id for s in samples} == {"fast", "sleepy"}
    started: list[str] = []
    policy = LearningPolicy()

    def on_event(event: RunEvent) -> None:
        if event.state is NodeState.RUNNING:
            started.append(event.node_id)

    await WorkflowRunner(
        workflow, store=store, executor=executor, conductor=Conductor(policy=policy), on_event=on_event
    ).run()
    assert started[0] == "sleepy"
