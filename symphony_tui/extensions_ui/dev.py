"""``symphony ext dev DIR``: run an extension from its folder and reload it every time a file in it is saved.

The IDE starts with DIR as a development extension (it wins over an installed copy of the same id). A watcher
on DIR reacts to each settled batch of saves: a changed Symphony.toml re-reads every manifest (commands, keys and
activation may have changed), any other change restarts the host running the extension, so its code is
imported afresh; either way the user gets a notification saying what was reloaded, or why it could not be.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import SymphonyError

if TYPE_CHECKING:
    from symphony_tui.app import SymphonyApp

log = logging.getLogger(__name__)

MANIFEST = "Symphony.toml"
_IGNORED_PARTS = ("__pycache__", ".git", ".pytest_cache", ".mypy_cache", ".ruff_cache")
_IGNORED_SUFFIXES = (".pyc", ".pyo", ".swp", ".swx", "~", ".tmp")


def relevant(path: Path) -> bool:
    """Whether a change to ``path`` inside a dev folder should reload the extension (caches and editor
    droppings should not)."""
    if any(part in _IGNORED_PARTS for part in path.parts):
        return False
    return not path.name.endswith(_IGNORED_SUFFIXES) and not path.name.startswith(".#")


def _filter(_change: object, raw: str) -> bool:
    return relevant(Path(raw))


class DevReloader:
    """Watches development extension folders and reloads their extensions in the running app."""

    def __init__(self, app: SymphonyApp, folders: list[Path], *, debounce_ms: int = 200) -> None:
        self.app = app
        self.folders = [folder.resolve() for folder in folders]
        self.debounce_ms = debounce_ms
        self.reloads = 0
        """How many reloads have completed (tests wait on it)."""
        self.on_reload: list[Callable[[], None]] = []
        self._stop = asyncio.Event()

    def start(self) -> None:
        """Watch in a worker until :meth:`stop`."""
        if self.folders:
            self.app.run_worker(self._watch(), name="ext-dev-watch", group="ext-dev", exit_on_error=False)

    def stop(self) -> None:
        """End the watch."""
        self._stop.set()

    async def _watch(self) -> None:
        import watchfiles  # deferred like the settings watcher: it pulls in multiprocessing

        try:
            async for changes in watchfiles.awatch(
                *self.folders, watch_filter=_filter, debounce=self.debounce_ms, stop_event=self._stop
            ):
                await self.reload({Path(path) for _, path in changes})
        except Exception:  # a dead watcher must not take the editor down; say so instead
            log.exception("ext dev watcher stopped")
            self.app.notify("Reloading on save stopped; see the log.", title="ext dev", severity="warning")

    async def reload(self, changed: set[Path]) -> None:
        """Reload after ``changed`` files were saved: manifests again if one changed, else restart the host."""
        controller = self.app.extensions
        await controller.started.wait()
        # Editors save through temp files that are gone by now; name only what is still there (or was deleted).
        shown = [p for p in changed if p.exists() or p.name == MANIFEST or p.suffix == ".py"]
        names = ", ".join(sorted({p.name for p in shown})) or "files"
        self._drop_bytecode()
        try:
            service = controller.service
            manifest_changed = any(p.name == MANIFEST for p in changed)
            targets = self._extension_ids()
            if manifest_changed or service is None or not targets:
                await controller.reload()
            else:
                restarted: set[str] = set()
                for ext_id in targets:  # one restart per host, even when several dev extensions share it
                    host = service.supervisor.host_identity(ext_id)
                    if host not in restarted:
                        restarted.add(host)
                        await service.restart_host(ext_id)
                await service.supervisor.wait_ready()
                # Active ones are re-activated by the new host; a start-up extension whose last version failed
                # must be woken again here.
                await service.supervisor.activate_ids(
                    [i for i in targets if service.supervisor.specs[i].wakes_on("onStartup")]
                )
        except SymphonyError as exc:
            self.app.notify(f"{exc.message}\n{exc.hint}", title="ext dev: reload failed", severity="error")
            return
        finally:
            self.reloads += 1
            for listener in list(self.on_reload):
                listener()
        shown = ", ".join(controller.display_name(i) for i in self._extension_ids()) or "extension"
        self.app.notify(f"Reloaded {shown} after saving {names}.", title="ext dev", timeout=4)

    def _drop_bytecode(self) -> None:
        # Python trusts a cached .pyc whose source has the same size and mtime second: a quick same-length edit
        # would reload the old code. The folders are the author's own, so their caches can simply go.
        for folder in self.folders:
            for cache in folder.rglob("__pycache__"):
                shutil.rmtree(cache, ignore_errors=True)

    def _extension_ids(self) -> list[str]:
        service = self.app.extensions.service
        if service is None:
            return []
        return [
            ext_id
            for ext_id, found in service.discovery.extensions.items()
            if found.enabled and found.folder.resolve() in self.folders and ext_id in service.supervisor.specs
        ]


__all__ = ["DevReloader", "relevant"]
