"""Arbitration under contention: fair across runs, priority-aware, never deadlocking, impossible asks refused."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

from core.aide.arbitration import Arbiter, ArbiterGate, Capacity, ResourceRequest
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


async def _hold(arbiter: Arbiter, request: ResourceRequest, order: list[str], hold: float = 0.0) -> None:
    decision = await arbiter.acquire(request)
    assert decision.granted
    order.append(request.run_id)
    await asyncio.sleep(hold)
    arbiter.release(decision)


async def test_runs_share_slots_fairly_even_when_one_asked_first() -> None:
    arbiter = Arbiter(Capacity(memory=10**9, cpu_slots=2))
    order: list[str] = []
    greedy = [asyncio.create_task(_hold(arbiter, ResourceRequest("greedy"), order, 0.001)) for _ in range(20)]
    await asyncio.sleep(0)
    polite = [asyncio.create_task(_hold(arbiter, ResourceRequest("polite"), order, 0.001)) for _ in range(20)]
    await asyncio.gather(*greedy, *polite)
    first_half = order[:20]
    assert first_half.count("polite") >= 8, first_half
    assert arbiter.grants_by_run == {"greedy": 20, "polite": 20}


async def test_higher_priority_goes_first_and_aging_prevents_starvation() -> None:
    arbiter = Arbiter(Capacity(memory=100, cpu_slots=1), aging=1000.0)
    blocker = await arbiter.acquire(ResourceRequest("r0"))
    order: list[str] = []
    tasks = [
        asyncio.create_task(_hold(arbiter, ResourceRequest("low", priority=0), order)),
        asyncio.create_task(_hold(arbiter, ResourceRequest("high", priority=5), order)),
    ]
    await asyncio.sleep(0)
    arbiter.release(blocker)
    await asyncio.gather(*tasks)
    assert order == ["high", "low"]

    aged = Arbiter(Capacity(memory=100, cpu_slots=1), aging=0.000001)
    blocker = await aged.acquire(ResourceRequest("r0"))
    order.clear()
    old = asyncio.create_task(_hold(aged, ResourceRequest("old", priority=0), order))
    await asyncio.sleep(0.01)  # 'old' has waited 10,000 aging steps by the time 'new' arrives
    new = asyncio.create_task(_hold(aged, ResourceRequest("new", priority=3), order))
    await asyncio.sleep(0)
    aged.release(blocker)
    await asyncio.gather(old, new)
    assert order == ["old", "new"]


async def test_impossible_requests_are_refused_at_once_with_the_reason() -> None:
    arbiter = Arbiter(Capacity(memory=1000, cpu_slots=2, model_instances={"llama": 1}))
    decision = await arbiter.acquire(ResourceRequest("r", models={"llama": 2}))
    assert not decision.granted and "llama" in decision.reason
    assert not (await arbiter.acquire(ResourceRequest("r", memory=5000))).granted
    assert arbiter.waiting == 0


async def test_competing_runs_with_mixed_needs_all_finish() -> None:
    rng = random.Random(7)
    arbiter = Arbiter(Capacity(memory=1000, cpu_slots=3, model_instances={"a": 1, "b": 2}))
    order: list[str] = []
    tasks = []
    for run in range(6):
        for _ in range(15):
            models = {m: 1 for m in ("a", "b") if rng.random() < 0.4}
            request = ResourceRequest(
                f"run{run}",
                memory=rng.choice([100, 400, 900]),
                cpu_slots=rng.choice([1, 2]),
                models=models,
                priority=rng.choice([0, 0, 1]),
            )
            tasks.append(asyncio.create_task(_hold(arbiter, request, order, rng.random() / 1000)))
    await asyncio.wait_for(asyncio.gather(*tasks), 30)  # a deadlock would hang here
    assert len(order) == 90 and arbiter.waiting == 0


async def test_cancelled_waiter_frees_its_place() -> None:
    arbiter = Arbiter(Capacity(memory=10, cpu_slots=1))
    held = await arbiter.acquire(ResourceRequest("a"))
    waiter = asyncio.create_task(arbiter.acquire(ResourceRequest("b")))
    await asyncio.sleep(0)
    waiter.cancel()
    await asyncio.gather(waiter, return_exceptions=True)
    arbiter.release(held)
    again = await asyncio.wait_for(arbiter.acquire(ResourceRequest("c")), 5)
    assert again.granted


async def test_two_workflow_runs_share_one_model_instance_through_the_gate(tmp_path: Path) -> None:
    arbiter = Arbiter(Capacity(memory=10**9, cpu_slots=4, model_instances={"whisper": 1}))
    gate = ArbiterGate(arbiter, {"whisper": 1000})
    workflow = Workflow(
        name="transcribe",
        nodes=tuple(NodeSpec(id=f"t{i}", kind="shell", command="sleep 0.05", models=("whisper",)) for i in range(3)),
    )
    running = 0
    peak = 0

    def track(event: RunEvent) -> None:
        nonlocal running, peak
        if event.state is NodeState.RUNNING:
            running += 1
            peak = max(peak, running)
        elif event.state.finished:
            running -= 1

    store = RunStore(tmp_path / "runs.db")
    async with LocalExecutor() as executor:
        runs = [WorkflowRunner(workflow, store=store, executor=executor, gate=gate, on_event=track) for _ in range(2)]
        results = await asyncio.gather(*(r.run() for r in runs))
    assert [r.status for r in results] == [RunStatus.SUCCEEDED, RunStatus.SUCCEEDED]
    assert peak == 1  # one whisper instance: its nodes never overlap, across both runs
    assert arbiter.grants_by_run[runs[0].run_id] == arbiter.grants_by_run[runs[1].run_id] == 3
    store.close()
