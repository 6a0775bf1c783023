"""The Conductor decides what runs: Maestro runs ready nodes by policy, Manual asks a person for each one.

People answer through a DecisionSource: a coroutine given a DecisionRequest. :class:`DecisionQueue` is the
one the CLI, the Harmony board and tests use: requests come out of an async iterator, answers go back by id.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from core.errors import UnsupportedError
from core.orchestration.model import NodeKind, NodeSpec
from core.orchestration.policies import CriticalPathPolicy, SchedulingPolicy


class ConductorMode(StrEnum):
    """How ready nodes are admitted."""

    MAESTRO = "maestro"
    """Automatic: ready nodes run in the policy's order; only approval nodes ask a person."""
    MANUAL = "manual"
    """Every ready node waits for a person's go, skip or edit."""


class Action(StrEnum):
    """A person's answer to a ready node."""

    GO = "go"
    SKIP = "skip"
    EDIT = "edit"
    """Go, with some params replaced."""


@dataclass(frozen=True, slots=True)
class Decision:
    """An answer: the action, params for EDIT, and a comment (kept as an approval node's output)."""

    action: Action
    params: Mapping[str, Any] = field(default_factory=dict)
    comment: str = ""


GO = Decision(Action.GO)


@dataclass(frozen=True, slots=True)
class DecisionRequest:
    """What a person is asked about: the node, its resolved inputs, and the prompt of approval nodes."""

    run_id: str
    node: NodeSpec
    inputs: Mapping[str, Any]

    @property
    def prompt(self) -> str:
        """The question to show."""
        return self.node.prompt or f"Run {self.node.kind} node {self.node.id!r}?"


DecisionSource = Callable[[DecisionRequest], Awaitable[Decision]]


class DecisionQueue:
    """A DecisionSource driven from outside: iterate :meth:`requests`, reply with :meth:`answer`."""

    def __init__(self) -> None:
        self._requests: asyncio.Queue[DecisionRequest] = asyncio.Queue()
        self._waiting: dict[tuple[str, str], asyncio.Future[Decision]] = {}

    async def __call__(self, request: DecisionRequest) -> Decision:
        future: asyncio.Future[Decision] = asyncio.get_running_loop().create_future()
        self._waiting[(request.run_id, request.node.id)] = future
        await self._requests.put(request)
        try:
            return await future
        finally:
            self._waiting.pop((request.run_id, request.node.id), None)

    async def requests(self) -> AsyncIterator[DecisionRequest]:
        """Requests in the order nodes became ready."""
        while True:
            yield await self._requests.get()

    async def next_request(self) -> DecisionRequest:
        """The next request (waits for one)."""
        return await self._requests.get()

    def answer(self, run_id: str, node_id: str, decision: Decision) -> None:
        """Answer the pending request for ``node_id``; KeyError if none is pending."""
        future = self._waiting[(run_id, node_id)]
        if not future.done():
            future.set_result(decision)


class Conductor:
    """Admits ready nodes according to the mode; owns the Maestro policy."""

    def __init__(
        self,
        mode: ConductorMode = ConductorMode.MAESTRO,
        *,
        policy: SchedulingPolicy | None = None,
        decide: DecisionSource | None = None,
    ) -> None:
        if mode is ConductorMode.MANUAL and decide is None:
            raise UnsupportedError(
                "Manual mode needs a way to ask a person", hint="Pass decide=DecisionQueue() or run in Maestro mode."
            )
        self.mode = mode
        self.policy = policy or CriticalPathPolicy()
        self.decide = decide

    def needs_person(self, node: NodeSpec) -> bool:
        """Whether ``node`` waits for a decision before running."""
        return self.mode is ConductorMode.MANUAL or node.kind == NodeKind.APPROVAL

    async def ask(self, request: DecisionRequest) -> Decision:
        """A person's decision about ``request``."""
        if self.decide is None:
            raise UnsupportedError(
                f"node {request.node.id!r} is an approval step but nobody can be asked",
                hint="Run the workflow from a terminal or the IDE, or remove the approval node for headless runs.",
            )
        return await self.decide(request)


__all__ = [
    "GO",
    "Action",
    "Conductor",
    "ConductorMode",
    "Decision",
    "DecisionQueue",
    "DecisionRequest",
    "DecisionSource",
]
