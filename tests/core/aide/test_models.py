"""The model pool keeps within its budget, evicts the least recently used idle model, and prefetches."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from core.aide.models import ModelInfo, ModelPool, ModelPrefetcher
from core.errors import ConfigError, ExtensionError, NotFoundError
from core.orchestration import LocalExecutor, NodeSpec, RunStore, Workflow, WorkflowRunner


class FakeLoader:
    """Records loads and unloads; each load takes ``delay`` seconds of event-loop time."""

    def __init__(self, delay: float = 0.0, broken: frozenset[str] = frozenset()) -> None:
        self.delay = delay
        self.broken = broken
        self.events: list[str] = []

    async def load(self, info: ModelInfo) -> Any:
        await asyncio.sleep(self.delay)
        if info.name in self.broken:
            raise RuntimeError("weights missing")
        self.events.append(f"load {info.name}")
        return f"handle:{info.name}"

    async def unload(self, info: ModelInfo, handle: Any) -> None:
        self.events.append(f"unload {info.name}")


def _pool(budget: int = 100, **loader: Any) -> tuple[ModelPool, FakeLoader]:
    fake = FakeLoader(**loader)
    pool = ModelPool(budget, fake)
    for name, memory in (("a", 40), ("b", 40), ("c", 40), ("huge", 100)):
        pool.register(ModelInfo(name, "llm", memory, provider="test"))
    return pool, fake


async def test_use_loads_once_and_evicts_the_least_recently_used_idle_model() -> None:
    pool, loader = _pool()
    async with pool.use("a") as handle:
        assert handle == "handle:a"
    async with pool.use("b"):
        pass
    async with pool.use("a"):
        pass
    async with pool.use("c"):
        pass
    assert loader.events == ["load a", "load b", "unload b", "load c"]
    assert pool.resident == ["a", "c"] and pool.used_memory == 80


async def test_models_in_use_are_never_evicted_the_next_use_waits() -> None:
    pool, loader = _pool()
    order: list[str] = []

    async def hold(name: str, release: asyncio.Event) -> None:
        async with pool.use(name):
            order.append(f"got {name}")
            await release.wait()
        order.append(f"freed {name}")

    release_a = asyncio.Event()
    a = asyncio.create_task(hold("a", release_a))
    await asyncio.sleep(0)
    big = asyncio.create_task(hold("huge", asyncio.Event()))
    await asyncio.sleep(0.01)
    assert order == ["got a"]  # 'huge' needs all 100 bytes and 'a' is pinned
    release_a.set()
    await asyncio.sleep(0.01)
    assert order == ["got a", "freed a", "got huge"]
    big.cancel()
    await asyncio.gather(a, big, return_exceptions=True)
    assert "unload a" in loader.events


async def test_budget_and_registry_errors_are_clear() -> None:
    pool, _ = _pool()
    with pytest.raises(ConfigError, match="more than the pool budget"):
        pool.register(ModelInfo("giant", "llm", 10**6))
    with pytest.raises(NotFoundError, match="'nope'"):
        async with pool.use("nope"):
            pass


async def test_a_failed_load_is_reported_and_retried_next_time() -> None:
    pool, _ = _pool(broken=frozenset({"a"}))
    with pytest.raises(ExtensionError, match="weights missing"):
        async with pool.use("a"):
            pass
    assert pool.resident == []


async def test_prefetch_follows_the_dag_and_counts_hits(tmp_path: Path) -> None:
    pool, loader = _pool(budget=200, delay=0.02)
    workflow = Workflow(
        name="pipeline",
        max_concurrency=1,
        nodes=(
            NodeSpec(id="prep", kind="shell", command="sleep 0.1"),
            NodeSpec(id="embed", kind="instrument", target="embed", after=("prep",), models=("a",)),
            NodeSpec(id="answer", kind="instrument", target="answer", after=("embed",), models=("b",)),
        ),
    )

    async def use_a() -> None:
        async with pool.use("a"):
            await asyncio.sleep(0.1)

    async def use_b() -> None:
        async with pool.use("b"):
            pass

    prefetcher = ModelPrefetcher(pool, workflow)
    store = RunStore(tmp_path / "runs.db")
    async with LocalExecutor({"embed": use_a, "answer": use_b}) as executor:
        await WorkflowRunner(workflow, store=store, executor=executor, on_event=prefetcher.on_event).run()
    assert pool.stats.prefetches == 2
    assert pool.stats.prefetch_hits == 2 and pool.stats.demand_loads == 0
    assert pool.stats.prefetch_hit_rate == 1.0
    assert loader.events == ["load a", "load b"]
    store.close()
