"""Maestro's scheduling policies: which ready node gets the next free slot.

A policy ranks nodes once per run (``prepare``) and may learn from what it observes. Ranks are plain
numbers, so the runner keeps ready nodes in a heap: choosing the next node costs O(log n) even with
10,000 nodes ready at once.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.orchestration.checkpoint import NodeSample
from core.orchestration.graph import topological_order
from core.orchestration.model import Workflow

PRIORITY_WEIGHT = 1e9
"""A node's declared priority dominates every path length (both are 'higher first')."""


class SchedulingPolicy(ABC):
    """Ranks ready nodes; higher rank runs first."""

    name: str = "policy"

    @abstractmethod
    def prepare(self, workflow: Workflow, history: Sequence[NodeSample] = ()) -> Mapping[str, float]:
        """Rank every node of ``workflow`` before the run starts, given past runs of the same workflow."""

    def observe(self, node_id: str, duration: float, ok: bool) -> None:  # noqa: B027 - optional hook
        """Hear how an attempt went (the default policy ignores it)."""


def longest_paths(workflow: Workflow, cost: Mapping[str, float]) -> dict[str, float]:
    """For each node, the largest summed cost of any path from it to a sink (itself included)."""
    dependents: dict[str, list[str]] = defaultdict(list)
    graph: dict[str, set[str]] = {}
    for node in workflow.nodes:
        deps = node.dependencies()
        graph[node.id] = deps
        for dep in deps:
            dependents[dep].append(node.id)
    order, _ = topological_order(graph)
    tail: dict[str, float] = {}
    for node_id in reversed(order):
        below = max((tail[d] for d in dependents.get(node_id, ())), default=0.0)
        tail[node_id] = cost.get(node_id, 1.0) + below
    return tail


class CriticalPathPolicy(SchedulingPolicy):
    """The default: declared priority first, then the longest remaining path (each node costs 1 unless told)."""

    name = "critical-path"

    def __init__(self, durations: Mapping[str, float] | None = None) -> None:
        self.durations = dict(durations or {})

    def prepare(self, workflow: Workflow, history: Sequence[NodeSample] = ()) -> Mapping[str, float]:
        tails = longest_paths(workflow, self.durations)
        return {node.id: node.priority * PRIORITY_WEIGHT + tails[node.id] for node in workflow.nodes}


@dataclass(slots=True)
class _Arm:
    runs: int = 0
    total: float = 0.0
    squares: float = 0.0
    failures: int = 0

    def add(self, duration: float, ok: bool) -> None:
        self.runs += 1
        self.total += duration
        self.squares += duration * duration
        self.failures += 0 if ok else 1


class LearningPolicy(SchedulingPolicy):
    """Learns each node's duration and failure rate from run history and schedules by them.

    Each node is an arm with its observed durations; its cost estimate is optimistic in the UCB sense
    (mean plus ``exploration`` standard errors, unseen nodes get the mean of all nodes plus a bonus) so
    nodes seen rarely are tried early rather than starved. The rank is the expected critical path from the
    node plus a fail-fast term: a node likely to fail, with a lot of work behind it, goes first, because
    its failure cancels that work.
    """

    name = "learning"

    def __init__(self, *, exploration: float = 1.0, fail_fast_weight: float = 1.0) -> None:
        self.exploration = exploration
        self.fail_fast_weight = fail_fast_weight
        self._arms: dict[str, _Arm] = defaultdict(_Arm)

    def prepare(self, workflow: Workflow, history: Sequence[NodeSample] = ()) -> Mapping[str, float]:
        for sample in history:
            self._arms[sample.node_id].add(sample.duration, sample.ok)
        seen = [arm.total / arm.runs for arm in self._arms.values() if arm.runs]
        prior = sum(seen) / len(seen) if seen else 1.0
        cost = {node.id: self._estimate(node.id, prior) for node in workflow.nodes}
        tails = longest_paths(workflow, cost)
        ranks = {}
        for node in workflow.nodes:
            arm = self._arms.get(node.id)
            failure = (arm.failures + 1) / (arm.runs + 2) if arm else 0.5  # Beta(1, 1) prior
            ranks[node.id] = node.priority * PRIORITY_WEIGHT + tails[node.id] * (1 + self.fail_fast_weight * failure)
        return ranks

    def observe(self, node_id: str, duration: float, ok: bool) -> None:
        self._arms[node_id].add(duration, ok)

    def _estimate(self, node_id: str, prior: float) -> float:
        arm = self._arms.get(node_id)
        if arm is None or arm.runs == 0:
            return prior * (1 + self.exploration)
        mean = arm.total / arm.runs
        variance = max(0.0, arm.squares / arm.runs - mean * mean)
        return mean + self.exploration * math.sqrt(variance / arm.runs)


__all__ = ["PRIORITY_WEIGHT", "CriticalPathPolicy", "LearningPolicy", "SchedulingPolicy", "longest_paths"]
