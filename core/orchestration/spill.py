"""Large node outputs travel as artifacts: stored once in the artifact store, referenced from the checkpoint.

A text or bytes output of SPILL_THRESHOLD bytes or more is put in the store (deduplicated, verified on read,
searchable by run and node) and replaced by a reference ``{"$artifact": DIGEST, "type": ..., "size": ...}``;
the runner turns references back into values before a consumer runs. Small values stay inline, where a
SQLite row is cheaper than an artifact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

SPILL_THRESHOLD = 4096
"""Outputs of at least this many bytes become artifacts."""


class StoredArtifact(Protocol):
    """What a put returns: at least the digest."""

    @property
    def digest(self) -> str:
        """The content's digest."""


class ArtifactSink(Protocol):
    """The part of core.aide.artifacts.ArtifactStore the runner uses."""

    def put(
        self,
        data: bytes,
        *,
        name: str = "",
        kind: str = "bytes",
        tags: Sequence[str] = (),
        metadata: Mapping[str, Any] | None = None,
    ) -> StoredArtifact:
        """Store bytes."""

    def get(self, digest: str, *, touch: bool = True) -> bytes:
        """Read bytes back, verified."""


def is_reference(value: Any) -> bool:
    """Whether ``value`` is an artifact reference."""
    return isinstance(value, dict) and "$artifact" in value


def needs_spill(outputs: Mapping[str, Any]) -> bool:
    """Whether any output is large enough to become an artifact (cheap check, no I/O)."""
    return any(isinstance(v, str | bytes) and len(v) >= SPILL_THRESHOLD for v in outputs.values())


def spill_outputs(
    sink: ArtifactSink, outputs: Mapping[str, Any], *, workflow: str, run_id: str, node_id: str
) -> dict[str, Any]:
    """Outputs with large values replaced by references (blocking: call from a worker thread)."""
    spilled: dict[str, Any] = {}
    for name, value in outputs.items():
        if isinstance(value, str | bytes) and len(value) >= SPILL_THRESHOLD:
            is_text = isinstance(value, str)
            data = value.encode("utf-8") if isinstance(value, str) else value
            stored = sink.put(
                data,
                name=f"{workflow}/{node_id}.{name}",
                kind="text" if is_text else "bytes",
                tags=(workflow, node_id),
                metadata={"run": run_id, "node": node_id, "output": name, "workflow": workflow},
            )
            spilled[name] = {"$artifact": stored.digest, "type": "text" if is_text else "bytes", "size": len(data)}
        else:
            spilled[name] = value
    return spilled


def resolve_inputs(sink: ArtifactSink, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Inputs with references replaced by the artifacts' values (blocking: call from a worker thread)."""
    resolved: dict[str, Any] = {}
    for name, value in inputs.items():
        if is_reference(value):
            data = sink.get(value["$artifact"])
            resolved[name] = data.decode("utf-8") if value.get("type") == "text" else data
        else:
            resolved[name] = value
    return resolved


__all__ = [
    "SPILL_THRESHOLD",
    "ArtifactSink",
    "StoredArtifact",
    "is_reference",
    "needs_spill",
    "resolve_inputs",
    "spill_outputs",
]
