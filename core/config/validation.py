"""Validate one layer on top of the layers below it, dropping only the keys that are invalid.

A bad value is removed from its layer (an invalid list entry is removed from its list) and the layer is
validated again, so everything else the file says still applies and the dropped key falls back to the value
of a lower layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pydantic

from core.config import problems
from core.config.layers import Layer
from core.config.locate import find_key_line
from core.config.merge import KeyPath, deep_merge, existing_prefix, remove_path
from core.config.schema import Settings
from core.errors import ConfigError

# Each round drops at least one key, so this only bounds pathological inputs (then the layer goes whole).
_MAX_ROUNDS = 8


@dataclass
class AppliedLayer:
    """The merge of the lower layers with what survived of this one."""

    merged: dict[str, Any]
    kept: dict[str, Any]
    """The layer's data minus the dropped keys: what this layer contributes (used for provenance)."""
    problems: list[ConfigError] = field(default_factory=list)


def apply_layer(base: dict[str, Any], layer: Layer) -> AppliedLayer:
    """Merge ``layer`` onto ``base`` (already valid), dropping each key that makes the result invalid."""
    kept = deep_merge({}, layer.data)
    found: list[ConfigError] = []
    for _ in range(_MAX_ROUNDS):
        merged = deep_merge(base, kept)
        try:
            Settings.model_validate(merged)
        except pydantic.ValidationError as exc:
            drops = _drop_errors(exc, layer, kept, found)
            if drops is None:
                break
            for path in drops:
                remove_path(kept, path)
        else:
            return AppliedLayer(merged=merged, kept=kept, problems=found)
    found.append(
        ConfigError(
            f"{layer.label}: the settings could not be validated even after dropping the invalid keys",
            hint=problems.IGNORED_FILE_HINT,
            data={"layer": str(layer.kind), "file": str(layer.path) if layer.path else None, "line": None},
        )
    )
    return AppliedLayer(merged=base, kept={}, problems=found)


def _drop_errors(
    exc: pydantic.ValidationError, layer: Layer, kept: dict[str, Any], found: list[ConfigError]
) -> list[KeyPath] | None:
    """Record a problem per error; the paths to drop (deepest list entries first), or None if unattributable."""
    drops: set[KeyPath] = set()
    for detail in exc.errors():
        target = existing_prefix(kept, tuple(detail["loc"]))
        if not target:
            return None
        line = find_key_line(layer.text, layer.format, tuple(detail["loc"])) if layer.text and layer.format else None
        found.append(problems.schema_error(str(layer.kind), layer.path, line, detail, target))
        drops.add(target)
    # Drop a path once, not also inside an ancestor being dropped; higher list indices first keeps indices valid.
    outer = [path for path in drops if not any(other != path and path[: len(other)] == other for other in drops)]
    return sorted(outer, key=_index_order, reverse=True)


def _index_order(path: KeyPath) -> list[tuple[int, Any]]:
    return [(1, step) if isinstance(step, int) and not isinstance(step, bool) else (0, str(step)) for step in path]


__all__ = ["AppliedLayer", "apply_layer"]
