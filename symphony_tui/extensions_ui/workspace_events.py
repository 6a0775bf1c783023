"""Workspace file changes for extensions: ``workspace.files_changed`` events, and ``workspaceContains``
activation when a matching file appears after start-up (as VS Code does).

The watcher runs only while some extension needs it (a host reports handling the event, or an inactive
extension waits on ``workspaceContains``), so a workspace with neither costs no file watches.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from core.errors import SymphonyError

if TYPE_CHECKING:
    from core.workspace.watcher import ChangeBatch
    from symphony_tui.app import SymphonyApp
    from symphony_tui.extensions_service import ExtensionsService

log = logging.getLogger(__name__)

EVENT = "workspace.files_changed"


def needs_watching(service: ExtensionsService) -> bool:
    """Whether any running extension handles file changes or still waits for a workspaceContains file."""
    from core.extensions.spec import ExtensionStatus

    supervisor = service.supervisor
    for ext_id, spec in supervisor.specs.items():
        events = supervisor.host_events(ext_id)
        if events is not None and EVENT in events:
            return True
        waiting = supervisor.status.get(ext_id) is ExtensionStatus.INACTIVE
        if waiting and any(a.startswith("workspaceContains:") for a in spec.activation):
            return True
    return False


class WorkspaceEvents:
    """Feeds workspace changes to one ExtensionsService while it needs them."""

    def __init__(self, app: SymphonyApp, service: ExtensionsService) -> None:
        self.app = app
        self.service = service
        self._stop = asyncio.Event()
        self._running = False

    def ensure(self) -> None:
        """Start watching if the service needs it and no watch runs yet."""
        if self._running or self._stop.is_set() or not needs_watching(self.service):
            return
        self._running = True
        self.app.run_worker(self._watch(), name="extensions-workspace-watch", group="ext-watch", exit_on_error=False)

    def stop(self) -> None:
        """End the watch (the service is stopping)."""
        self._stop.set()

    async def _watch(self) -> None:
        from core.workspace.watcher import WorkspaceWatcher

        s = self.app.settings.explorer
        watcher = WorkspaceWatcher(self.app.workspace, s.exclude, respect_gitignore=s.respect_gitignore)
        try:
            async for batch in watcher.batches(self._stop):
                await self.deliver(batch)
        except Exception:  # the watch failing must not take the editor down
            log.exception("extension workspace watch stopped")
        finally:
            self._running = False

    async def deliver(self, batch: ChangeBatch) -> None:
        """Tell extensions about one batch and wake those whose workspaceContains glob now matches."""
        changes = [{"kind": c.kind.value, "path": c.path} for c in batch.changes]
        if not changes:
            return
        self.service.fire_event(EVENT, data={"paths": [c["path"] for c in changes], "changes": changes})
        added = [c.path for c in batch.changes if c.kind.value != "deleted"]
        if not added:
            return
        from core.extensions.spec import ExtensionStatus
        from extensions.kit.activation import startup_set

        waiting = [
            m
            for ext_id, m in self.service.manifests.items()
            if self.service.supervisor.status.get(ext_id) is ExtensionStatus.INACTIVE
            and any(e.kind == "workspaceContains" for e in m.activation)
        ]
        wake = startup_set(waiting, added)
        if wake:
            try:
                await self.service.supervisor.activate_ids(wake)
            except SymphonyError as exc:
                log.warning("workspaceContains activation failed: %s", exc)


__all__ = ["EVENT", "WorkspaceEvents", "needs_watching"]
