"""ConfigService: the app's one owner of settings; loads the layers and reloads them when their files change."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import watchfiles

from core.config.formats import SETTINGS_FILE_NAMES
from core.config.layers import default_config_dir, workspace_settings_dir
from core.config.loader import LoadResult, default_provenance, load_settings
from core.config.schema import Settings
from core.errors import ConfigError

log = logging.getLogger(__name__)

OnChange = Callable[[Settings, list[ConfigError]], Awaitable[None] | None]
"""Called after each reload caused by a file change, with the new settings and problems."""

_RETRY_DELAY = 0.5  # seconds before re-arming a watcher whose directory vanished under it


class ConfigService:
    """Holds the effective settings, where each value came from, and what was wrong with the files."""

    def __init__(
        self, workspace: Path | None, cli_overrides: Mapping[str, Any] | None = None, config_dir: Path | None = None
    ) -> None:
        self.workspace = workspace.absolute() if workspace is not None else None
        """The open workspace (its ``.symphony/settings.*`` is the workspace layer), or None."""
        self.cli_overrides: dict[str, Any] = dict(cli_overrides or {})
        """Dotted key -> value from ``--set`` flags; the highest layer."""
        self.config_dir = (config_dir if config_dir is not None else default_config_dir()).absolute()
        """The user settings directory."""
        self.settings = Settings()
        """The effective settings (built-in defaults until ``load`` runs)."""
        self.problems: list[ConfigError] = []
        """Everything wrong with the layers at the last load; none of it stopped loading."""
        self.provenance: dict[str, str] = default_provenance()
        """Dotted leaf key -> source label (``default``, ``user: PATH``, ``workspace: PATH``, ``cli``)."""
        self.sources: list[Path] = []
        """Settings files that exist and were considered at the last load, in layer order."""
        self.loaded = False
        """Whether ``load`` has run at least once."""

    def load(self) -> Settings:
        """(Re)read every layer and publish the result; never raises for bad files."""
        self._publish(self._read())
        return self.settings

    def _read(self) -> LoadResult:
        return load_settings(self.config_dir, self.workspace, self.cli_overrides)

    def _publish(self, result: LoadResult) -> None:
        self.settings = result.settings
        self.problems = result.problems
        self.provenance = result.provenance
        self.sources = result.sources
        self.loaded = True

    def watch_paths(self) -> list[Path]:
        """The directories whose settings files make up the layers (they may not exist yet)."""
        paths = [self.config_dir]
        if self.workspace is not None:
            paths.append(workspace_settings_dir(self.workspace))
        return paths

    async def watch(
        self,
        on_change: OnChange,
        stop_event: asyncio.Event | None = None,
        *,
        debounce_ms: int = 300,
        force_polling: bool | None = None,
    ) -> None:
        """Reload whenever a settings file is created, changed or deleted, and report to ``on_change``.

        Directories are watched without recursion; a directory that does not exist yet is covered by watching
        its nearest existing ancestor until it appears. Runs until ``stop_event`` is set or the task is
        cancelled. A failing ``on_change`` is logged and watching goes on.
        """
        stop = stop_event or asyncio.Event()
        while not stop.is_set():
            targets = _existing_targets(self.watch_paths())
            try:
                await self._watch_until_moved(targets, on_change, stop, debounce_ms, force_polling)
            except OSError as exc:
                log.debug("settings watcher for %s stopped (%s); re-arming", targets, exc)
                await _sleep_or_stop(stop, _RETRY_DELAY)

    async def _watch_until_moved(
        self,
        targets: list[Path],
        on_change: OnChange,
        stop: asyncio.Event,
        debounce_ms: int,
        force_polling: bool | None,
    ) -> None:
        """Watch ``targets`` until the set of directories to watch changes (or ``stop`` is set)."""
        relevant = relevance_filter(self.watch_paths())
        # A watched directory that is itself deleted or replaced leaves a dead watch behind: re-arm then too.
        watched = {str(form) for target in targets for form in (target, target.resolve())}
        import watchfiles  # deferred: it pulls in multiprocessing, which start-up does not need

        async for changes in watchfiles.awatch(
            *targets,
            watch_filter=relevant,
            debounce=max(debounce_ms, 1),
            stop_event=stop,
            recursive=False,
            force_polling=force_polling,
        ):
            await self._reload(on_change)
            moved = any(path in watched for _, path in changes)
            if moved or _existing_targets(self.watch_paths()) != targets:
                return  # a watched directory appeared, vanished or was replaced: re-arm on the new targets

    async def _reload(self, on_change: OnChange) -> None:
        try:
            result = await asyncio.to_thread(self._read)
        except Exception:
            # Loading reports bad files as problems; an exception here is a bug, and must not end watching.
            log.exception("reloading settings failed")
            return
        self._publish(result)
        try:
            outcome = on_change(self.settings, list(self.problems))
            if inspect.isawaitable(outcome):
                await outcome
        except Exception:
            log.exception("settings change handler failed")


def _existing_targets(wanted: list[Path]) -> list[Path]:
    """For each wanted directory, itself if it exists, else its nearest existing ancestor (deduplicated)."""
    targets: list[Path] = []
    for path in wanted:
        target = path.absolute()
        while not target.is_dir() and target.parent != target:
            target = target.parent
        if target not in targets:
            targets.append(target)
    return targets


def relevance_filter(wanted: list[Path]) -> Callable[[watchfiles.Change, str], bool]:
    """Accept changes to settings files in the wanted directories, or to the directories or their ancestors."""
    # Backends may report symlink-resolved paths (macOS /var -> /private/var), so accept both spellings.
    spellings = {form for directory in wanted for form in (directory.absolute(), directory.resolve())}
    files = {str(directory / name) for directory in spellings for name in SETTINGS_FILE_NAMES}
    chain = {str(ancestor) for directory in spellings for ancestor in (directory, *directory.parents)}

    def relevant(_change: watchfiles.Change, path: str) -> bool:
        return path in files or path in chain

    return relevant


async def _sleep_or_stop(stop: asyncio.Event, delay: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), delay)


__all__ = ["ConfigService", "OnChange"]
