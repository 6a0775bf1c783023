"""A validated manifest reduced to the ExtensionSpec core runs (core never imports the kit)."""

from __future__ import annotations

from pathlib import Path

from core.extensions.spec import ExtensionSpec
from extensions.kit.manifest import Manifest


def spec_from_manifest(manifest: Manifest, folder: Path) -> ExtensionSpec:
    """The data core's supervisor needs from a validated manifest."""
    return ExtensionSpec(
        id=manifest.id,
        name=manifest.name,
        folder=str(folder.resolve()),
        entry=manifest.entry,
        activation=tuple(str(event) for event in manifest.activation),
        capabilities=tuple(c.value for c in manifest.capabilities),
        dependencies=tuple(manifest.dependencies),
        commands=tuple(c.id for c in manifest.contributes.commands),
        settings={key: setting.default for key, setting in manifest.contributes.settings.items()},
        motifs={m.id: {"title": m.title, "location": m.location} for m in manifest.contributes.motifs},
    )


__all__ = ["spec_from_manifest"]
