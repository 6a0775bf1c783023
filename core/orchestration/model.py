"""The workflow model: a DAG of typed nodes, pure data so a run can be stored, resumed or sent to a worker."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.types.base import EntityId


class NodeKind(StrEnum):
    """What a node does; the executor dispatches on it."""

    SHELL = "shell"
    """Run a command; outputs ``stdout`` (text) and ``returncode`` (int)."""
    PYTHON = "python"
    """Call ``module:function`` with the node's inputs and params as keyword arguments."""
    INSTRUMENT = "instrument"
    """Call a registered Instrument (AI/ML model or tool) by name."""
    OPERATOR = "operator"
    """Call a registered Operator (a packaged workflow step) by name."""
    APPROVAL = "approval"
    """Wait for a person's go/skip; outputs ``approved`` (bool) and ``comment`` (text)."""


class PortType(StrEnum):
    """Types of node inputs and outputs; ``any`` matches everything, ``int`` may feed ``float``."""

    ANY = "any"
    TEXT = "text"
    BYTES = "bytes"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    JSON = "json"


class Isolation(StrEnum):
    """Where a python node's callable runs."""

    PROCESS = "process"
    """In a worker process that is killed on timeout or cancellation (the default: safe for any code)."""
    THREAD = "thread"
    """In a thread of the engine's process: cheap, but a timed-out call keeps running to its end."""
    INLINE = "inline"
    """On the event loop itself: only for tiny, non-blocking callables (no-ops, glue)."""


def accepts(target: PortType, source: PortType) -> bool:
    """Whether an output of type ``source`` may feed an input declared as ``target``."""
    if PortType.ANY in (target, source) or target is source:
        return True
    return (target, source) in {(PortType.FLOAT, PortType.INT), (PortType.JSON, PortType.INT)} or (
        target is PortType.JSON and source in (PortType.FLOAT, PortType.BOOL, PortType.TEXT)
    )


class InputSpec(BaseModel):
    """Where an input comes from (``node.output``) and the type the consumer expects."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    """``NODE_ID.OUTPUT``: the producing node and its output name."""
    type: PortType = PortType.ANY

    @property
    def node(self) -> str:
        """The producing node's id."""
        return self.source.rpartition(".")[0]

    @property
    def output(self) -> str:
        """The producing node's output name."""
        return self.source.rpartition(".")[2]


KIND_OUTPUTS: dict[NodeKind, dict[str, PortType]] = {
    NodeKind.SHELL: {"stdout": PortType.TEXT, "returncode": PortType.INT},
    NodeKind.APPROVAL: {"approved": PortType.BOOL, "comment": PortType.TEXT},
}
"""Outputs every node of a kind has without declaring them."""


class NodeSpec(BaseModel):
    """One step of a workflow; fields not used by its kind must stay unset (validation says so)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: EntityId
    kind: str
    """A NodeKind value; kept a string so an unknown kind is a validation problem naming the node, not a crash."""
    inputs: dict[str, InputSpec] = Field(default_factory=dict)
    outputs: dict[str, PortType] = Field(default_factory=dict)
    after: tuple[str, ...] = ()
    """Ordering-only dependencies: run after these nodes without taking their outputs."""
    params: dict[str, Any] = Field(default_factory=dict)
    """Constant keyword arguments for python/instrument/operator calls."""
    command: str | list[str] | None = None
    """Shell nodes: a string run by the shell, or an argv list run directly."""
    cwd: str | None = None
    env: dict[str, str] = Field(default_factory=dict)
    call: str | None = None
    """Python nodes: ``package.module:function``."""
    isolation: Isolation = Isolation.PROCESS
    target: str | None = None
    """Instrument/operator nodes: the registered name."""
    prompt: str | None = None
    """Approval nodes: what the person is asked."""
    retries: int = Field(default=0, ge=0, le=100)
    backoff: float = Field(default=0.5, ge=0)
    """Seconds before the first retry; doubles for each further one (capped at 60 s)."""
    timeout: float | None = Field(default=None, gt=0)
    """Seconds per attempt; None waits forever."""
    priority: int = 0
    """Higher runs first among ready nodes (Maestro's default policy also weighs the critical path)."""
    models: tuple[str, ...] = ()
    """Models from the model pool this node will use (lets the pool prefetch them)."""

    @field_validator("inputs", mode="before")
    @classmethod
    def _short_inputs(cls, value: Any) -> Any:
        # ``text = "fetch.stdout"`` is the common case; the table form adds a type.
        if isinstance(value, dict):
            return {k: {"source": v} if isinstance(v, str) else v for k, v in value.items()}
        return value

    def all_outputs(self) -> dict[str, PortType]:
        """Declared outputs plus the ones the kind always provides."""
        try:
            implicit = KIND_OUTPUTS.get(NodeKind(self.kind), {})
        except ValueError:
            implicit = {}
        return {**implicit, **self.outputs}

    def dependencies(self) -> set[str]:
        """Ids of every node this one waits for."""
        return {spec.node for spec in self.inputs.values()} | set(self.after)


class Workflow(BaseModel):
    """A named DAG of nodes; node order in the file does not matter."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "workflow"
    description: str = ""
    max_concurrency: int = Field(default=4, ge=1, le=4096)
    nodes: tuple[NodeSpec, ...] = ()

    def node(self, node_id: str) -> NodeSpec:
        """The node with ``node_id`` (KeyError if absent)."""
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    def by_id(self) -> dict[str, NodeSpec]:
        """Nodes keyed by id."""
        return {node.id: node for node in self.nodes}


__all__ = [
    "KIND_OUTPUTS",
    "InputSpec",
    "Isolation",
    "NodeKind",
    "NodeSpec",
    "PortType",
    "Workflow",
    "accepts",
]
