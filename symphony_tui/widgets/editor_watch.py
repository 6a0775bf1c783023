"""Notice when an open file changes on disk: reload a clean buffer, ask about a dirty one, mark a deleted one.

Each editor watches its file's folder (not the file: other editors save by renaming a new file over the old one,
which would leave a watch on the file pointing at a dead inode). The watch is a plain asyncio task, not a Textual
worker, so waiting for "background work to finish" never waits on a watch that runs for the editor's lifetime.
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import logging
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

WATCH_DEBOUNCE_MS = 50
"""How long watchfiles gathers events before reporting (a save is often several events)."""


class FileWatch:
    """Calls ``on_change`` (on the event loop) whenever ``path`` is created, modified or deleted."""

    def __init__(self, path: Path, on_change: Callable[[], None], *, debounce_ms: int = WATCH_DEBOUNCE_MS) -> None:
        self.path = path
        """The watched file."""
        self._on_change = on_change
        self._debounce_ms = debounce_ms
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()
        """Set once the OS watch is in place (tests wait for it before touching the file)."""

    def start(self) -> None:
        """Begin watching (idempotent)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name=f"watch {self.path}")

    async def stop(self) -> None:
        """Stop watching and wait for the task to end."""
        self._stop.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None

    async def _run(self) -> None:
        import watchfiles  # deferred: it is not needed for the first frame

        target = self.path.absolute()
        names = {str(target), str(target.resolve())}
        folder = target.parent
        while not self._stop.is_set():
            if not folder.is_dir():
                await asyncio.sleep(0.5)  # the folder itself is gone; look again later
                continue
            try:
                watcher = watchfiles.awatch(
                    folder,
                    watch_filter=lambda _change, changed: changed in names,
                    debounce=self._debounce_ms,
                    step=10,
                    stop_event=self._stop,
                    recursive=False,
                    yield_on_timeout=True,
                    rust_timeout=200,
                )
                async for changes in watcher:
                    self.ready.set()
                    if changes:
                        self._on_change()
            except asyncio.CancelledError:
                raise
            except Exception:  # a failing watch must never take the editor down; try again shortly
                log.exception("watching %s failed", self.path)
                await asyncio.sleep(1.0)


def unified_diff(mine: str, theirs: str, name: str, *, limit: int = 60) -> str:
    """A short unified diff from the buffer to the disk version, for the conflict prompt's Compare."""
    lines = list(
        difflib.unified_diff(
            mine.splitlines(), theirs.splitlines(), f"{name} (yours)", f"{name} (on disk)", lineterm="", n=1
        )
    )
    if len(lines) > limit:
        lines = [*lines[:limit], f"… {len(lines) - limit} more lines"]
    return "\n".join(lines) or "(no differences in the text)"
