"""ExtensionsController: runs the ExtensionsService inside the app and keeps the workbench in step with it.

It starts the service after the first frame in a worker, registers contributed commands (palette category =
the extension's name) and keybindings, tells extensions about document events, shows discovery problems and
crashes, and stops the hosts when the app ends. The app calls its small ``document_*`` hooks; with extensions
off (tests, ``extensions.enabled = false``) every hook is a no-op and no process is spawned.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import SymphonyError
from core.extensions.restart_policy import RestartPolicy
from core.keymap import Binding
from symphony_tui.extensions_ui.app_ui import AppUi, document_meta

if TYPE_CHECKING:
    from core.extensions.spec import ExtensionStatus
    from symphony_tui.app import SymphonyApp
    from symphony_tui.extensions_service import ExtensionsService
    from symphony_tui.extensions_ui.dev import DevReloader
    from symphony_tui.extensions_ui.workspace_events import WorkspaceEvents
    from symphony_tui.widgets.editor import Editor

log = logging.getLogger(__name__)

SHOW_COMMAND = "extensions.show"
"""Opens the Extensions panel."""


@dataclass(frozen=True)
class ExtensionsOptions:
    """Where extensions come from and how hosts behave; the defaults are what `symphony` uses."""

    builtin: Sequence[Path] | None = None
    """Built-in extension folders (None: the ones shipped with Symphony)."""
    dev: Sequence[Path] = ()
    """Folders loaded as development extensions (``symphony ext dev``); they win over installed copies."""
    use_registry: bool = True
    """Load the extensions installed with ``symphony ext install``."""
    policy: Callable[[], RestartPolicy] = RestartPolicy
    """Restart policy of each host (tests allow more restarts)."""
    grants_path: Path | None = None
    """Where "Always allow" answers are stored (None: the data dir)."""
    disabled_path: Path | None = None
    """Where switched-off built-in and dev extensions are listed (None: the data dir)."""
    watch_dev: bool = True
    """Reload development extensions whenever a file in their folder is saved."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Further ExtensionsService keyword arguments."""


class ExtensionsController:
    """One per app: owns the running ExtensionsService (or none when extensions are off)."""

    def __init__(self, app: SymphonyApp, *, enabled: bool, options: ExtensionsOptions | None = None) -> None:
        self.app = app
        self.requested = enabled
        """Whether the app was asked to run extensions (the `extensions.enabled` setting can still say no)."""
        self.options = options or ExtensionsOptions()
        self.service: ExtensionsService | None = None
        """The running service, once started."""
        self.ui = AppUi(app, names=self.display_name)
        self.started = asyncio.Event()
        """Set once the service has started (or failed to): tests and ``ext dev`` wait on it."""
        self.listeners: list[Callable[[], None]] = []
        """Called after any change the Extensions panel shows (state, grants, problems)."""
        self._commands: list[str] = []
        self._reloading: asyncio.Lock | None = None
        self._stopping = False
        self._applied: tuple[object, ...] = self._host_settings()
        self.workspace_events: WorkspaceEvents | None = None
        """Workspace file changes for the running service, while it needs them."""
        self.dev: DevReloader | None = None
        """Reloads ``ext dev`` folders on save (None without dev folders)."""

    @property
    def enabled(self) -> bool:
        """Whether extensions run in this app."""
        return self.requested and self.app.settings.extensions.enabled

    def display_name(self, extension_id: str) -> str:
        """An extension's name as the UI shows it."""
        service = self.service
        manifest = service.manifests.get(extension_id) if service is not None else None
        return manifest.name if manifest is not None else extension_id

    def defers(self, problem: SymphonyError) -> bool:
        """Whether a keymap problem must wait for extensions: a user binding may name a command that an
        extension contributes once the service has read the manifests (the keymap is checked again then)."""
        pending = self.enabled and self.service is None and not self.started.is_set()
        return pending and problem.data.get("key") == "keybindings" and "value" in problem.data

    # -- lifecycle -----------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the service in a worker (after the first frame); returns at once."""
        if not self.enabled:
            self.started.set()
            return
        self.app.run_worker(self._start(), name="extensions-start", group="extensions", exit_on_error=False)
        if self.options.dev and self.options.watch_dev:
            from symphony_tui.extensions_ui.dev import DevReloader

            self.dev = DevReloader(self.app, [Path(p) for p in self.options.dev])
            self.dev.start()

    async def _start(self) -> None:
        try:
            # ~60 ms of imports (the kit's models, the supervisor): off the UI loop, so typing is not held up.
            await asyncio.to_thread(importlib.import_module, "symphony_tui.extensions_ui.prompter")
            await asyncio.to_thread(importlib.import_module, "symphony_tui.extensions_service")
            service = self._build()
            self.service = service
            self._adopt(service)
            await service.start(await self._workspace_files(service))
            from symphony_tui.extensions_ui.workspace_events import WorkspaceEvents

            self.workspace_events = WorkspaceEvents(self.app, service)
            self.workspace_events.ensure()
            for editor in self.app.editors:  # onLanguage activation and listeners for what is already open
                service.fire_event("document.opened", document=document_meta(editor))
        except SymphonyError as exc:
            log.warning("extensions did not start: %s", exc)
            self.app.notify(f"{exc.message}\n{exc.hint}", title="Extensions did not start", severity="error")
        finally:
            self.started.set()
            self._changed()

    def _build(self) -> ExtensionsService:
        self._applied = self._host_settings()
        from core.extensions.spec import Isolation
        from extensions.kit.disabled import DisabledList
        from extensions.kit.permissions import PermissionStore
        from extensions.kit.registry import LocalRegistry
        from symphony_tui.extensions_service import ExtensionsService
        from symphony_tui.extensions_ui.prompter import DialogPrompter

        settings = self.app.settings.extensions
        options = self.options
        registry = None
        if options.use_registry:
            try:
                registry = LocalRegistry()
            except SymphonyError as exc:  # a broken index must not cost the built-ins
                self._problem(exc)
        return ExtensionsService(
            ui=self.ui,
            prompter=DialogPrompter(self.app),
            workspace_root=self.app.workspace,
            registry=registry,
            builtin=options.builtin,
            dev=[Path(p).resolve() for p in options.dev],
            grants=PermissionStore(options.grants_path),
            isolation=Isolation(settings.isolation),
            user_settings=lambda ext_id: self.app.settings.extensions.settings.get(ext_id, {}),
            memory_limit_mb=settings.memory_limit_mb,
            policy=options.policy,
            disabled=DisabledList(options.disabled_path).ids(),
            **options.extra,
        )

    def _adopt(self, service: ExtensionsService) -> None:
        """Show the service's problems, put its commands and keys in the workbench, follow its changes."""
        for problem in service.problems:
            self._problem(problem)
        commands = self.app.commands
        for contributed in service.commands():
            if contributed.extension_id == "" or contributed.id in commands:
                if contributed.extension_id and contributed.id in commands:
                    log.warning("extension command %s clashes with an existing command", contributed.id)
                continue
            commands.add(
                contributed.id,
                contributed.title,
                self.display_name(contributed.extension_id),
                self._runner(contributed.id),
                source=contributed.extension_id,
            )
            self._commands.append(contributed.id)
        self.app.extension_keybindings = [Binding(binding.key, binding.command) for _, binding in service.keybindings()]
        self.app._apply_keymap()
        service.chambering.subscribe(lambda event: self._changed())
        service.supervisor.on_status(self._status_changed)
        self.app.motifs.attach(service.supervisor, service.api)

    def _runner(self, command_id: str) -> Callable[[], Any]:
        async def run() -> Any:
            service = self.service
            if service is None:
                from core.errors import ExtensionError

                raise ExtensionError(f"extensions are not running; {command_id!r} is unavailable")
            return await service.execute_command(command_id)

        return run

    async def _workspace_files(self, service: ExtensionsService) -> list[str]:
        # Listing the workspace costs a walk of the tree: only when some extension waits on workspaceContains.
        wanted = any(e.kind == "workspaceContains" for m in service.manifests.values() for e in m.activation)
        if not wanted:
            return []
        from core.workspace.listing import iter_workspace_relpaths

        return await asyncio.to_thread(lambda: list(iter_workspace_relpaths(self.app.workspace)))

    async def stop(self) -> None:
        """End the hosts (the app is closing)."""
        self._stopping = True
        if self.dev is not None:
            self.dev.stop()
        self._stop_workspace_events()
        service, self.service = self.service, None
        if service is not None:
            await service.stop()

    async def reload(self) -> None:
        """Stop the service and start a fresh one: manifests and code are read again (enable/disable, ``ext dev``)."""
        if self._reloading is None:
            self._reloading = asyncio.Lock()
        async with self._reloading:
            self._applied = self._host_settings()
            self.started.clear()
            old, self.service = self.service, None
            self._stop_workspace_events()
            if old is not None:
                for ext_id in old.manifests:
                    self.ui.forget_extension(ext_id)
                await old.stop()
            for command_id in self._commands:
                self.app.commands.unregister(command_id)
            self._commands = []
            self.app.extension_keybindings = []
            if self._stopping or not self.enabled:
                self.app._apply_keymap()
                self.started.set()
                self._changed()
                return
            await self._start()

    def _stop_workspace_events(self) -> None:
        if self.workspace_events is not None:
            self.workspace_events.stop()
            self.workspace_events = None

    # -- status --------------------------------------------------------------------------------------------

    def _status_changed(self, extension_id: str, status: ExtensionStatus, error: SymphonyError | None) -> None:
        from core.extensions.spec import ExtensionStatus

        if status in (ExtensionStatus.CRASHED, ExtensionStatus.STOPPED, ExtensionStatus.FAILED):
            self.ui.forget_extension(extension_id)
        if self.workspace_events is not None:
            self.workspace_events.ensure()  # a newly active extension may handle file changes
        if status is ExtensionStatus.STOPPED and error is not None:
            self.app.notify(
                f"{self.display_name(extension_id)}: {error.message}\n{error.hint}",
                title="Extension stopped",
                severity="error",
                timeout=12,
            )
        elif status is ExtensionStatus.FAILED and error is not None:
            self.app.notify(
                f"{self.display_name(extension_id)}: {error.message}",
                title="Extension failed",
                severity="error",
                timeout=10,
            )
        self._changed()

    def _problem(self, problem: SymphonyError) -> None:
        log.warning("extension problem: %s", problem.message, extra={"code": problem.name})
        self.app.notify(f"{problem.message}\n{problem.hint}", title="Extension problem", severity="error", timeout=12)

    def changed(self) -> None:
        """Tell the listeners (the Extensions panel) that something they show changed."""
        self._changed()

    def _changed(self) -> None:
        for listener in list(self.listeners):
            try:
                listener()
            except Exception:
                log.exception("extensions listener failed")

    # -- document events (hooks the app calls) -------------------------------------------------------------

    def _fire(self, name: str, editor: Editor | None) -> None:
        service = self.service
        if service is not None:
            service.fire_event(name, document=None if editor is None else document_meta(editor))

    def document_opened(self, editor: Editor) -> None:
        """A document was opened in a tab."""
        self._fire("document.opened", editor)

    def document_changed(self, editor: Editor) -> None:
        """A document's text changed."""
        self._fire("document.changed", editor)

    def document_saved(self, editor: Editor) -> None:
        """A document was written to disk."""
        self._fire("document.saved", editor)

    def document_closed(self, editor: Editor) -> None:
        """A document's tab is closing."""
        self._fire("document.closed", editor)

    def active_changed(self, editor: Editor | None) -> None:
        """Another tab (or none) became the active editor."""
        self._fire("editor.active_changed", editor)

    def selection_changed(self, editor: Editor) -> None:
        """The active editor's cursors or selections moved (the event carries them, primary first)."""
        service = self.service
        if service is not None:
            selections = [
                {"anchor": {"line": s.start[0], "column": s.start[1]}, "head": {"line": s.end[0], "column": s.end[1]}}
                for s in editor.all_selections
            ]
            service.fire_event(
                "editor.selection_changed", document=document_meta(editor), data={"selections": selections}
            )

    def settings_changed(self) -> None:
        """Settings were reloaded: restart the hosts if how they run changed, else tell extensions."""
        if not self.requested:
            return
        if self._host_settings() != self._applied:
            self.app.run_worker(self.reload(), name="extensions-reload", group="extensions", exit_on_error=False)
            return
        service = self.service
        if service is not None:
            service.fire_event("settings.changed")

    def _host_settings(self) -> tuple[object, ...]:
        s = self.app.settings.extensions
        return (s.enabled, s.isolation, s.memory_limit_mb)


__all__ = ["SHOW_COMMAND", "ExtensionsController", "ExtensionsOptions"]
