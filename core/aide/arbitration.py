"""Arbitration: ResourceRequests from concurrent runs become ArbitrationDecisions, fairly and without deadlock.

Rules, in order:
1. A request that could never fit the capacity is refused at once (it would wait forever).
2. A request is granted all of its resources at once or none (no hold-and-wait, hence no deadlock between
   requests; a run holding a grant must release it without needing another).
3. Waiting requests are ordered by effective priority (priority plus one step per ``aging`` seconds waited,
   so low priority never starves), then by how much the requesting run holds now (the run holding least
   goes first: fair across runs), then by arrival. Only the head may be granted: a large request is not
   overtaken forever by a stream of small ones.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from core.errors import UnsupportedError
from core.orchestration.model import NodeSpec


@dataclass(frozen=True, slots=True)
class Capacity:
    """What the machine offers: memory bytes, CPU slots, and instances per model."""

    memory: int
    cpu_slots: int
    model_instances: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ResourceRequest:
    """What one node needs to run."""

    run_id: str
    memory: int = 0
    cpu_slots: int = 1
    models: Mapping[str, int] = field(default_factory=dict)
    priority: int = 0
    label: str = ""


@dataclass(frozen=True, slots=True)
class ArbitrationDecision:
    """The answer to a request: granted (with an id to release) or refused (with the reason)."""

    request: ResourceRequest
    granted: bool
    grant_id: int = 0
    reason: str = ""
    waited: float = 0.0


@dataclass(slots=True)
class _Waiter:
    request: ResourceRequest
    arrival: int
    since: float
    future: asyncio.Future[ArbitrationDecision]


class Arbiter:
    """Grants resources to requests from any number of runs on one event loop."""

    def __init__(self, capacity: Capacity, *, aging: float = 5.0) -> None:
        self.capacity = capacity
        self.aging = aging
        self._free_memory = capacity.memory
        self._free_slots = capacity.cpu_slots
        self._free_models: Counter[str] = Counter(capacity.model_instances)
        self._held: dict[int, ResourceRequest] = {}
        self._held_by_run: Counter[str] = Counter()
        self._waiting: list[_Waiter] = []
        self._ids = itertools.count(1)
        self._arrivals = itertools.count()
        self.grants_by_run: Counter[str] = Counter()
        """How many grants each run received (for fairness reports)."""

    def impossible(self, request: ResourceRequest) -> str | None:
        """Why ``request`` can never be granted, or None."""
        if request.memory > self.capacity.memory:
            return f"needs {request.memory} bytes of memory; the machine offers {self.capacity.memory}"
        if request.cpu_slots > self.capacity.cpu_slots:
            return f"needs {request.cpu_slots} CPU slots; the machine offers {self.capacity.cpu_slots}"
        for model, count in request.models.items():
            offered = self.capacity.model_instances.get(model, 0)
            if count > offered:
                return f"needs {count} instance(s) of model {model!r}; the pool offers {offered}"
        return None

    async def acquire(self, request: ResourceRequest) -> ArbitrationDecision:
        """Wait for a grant; refused requests return at once with ``granted=False``."""
        reason = self.impossible(request)
        if reason is not None:
            return ArbitrationDecision(request, False, reason=reason)
        waiter = _Waiter(request, next(self._arrivals), time.monotonic(), asyncio.get_running_loop().create_future())
        self._waiting.append(waiter)
        self._dispatch()
        try:
            return await waiter.future
        except asyncio.CancelledError:
            if waiter in self._waiting:
                self._waiting.remove(waiter)
            elif waiter.future.done() and not waiter.future.cancelled():
                self.release(waiter.future.result())  # granted just as we were cancelled
            self._dispatch()
            raise

    def release(self, decision: ArbitrationDecision) -> None:
        """Give a grant's resources back and wake the next waiter."""
        request = self._held.pop(decision.grant_id, None)
        if request is None:
            return
        self._free_memory += request.memory
        self._free_slots += request.cpu_slots
        self._free_models.update(request.models)
        self._held_by_run[request.run_id] -= 1
        self._dispatch()

    @property
    def waiting(self) -> int:
        """Requests waiting now."""
        return len(self._waiting)

    def _fits(self, request: ResourceRequest) -> bool:
        return (
            request.memory <= self._free_memory
            and request.cpu_slots <= self._free_slots
            and all(self._free_models[m] >= n for m, n in request.models.items())
        )

    def _key(self, waiter: _Waiter, now: float) -> tuple[float, int, int]:
        boost = math.floor((now - waiter.since) / self.aging) if self.aging > 0 else 0
        return (-(waiter.request.priority + boost), self._held_by_run[waiter.request.run_id], waiter.arrival)

    def _dispatch(self) -> None:
        now = time.monotonic()
        while self._waiting:
            head = min(self._waiting, key=lambda w: self._key(w, now))
            if head.future.done():
                self._waiting.remove(head)
                continue
            if not self._fits(head.request):
                return
            self._waiting.remove(head)
            request = head.request
            self._free_memory -= request.memory
            self._free_slots -= request.cpu_slots
            self._free_models.subtract(request.models)
            grant_id = next(self._ids)
            self._held[grant_id] = request
            self._held_by_run[request.run_id] += 1
            self.grants_by_run[request.run_id] += 1
            head.future.set_result(ArbitrationDecision(request, True, grant_id, waited=now - head.since))


class ArbiterGate:
    """Plugs an Arbiter into WorkflowRunner: each node asks for a CPU slot, its models and their memory."""

    def __init__(self, arbiter: Arbiter, model_memory: Mapping[str, int] | None = None) -> None:
        self.arbiter = arbiter
        self.model_memory = dict(model_memory or {})

    async def acquire(self, run_id: str, node: NodeSpec) -> object:
        """Wait until the node's resources are granted; refuse impossible nodes with the reason."""
        request = ResourceRequest(
            run_id,
            memory=sum(self.model_memory.get(m, 0) for m in node.models),
            cpu_slots=1,
            models=dict.fromkeys(node.models, 1),
            priority=node.priority,
            label=node.id,
        )
        decision = await self.arbiter.acquire(request)
        if not decision.granted:
            raise UnsupportedError(
                f"node {node.id!r} can never run here: it {decision.reason}",
                hint="Lower the node's needs or run it on a bigger machine (e.g. --executor dask).",
            )
        return decision

    def release(self, token: object) -> None:
        """Give the node's resources back."""
        if isinstance(token, ArbitrationDecision):
            self.arbiter.release(token)


__all__ = ["Arbiter", "ArbiterGate", "ArbitrationDecision", "Capacity", "ResourceRequest"]
