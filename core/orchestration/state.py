"""Lifecycle states of nodes and runs, shared by the runner, the checkpoint store and the UI."""

from __future__ import annotations

from enum import StrEnum


class NodeState(StrEnum):
    """Where a node is in a run."""

    PENDING = "pending"
    """Waiting for its dependencies."""
    WAITING = "waiting"
    """Ready, waiting for the conductor (a person's go/skip in Manual mode, or an approval)."""
    QUEUED = "queued"
    """Admitted, waiting for a free slot."""
    RUNNING = "running"
    RETRYING = "retrying"
    """An attempt failed; the next one starts after the backoff."""
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"
    """Skipped by a person, or because a node it takes outputs from was skipped."""
    BLOCKED = "blocked"
    """Not run because a node it depends on failed or was cancelled."""
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        """Whether the node will not change state again in this run."""
        return self in _FINISHED

    @property
    def kept_on_resume(self) -> bool:
        """Whether a resumed run keeps this state instead of running the node again."""
        return self in (NodeState.SUCCEEDED, NodeState.SKIPPED)


_FINISHED = frozenset(
    {NodeState.SUCCEEDED, NodeState.FAILED, NodeState.SKIPPED, NodeState.BLOCKED, NodeState.CANCELLED}
)


class RunStatus(StrEnum):
    """Where a run is."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


__all__ = ["NodeState", "RunStatus"]
