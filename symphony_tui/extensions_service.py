"""The app's glue between the Orchestra Kit (manifests, grants, chambering) and core's extension supervisor.

Core runs hosts without knowing about manifests or the permission store; this module reads the manifests
(skipping invalid ones with their problems kept for the Extensions panel), turns them into ExtensionSpecs,
puts the kit's PermissionGate in front of the core-side API, activates what the workspace wakes at start-up
and mirrors every host status change into chambering, so the panel always shows what happened.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from core.aide.runs_api import PROCESS_DECISIONS, RunsApi
from core.errors import ConfigError, ExtensionError, SymphonyError
from core.extensions import (
    ExtensionApi,
    ExtensionSpec,
    ExtensionStatus,
    HostSupervisor,
    Isolation,
    RestartPolicy,
    UiPort,
)
from core.types.document import DocumentMeta
from extensions.builtin import builtin_folders
from extensions.kit.activation import startup_set
from extensions.kit.chambering import TRANSITIONS, Chambering, ChamberState
from extensions.kit.discovery import Discovery, discover
from extensions.kit.manifest import KeybindingContribution
from extensions.kit.permissions import PermissionGate, PermissionStore, Prompter
from extensions.kit.registry import LocalRegistry
from extensions.kit.spec import spec_from_manifest
from extensions.sdk.api import API_LEVEL, METHODS

RESTART_COMMAND = "extensions.restart"
"""The "Restart extensions" command id."""


def _runs_api() -> RunsApi:
    from core.paths import data_dir, state_dir

    # Where `symphony run` keeps them; decisions reach the runs this process drives (workflows_ui starts them).
    return RunsApi(state_dir() / "runs.db", data_dir() / "artifacts", decisions=PROCESS_DECISIONS)


def capability_table() -> dict[str, str | None]:
    """API method -> capability, from the SDK's one method table (core receives it as data)."""
    return {name: method.capability for name, method in METHODS.items()}


@dataclass(frozen=True, slots=True)
class ContributedCommand:
    """A command an extension adds to the palette."""

    id: str
    title: str
    category: str
    extension_id: str


class ExtensionsService:
    """Discovers extensions, runs them in hosts and keeps chambering in step; one per app."""

    def __init__(
        self,
        *,
        ui: UiPort,
        prompter: Prompter,
        workspace_root: Path | None,
        registry: LocalRegistry | None = None,
        builtin: Iterable[Path] | None = None,
        dev: Iterable[Path] = (),
        grants: PermissionStore | None = None,
        chambering: Chambering | None = None,
        isolation: Isolation = Isolation.SHARED,
        user_settings: Callable[[str], Mapping[str, Any]] | None = None,
        memory_limit_mb: int | None = 2048,
        policy: Callable[[], RestartPolicy] = RestartPolicy,
        disabled: Iterable[str] = (),
    ) -> None:
        self.chambering = chambering or Chambering()
        self.registry = registry
        self.discovery: Discovery = discover(
            chambering=self.chambering,
            api_level=API_LEVEL,
            registry=registry,
            builtin=builtin_folders() if builtin is None else builtin,
            dev=dev,
        )
        self._switch_off(set(disabled))
        self.manifests = {
            ext_id: found.manifest for ext_id, found in self.discovery.extensions.items() if found.enabled
        }
        self._settings_problems: list[SymphonyError] = []
        user_settings = self._checked_settings(user_settings)
        self.gate = PermissionGate(grants or PermissionStore(), prompter)
        self.api = ExtensionApi(
            ui=ui,
            gate=self.gate,
            capabilities=capability_table(),
            workspace_root=workspace_root,
            user_settings=user_settings,
        )
        specs = [
            spec_from_manifest(found.manifest, found.folder)
            for found in self.discovery.extensions.values()
            if found.enabled
        ]
        self.supervisor = HostSupervisor(
            specs, self.api, isolation=isolation, memory_limit_mb=memory_limit_mb, policy=policy
        )
        self.supervisor.on_status(self._mirror)
        self._workspace_files: list[str] = []
        self.runs = _runs_api()
        """Serves ``ctx.runs`` (the Harmony board): the user's run database and artifact store."""
        for method, handler in self.runs.handlers().items():
            self.route(method, handler)

    def _switch_off(self, disabled: set[str]) -> None:
        # Built-ins and dev folders have no registry entry to carry an enabled flag: the app's disabled list does.
        for ext_id in disabled & set(self.discovery.extensions):
            found = self.discovery.extensions[ext_id]
            if found.enabled:
                self.discovery.extensions[ext_id] = replace(found, enabled=False)
                if self.chambering.can(ext_id, ChamberState.DISABLED):
                    self.chambering.transition(ext_id, ChamberState.DISABLED)

    @property
    def problems(self) -> list[SymphonyError]:
        """Invalid manifests, other discovery problems and bad extension settings, for the Extensions panel."""
        return [*self.discovery.problems, *self._settings_problems]

    def _checked_settings(
        self, user_settings: Callable[[str], Mapping[str, Any]] | None
    ) -> Callable[[str], Mapping[str, Any]] | None:
        """``user_settings`` keeping only values that fit the manifests' settings: a wrong value is reported (now,
        for what is set at start-up) and the extension gets its default instead of a value it cannot handle."""
        if user_settings is None:
            return None

        def problems(ext_id: str, values: Mapping[str, Any]) -> dict[str, str]:
            manifest = self.manifests.get(ext_id)
            if manifest is None:
                return {}
            declared = manifest.contributes.settings
            found: dict[str, str] = {}
            for key, value in values.items():
                setting = declared.get(key)
                if setting is None:
                    found[key] = f"{manifest.name} has no setting {key!r} (it has: {', '.join(declared) or 'none'})"
                elif (problem := setting.problem_with(value)) is not None:
                    found[key] = problem
            return found

        for ext_id in self.manifests:
            for key, problem in problems(ext_id, user_settings(ext_id)).items():
                self._settings_problems.append(
                    ConfigError(
                        f'extensions.settings."{ext_id}".{key}: {problem}',
                        hint="Fix or remove it in your settings file; the extension uses its default meanwhile.",
                        data={"extension": ext_id, "key": key},
                    )
                )

        def checked(ext_id: str) -> Mapping[str, Any]:
            values = user_settings(ext_id)
            bad = problems(ext_id, values)
            return {key: value for key, value in values.items() if key not in bad} if bad else values

        return checked

    def commands(self) -> list[ContributedCommand]:
        """Every command enabled extensions contribute, plus "Restart extensions"."""
        found = [
            ContributedCommand(c.id, c.title, c.category, manifest.id)
            for manifest in self.manifests.values()
            for c in manifest.contributes.commands
        ]
        return [*found, ContributedCommand(RESTART_COMMAND, "Restart extensions", "Extensions", "")]

    def keybindings(self) -> list[tuple[str, KeybindingContribution]]:
        """(extension id, binding) for every key enabled extensions contribute."""
        return [(m.id, binding) for m in self.manifests.values() for binding in m.contributes.keybindings]

    def route(self, method: str, handler: Callable[[ExtensionSpec, dict[str, Any]], Awaitable[Any]]) -> None:
        """Serve API method ``method`` (named in the SDK's table, e.g. ``motif.render``) with ``handler(spec,
        params)``; the calling extension is resolved and capability-checked as for every other method."""
        self.api.add_method(method, handler)

    async def restart_host(self, extension_id: str) -> None:
        """Restart the host process running ``extension_id`` (its code is loaded afresh)."""
        self.gate.reset_session(extension_id)
        await self.supervisor.restart_host(extension_id)

    async def start(self, workspace_files: Iterable[str] = ()) -> list[str]:
        """Start the hosts and activate ``onStartup`` and matching ``workspaceContains`` extensions."""
        self._workspace_files = list(workspace_files)
        await self.supervisor.start()
        return await self.supervisor.activate_ids(startup_set(self.manifests.values(), self._workspace_files))

    async def execute_command(self, command_id: str, *args: Any) -> Any:
        """Run a contributed command (or "Restart extensions")."""
        if command_id == RESTART_COMMAND:
            await self.restart()
            return None
        owner = self.supervisor.command_owner(command_id)
        if owner is None:
            return await self.supervisor.execute_command(command_id, *args)
        with self.gate.command_scope(owner):  # "Allow once" answers last for this one command
            return await self.supervisor.execute_command(command_id, *args)

    def fire_event(
        self, name: str, *, document: DocumentMeta | None = None, data: dict[str, Any] | None = None
    ) -> None:
        """Tell extensions about an editor event (never waits)."""
        self.supervisor.fire_event(name, document=document, data=data)

    async def restart(self, workspace_files: Iterable[str] | None = None) -> list[str]:
        """The "Restart extensions" command: forget this session's denials, restart stopped hosts, and re-run
        start-up activation (against ``workspace_files`` if given, else the files ``start`` saw)."""
        if workspace_files is not None:
            self._workspace_files = list(workspace_files)
        for ext_id in self.manifests:
            self.gate.reset_session(ext_id)
        await self.supervisor.restart()
        return await self.supervisor.activate_ids(startup_set(self.manifests.values(), self._workspace_files))

    def metrics(self) -> dict[str, dict[str, Any]]:
        """Per-connection IPC metrics of the extension hosts (``Bus.stats``), for Developer: IPC Statistics."""
        return self.supervisor.bus.stats()

    async def stop(self) -> None:
        """Deactivate extensions and end the hosts (on quit)."""
        await self.supervisor.stop()

    def _mirror(self, ext_id: str, status: ExtensionStatus, error: SymphonyError | None) -> None:
        if status is ExtensionStatus.ACTIVE:
            self._walk(ext_id, ChamberState.ACTIVE)
        elif status is ExtensionStatus.INACTIVE:
            self._walk(ext_id, ChamberState.INSTALLED)
        elif self.chambering.state(ext_id) is not ChamberState.FAILED and self.chambering.can(
            ext_id, ChamberState.FAILED
        ):
            self.chambering.fail(ext_id, error or ExtensionError(f"extension {ext_id} is {status.value}"))

    def _walk(self, ext_id: str, target: ChamberState) -> None:
        # The shortest legal path through the state table, so each step is an event the panel sees.
        start = self.chambering.state(ext_id)
        paths: deque[list[ChamberState]] = deque([[start]])
        seen = {start}
        while paths:
            path = paths.popleft()
            if path[-1] is target:
                for state in path[1:]:
                    self.chambering.transition(ext_id, state)
                return
            for step in sorted(TRANSITIONS[path[-1]] - seen - {ChamberState.FAILED, ChamberState.DISABLED}):
                seen.add(step)
                paths.append([*path, step])


__all__ = [
    "RESTART_COMMAND",
    "ContributedCommand",
    "ExtensionsService",
    "capability_table",
    "spec_from_manifest",
]
