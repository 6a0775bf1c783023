"""Find every extension Symphony should know about and move each through chambering's first states.

Sources, in precedence order: development folders (``ext dev``), installed extensions, built-ins. A folder
whose manifest is invalid, whose api level is too new, or whose id is taken by a source of higher precedence
is reported and skipped; the others are unaffected.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from core.errors import ConfigError, ExtensionError, SymphonyError
from extensions.kit.chambering import Chambering, ChamberState
from extensions.kit.manifest import Manifest, load_manifest
from extensions.kit.registry import LocalRegistry


class Source(StrEnum):
    """Where an extension was found."""

    DEV = "dev"
    INSTALLED = "installed"
    BUILTIN = "builtin"


@dataclass(frozen=True, slots=True)
class FoundExtension:
    """A valid extension ready to load."""

    manifest: Manifest
    folder: Path
    source: Source
    enabled: bool = True


@dataclass(slots=True)
class Discovery:
    """What discovery found: usable extensions by id, and the problems to show in the Extensions panel."""

    extensions: dict[str, FoundExtension] = field(default_factory=dict)
    problems: list[SymphonyError] = field(default_factory=list)


def discover(
    *,
    chambering: Chambering,
    api_level: int,
    registry: LocalRegistry | None = None,
    builtin: Iterable[Path] = (),
    dev: Iterable[Path] = (),
) -> Discovery:
    """Read every manifest and record each extension in ``chambering``.

    Valid enabled extensions end in INSTALLED, disabled ones in DISABLED, invalid ones in FAILED with the error.
    ``api_level`` is the SDK's: a manifest asking for a newer one cannot run here.
    """
    found = Discovery()
    candidates: list[tuple[Path, Source, bool]] = [(Path(p), Source.DEV, True) for p in dev]
    if registry is not None:
        candidates += [(registry.root / e.folder, Source.INSTALLED, e.enabled) for e in registry]
    candidates += [(Path(p), Source.BUILTIN, True) for p in builtin]
    for folder, source, enabled in candidates:
        try:
            manifest = load_manifest(folder)
        except ConfigError as exc:
            # No valid id to track it under: the folder name stands in, so the panel can still show it.
            chamber_id = f"{source.value}:{folder.name}"
            chambering.discover(chamber_id)
            chambering.fail(chamber_id, exc)
            found.problems.append(exc)
            continue
        earlier = found.extensions.get(manifest.id)
        if earlier is not None:
            found.problems.append(
                ExtensionError(
                    f"{folder}: extension {manifest.id!r} is also provided by {earlier.folder} ({earlier.source}), "
                    "which wins",
                    hint="Uninstall or remove one of the two copies.",
                    data={"extension": manifest.id, "path": str(folder)},
                )
            )
            continue
        chambering.discover(manifest.id)
        if manifest.api > api_level:
            error = ExtensionError(
                f"{folder}: {manifest.id} needs extension API level {manifest.api}, this Symphony has {api_level}",
                hint="Update Symphony, or install an older version of the extension.",
                data={"extension": manifest.id, "api": manifest.api},
            )
            chambering.fail(manifest.id, error)
            found.problems.append(error)
            continue
        chambering.transition(manifest.id, ChamberState.VALIDATED)
        chambering.transition(manifest.id, ChamberState.INSTALLED if enabled else ChamberState.DISABLED)
        found.extensions[manifest.id] = FoundExtension(manifest, folder, source, enabled)
    return found


__all__ = ["Discovery", "FoundExtension", "Source", "discover"]
