"""What core knows about an extension it runs: a manifest reduced to data, since core never imports the kit.

The app builds these from validated Symphony.toml manifests (``extensions.kit``) and hands them to the
supervisor, which passes them to the host over IPC.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from core.types.base import EntityId, FrozenModel


class Isolation(StrEnum):
    """How extensions share host processes."""

    SHARED = "shared"
    """One host runs every extension (the default: cheapest start-up)."""
    PER_EXTENSION = "per-extension"
    """Each extension gets its own host, so one crash takes down only that extension."""


class ExtensionStatus(StrEnum):
    """What the UI shows for an extension the supervisor runs."""

    INACTIVE = "inactive"
    """Known, not loaded yet: no activation event has fired."""
    ACTIVE = "active"
    """Loaded and activated in a running host."""
    FAILED = "failed"
    """Its own code failed to load or activate; other extensions are unaffected."""
    CRASHED = "crashed"
    """Its host died, hung or ran out of memory; a restart is scheduled."""
    STOPPED = "stopped"
    """Its host crashed too often; it stays down until the "Restart extensions" command."""


class ExtensionSpec(FrozenModel):
    """The parts of a manifest the host and core's permission checks need."""

    id: EntityId
    name: str
    folder: str
    """Absolute path of the extension folder."""
    entry: str
    """``module:Class`` relative to ``folder``."""
    activation: tuple[str, ...] = ()
    """Activation events as written in Symphony.toml (``onStartup``, ``onCommand:ID`` ...)."""
    capabilities: tuple[str, ...] = ()
    """Capabilities the manifest declares; anything else is refused without asking."""
    dependencies: tuple[EntityId, ...] = ()
    """Ids of extensions that must be active first."""
    commands: tuple[EntityId, ...] = ()
    """Command ids from ``contributes.commands``."""
    settings: dict[str, Any] = {}
    """Setting name -> manifest default."""
    motifs: dict[str, dict[str, str]] = {}
    """Contributed Motif id -> ``{"title": ..., "location": sidebar | panel | editor | statusbar | modal}``."""

    def wakes_on(self, event: str) -> bool:
        """Whether activation ``event`` (``onCommand:x.run``, ``onStartup`` ...) activates this extension."""
        return event in self.activation or (event == "onStartup" and "*" in self.activation)


__all__ = ["ExtensionSpec", "ExtensionStatus", "Isolation"]
