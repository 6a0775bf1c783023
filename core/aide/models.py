"""The model pool: registered models loaded on demand within a memory budget, LRU eviction, DAG-driven prefetch.

Loading is delegated to a ModelLoader (the Instruments extension that owns the model); the pool only decides
what is resident. A model in use is pinned and never evicted. Prefetch loads models that upcoming workflow
nodes declare (``NodeSpec.models``) while earlier nodes run, and the pool counts how often a use found its
model already resident thanks to a prefetch (``PoolStats.prefetch_hit_rate``).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from core.errors import ConfigError, ExtensionError, NotFoundError, UnsupportedError
from core.orchestration.model import Workflow
from core.orchestration.runner import RunEvent
from core.orchestration.state import NodeState


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """A model the pool can load: ``memory`` is what it occupies when loaded, ``size`` its parameter count."""

    name: str
    kind: str
    memory: int
    size: int = 0
    provider: str = ""


class ModelLoader(Protocol):
    """Loads and unloads models for the pool."""

    async def load(self, info: ModelInfo) -> Any:
        """Load the model; the returned handle is what users of the pool get."""

    async def unload(self, info: ModelInfo, handle: Any) -> None:
        """Free the model's memory."""


@dataclass(slots=True)
class PoolStats:
    """Counters since the pool was created."""

    uses: int = 0
    resident_hits: int = 0
    """Uses that found the model already resident or loading (for any reason)."""
    prefetch_hits: int = 0
    """First uses of a prefetched model: the load had started before anyone asked."""
    prefetch_ready: int = 0
    """Prefetch hits whose load had already finished: the use did not wait at all."""
    demand_loads: int = 0
    """Uses that had to start the load themselves: the misses prefetch exists to avoid."""
    loads: int = 0
    evictions: int = 0
    prefetches: int = 0

    @property
    def prefetch_hit_rate(self) -> float:
        """Of the uses that needed a load, the share whose load a prefetch had already started (0..1)."""
        needed = self.prefetch_hits + self.demand_loads
        return self.prefetch_hits / needed if needed else 0.0

    @property
    def prefetch_ready_rate(self) -> float:
        """Like prefetch_hit_rate, counting only loads that had finished before the use (0..1)."""
        needed = self.prefetch_hits + self.demand_loads
        return self.prefetch_ready / needed if needed else 0.0


@dataclass(slots=True)
class _Slot:
    info: ModelInfo
    handle: Any = None
    users: int = 0
    loading: asyncio.Task[Any] | None = None
    prefetched: bool = False


@dataclass(slots=True)
class _Registry:
    models: dict[str, ModelInfo] = field(default_factory=dict)


class ModelPool:
    """Models resident within ``budget`` bytes; ``async with pool.use(name) as handle`` to run with one."""

    def __init__(self, budget: int, loader: ModelLoader) -> None:
        if budget <= 0:
            raise ConfigError(f"model pool budget must be positive, got {budget}", hint="Set a budget in bytes.")
        self.budget = budget
        self.loader = loader
        self.stats = PoolStats()
        self._registry = _Registry()
        self._resident: OrderedDict[str, _Slot] = OrderedDict()  # least recently used first
        self._changed = asyncio.Condition()

    def register(self, info: ModelInfo) -> None:
        """Add a model; it must fit in the budget on its own."""
        if info.memory > self.budget:
            raise ConfigError(
                f"model {info.name!r} needs {info.memory} bytes, more than the pool budget of {self.budget}",
                hint="Raise the model pool budget or use a smaller variant of the model.",
            )
        self._registry.models[info.name] = info

    @property
    def registered(self) -> dict[str, ModelInfo]:
        """Models by name."""
        return dict(self._registry.models)

    @property
    def resident(self) -> list[str]:
        """Loaded (or loading) models, least recently used first."""
        return list(self._resident)

    @property
    def used_memory(self) -> int:
        """Bytes taken by resident and loading models."""
        return sum(slot.info.memory for slot in self._resident.values())

    @contextlib.asynccontextmanager
    async def use(self, name: str) -> AsyncIterator[Any]:
        """Pin ``name`` (loading it if needed, evicting idle models) for the duration of the block."""
        info = self._info(name)
        self.stats.uses += 1
        async with self._changed:
            slot = self._resident.get(name)
            if slot is not None:
                self.stats.resident_hits += 1
                if slot.prefetched:
                    self.stats.prefetch_hits += 1
                    if slot.loading is not None and slot.loading.done():
                        self.stats.prefetch_ready += 1
                    slot.prefetched = False
                self._resident.move_to_end(name)
            else:
                await self._make_room(info.memory, wait=True)
                slot = self._start_load(info)
                self.stats.demand_loads += 1
            slot.users += 1
        try:
            assert slot.loading is not None
            try:
                handle = await asyncio.shield(slot.loading)
            except Exception as exc:
                if self._resident.get(name) is slot:
                    del self._resident[name]  # the next use tries again
                raise ExtensionError(
                    f"model {name!r} failed to load: {exc}", hint="See the log of the Instrument that provides it."
                ) from exc
            yield handle
        finally:
            async with self._changed:
                slot.users -= 1
                self._changed.notify_all()

    async def prefetch(self, names: Iterable[str], *, keep: Iterable[str] = ()) -> list[str]:
        """Start loading models soon needed, if they fit by evicting only idle models; returns those started.

        Prefetch never evicts models in ``keep`` (those running nodes are about to use) nor earlier prefetches
        that no one has used yet.
        """
        started = []
        wanted = list(names)
        protected = {*wanted, *keep}
        async with self._changed:
            for name in wanted:
                if name in self._resident or name not in self._registry.models:
                    continue
                info = self._registry.models[name]
                if not await self._make_room(info.memory, wait=False, keep=protected):
                    continue
                slot = self._start_load(info)
                slot.prefetched = True
                self.stats.prefetches += 1
                started.append(name)
        return started

    async def close(self) -> None:
        """Unload everything."""
        async with self._changed:
            for name in list(self._resident):
                await self._evict(name)

    def _info(self, name: str) -> ModelInfo:
        info = self._registry.models.get(name)
        if info is None:
            raise NotFoundError(
                f"no model named {name!r} in the pool",
                hint="Install the Instrument that provides it, or correct the node's `models`.",
            )
        return info

    def _start_load(self, info: ModelInfo) -> _Slot:
        slot = _Slot(info)
        slot.loading = asyncio.ensure_future(self.loader.load(info))
        self._resident[info.name] = slot
        self.stats.loads += 1
        return slot

    async def _make_room(self, memory: int, *, wait: bool, keep: set[str] | None = None) -> bool:
        """Evict idle models (LRU first) until ``memory`` fits; wait for users to finish if ``wait``."""
        while self.used_memory + memory > self.budget:
            victim = next((n for n, s in self._resident.items() if self._evictable(s, keep)), None)
            if victim is None:
                if not wait:
                    return False
                if not any(s.users for s in self._resident.values()):
                    raise UnsupportedError(f"cannot fit {memory} bytes in the model pool budget of {self.budget}")
                await self._changed.wait()
                continue
            await self._evict(victim)
        return True

    @staticmethod
    def _evictable(slot: _Slot, keep: set[str] | None) -> bool:
        """Idle, and (when prefetching) neither wanted now nor a prefetch still waiting for its first use."""
        if slot.users:
            return False
        if keep is None:
            return True
        return slot.info.name not in keep and not slot.prefetched

    async def _evict(self, name: str) -> None:
        slot = self._resident.pop(name)
        self.stats.evictions += 1
        if slot.loading is None:
            return
        try:
            handle = await slot.loading
        except Exception:  # a failed load left nothing to unload
            return
        await self.loader.unload(slot.info, handle)


class ModelPrefetcher:
    """Listens to a run's events and prefetches the models of the nodes that will run next.

    When a node starts, its dependents whose other dependencies are already finished or running are the
    next to run: their models are prefetched. Queued nodes' models are prefetched too.
    """

    def __init__(self, pool: ModelPool, workflow: Workflow) -> None:
        self.pool = pool
        self.workflow = workflow
        self._nodes = workflow.by_id()
        self._dependents: dict[str, list[str]] = {n: [] for n in self._nodes}
        for node in workflow.nodes:
            for dep in node.dependencies():
                self._dependents[dep].append(node.id)
        self._states: dict[str, NodeState] = {}
        self._tasks: set[asyncio.Task[list[str]]] = set()

    def on_event(self, event: RunEvent) -> None:
        """Feed this to ``WorkflowRunner(on_event=...)``."""
        self._states[event.node_id] = event.state
        wanted: list[str] = []
        if event.state is NodeState.QUEUED:
            wanted.extend(self._nodes[event.node_id].models)
        elif event.state is NodeState.RUNNING:
            for dependent in self._dependents[event.node_id]:
                others = self._nodes[dependent].dependencies() - {event.node_id}
                if all(self._states.get(o) in (NodeState.RUNNING, NodeState.SUCCEEDED) for o in others):
                    wanted.extend(self._nodes[dependent].models)
        if wanted:
            busy = {
                model
                for node_id, state in self._states.items()
                if state in (NodeState.QUEUED, NodeState.RUNNING)
                for model in self._nodes[node_id].models
            }
            task = asyncio.ensure_future(self.pool.prefetch(dict.fromkeys(wanted), keep=busy))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)


__all__ = ["ModelInfo", "ModelLoader", "ModelPool", "ModelPrefetcher", "PoolStats"]
