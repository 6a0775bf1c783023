"""Build the effective settings: defaults < user file < workspace file < CLI, with provenance and problems.

``load_settings`` is a pure function of the files and arguments, so the service can run it in a worker
thread and publish the result in one step.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.config.layers import Layer, LayerKind, read_layer_dir, workspace_settings_dir
from core.config.merge import dotted, iter_leaves
from core.config.overrides import cli_layer
from core.config.schema import Settings
from core.config.validation import apply_layer
from core.errors import ConfigError


@dataclass(frozen=True)
class LoadResult:
    """Everything one load produced."""

    settings: Settings
    problems: list[ConfigError] = field(default_factory=list)
    provenance: dict[str, str] = field(default_factory=dict)
    """Dotted key of every leaf setting -> label of the layer that gave its effective value."""
    sources: list[Path] = field(default_factory=list)
    """Settings files that exist and were considered, in layer order."""


def default_provenance() -> dict[str, str]:
    """Provenance before any file is read: every leaf comes from the built-in defaults."""
    return {dotted(path): str(LayerKind.DEFAULT) for path, _ in iter_leaves(Settings().model_dump())}


def load_settings(
    config_dir: Path, workspace: Path | None = None, cli_overrides: Mapping[str, Any] | None = None
) -> LoadResult:
    """Read, merge and validate every layer; never raises for anything wrong in the files or overrides."""
    found: list[ConfigError] = []
    sources: list[Path] = []
    layers: list[Layer] = []
    directories = [(config_dir, LayerKind.USER)]
    if workspace is not None:
        directories.append((workspace_settings_dir(workspace), LayerKind.WORKSPACE))
    for directory, kind in directories:
        read = read_layer_dir(directory, kind)
        found.extend(read.problems)
        if read.source is not None:
            sources.append(read.source)
        if read.layer is not None:
            layers.append(read.layer)
    if cli_overrides:
        layer, override_problems = cli_layer(cli_overrides)
        found.extend(override_problems)
        layers.append(layer)

    merged: dict[str, Any] = Settings().model_dump()
    provenance = default_provenance()
    for layer in layers:
        applied = apply_layer(merged, layer)
        found.extend(applied.problems)
        merged = applied.merged
        for path, _ in iter_leaves(applied.kept):
            key = dotted(path)
            if key in provenance:
                provenance[key] = layer.label
    return LoadResult(Settings.model_validate(merged), found, provenance, sources)


__all__ = ["LoadResult", "default_provenance", "load_settings"]
