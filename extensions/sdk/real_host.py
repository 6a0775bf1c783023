"""Integration tests of one extension in a real host process, as Symphony runs it.

``real_host(folder)`` starts ``python -m extensions.host`` through core's supervisor, with the extension's
manifest read and checked by the kit and every API call going through core's permission gate, exactly as in the
IDE. The UI is a recording ``HeadlessUi``: documents are real text buffers, dialogs answer from a script, and
notifications, status items, progress and terminal output are kept for assertions. Use the in-process
``ExtensionHarness`` for fast unit tests and this for the last mile (the process boundary, serialisation,
activation events, permissions).

    async with real_host(FOLDER, granted=["fs.read"]) as host:
        host.open_document("hello world")
        assert await host.run_command("my.ext.count") == 2
        assert host.notifications == ["2 words"]
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import SymphonyTimeoutError

if TYPE_CHECKING:
    from core.extensions import ExtensionSpec, ExtensionStatus, HeadlessDocument, HeadlessUi, HostSupervisor
    from extensions.kit.permissions import Decision, PermissionGate, PermissionRequest


class RealHost:
    """One extension running in its own real host; made by :func:`real_host`."""

    def __init__(
        self,
        spec: ExtensionSpec,
        supervisor: HostSupervisor,
        ui: HeadlessUi,
        gate: PermissionGate,
        prompts: list[PermissionRequest],
    ) -> None:
        self.spec = spec
        """The extension as core sees it (from its Symphony.toml)."""
        self.supervisor = supervisor
        """Core's supervisor of the host process (``host_pids()``, ``status``, ``errors``)."""
        self.ui = ui
        """The recording UiPort: ``documents``, ``notifications``, ``status_items``, ``progress_log``, ``terminals``."""
        self.gate = gate
        """Core's permission gate in front of the extension's API calls."""
        self.prompts = prompts
        """Every permission prompt the extension caused, in order."""

    @property
    def id(self) -> str:
        """The extension's id."""
        return self.spec.id

    @property
    def status(self) -> ExtensionStatus:
        """inactive / active / failed / crashed / stopped."""
        return self.supervisor.status[self.spec.id]

    @property
    def notifications(self) -> list[str]:
        """Messages the extension showed, in order."""
        return [message for _, _, message in self.ui.notifications]

    @property
    def status_items(self) -> dict[str, dict[str, Any]]:
        """The extension's status bar items by item id."""
        return {item_id: item for (ext_id, item_id), item in self.ui.status_items.items() if ext_id == self.spec.id}

    async def activate(self, event: str = "onStartup") -> list[str]:
        """Fire an activation event (``onStartup``, ``onLanguage:python`` ...); the ids it activated."""
        return await self.supervisor.activate(event)

    async def run_command(self, command_id: str, *args: Any) -> Any:
        """Run one of the extension's commands as the palette would (activating it first if need be)."""
        return await self.supervisor.execute_command(command_id, *args)

    def open_document(self, text: str = "", *, path: str | None = None, language: str = "text") -> HeadlessDocument:
        """Open and focus a document; tells the extension (``document.opened``, ``editor.active_changed``)."""
        full = None if path is None else Path(path)
        document = self.ui.open_document(text, path=full, language=language)
        self.fire("document.opened", document)
        self.fire("editor.active_changed", document)
        return document

    def type_text(self, text: str, document: HeadlessDocument | None = None) -> None:
        """Append ``text`` to a document as the user would, and fire ``document.changed``."""
        from core.text.change import Change

        target = document or self.ui.document(None)
        buffer = target.buffer
        buffer.apply(Change.from_edits(len(buffer), [(len(buffer), len(buffer), text)]))
        self.fire("document.changed", target)

    def fire(self, event: str, document: HeadlessDocument | None = None, **data: Any) -> None:
        """Send an editor event to the host (it arrives asynchronously: use :meth:`wait_for` to see its effect)."""
        meta = None
        if document is not None:
            meta = document.meta.model_copy(update={"version": document.buffer.version})
        self.supervisor.fire_event(event, document=meta, data=dict(data))

    def text_of(self, document: HeadlessDocument | None = None) -> str:
        """A document's current text (the active one by default)."""
        return (document or self.ui.document(None)).buffer.text

    async def wait_for(self, condition: Callable[[], bool], what: str = "the condition", timeout: float = 10.0) -> None:
        """Wait until ``condition()`` holds, for effects of events (which have no reply); fails naming ``what``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            if loop.time() > deadline:
                raise SymphonyTimeoutError(f"{self.spec.id}: {what} did not happen within {timeout:.0f} s")
            await asyncio.sleep(0.01)


@asynccontextmanager
async def real_host(
    folder: Path | str,
    *,
    workspace: Path | str | None = None,
    granted: Iterable[str] = (),
    decisions: Iterable[Decision | str] = (),
    answers: Iterable[Any] = (),
    commands: Mapping[str, Callable[..., Any]] | None = None,
    settings: Mapping[str, Any] | None = None,
    activate: bool = True,
) -> AsyncIterator[RealHost]:
    """Run the extension in ``folder`` in a real host until the block ends.

    ``granted``: capabilities already allowed for always; ``decisions``: answers to permission prompts in order
    (``allow-once``, ``allow-always``, ``deny``; a prompt with none left is denied); ``answers``: replies to
    quick picks (an index) and input boxes (a string); ``commands``: stand-ins for Symphony's own commands
    (``workbench.openFile`` ...); ``settings``: the user's values for the extension's settings. With
    ``activate``, start-up activation (``onStartup``) has run when the block starts.
    """
    from core.extensions import ExtensionApi, HeadlessUi, HostSupervisor
    from extensions.kit.manifest import Capability, load_manifest
    from extensions.kit.permissions import Decision, PermissionGate, PermissionStore
    from extensions.kit.spec import spec_from_manifest
    from extensions.sdk.api import METHODS

    source = Path(folder).resolve()
    spec = spec_from_manifest(load_manifest(source), source)
    async with AsyncExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="symphony-real-host-")))
        root = Path(workspace).resolve() if workspace is not None else scratch / "workspace"
        root.mkdir(parents=True, exist_ok=True)
        store = PermissionStore(scratch / "permissions.json")
        for capability in granted:
            store.grant(spec.id, Capability(capability))
        scripted = [Decision(d) for d in decisions]
        prompts: list[PermissionRequest] = []

        async def prompter(request: PermissionRequest) -> Decision:
            prompts.append(request)
            return scripted.pop(0) if scripted else Decision.DENY

        ui = HeadlessUi(answers=list(answers))
        for name, handler in (commands or {}).items():
            ui.commands[name] = _as_async(handler)
        gate = PermissionGate(store, prompter)
        user_settings = dict(settings or {})
        api = ExtensionApi(
            ui=ui,
            gate=gate,
            capabilities={name: method.capability for name, method in METHODS.items()},
            workspace_root=root,
            storage_dir=scratch / "storage",
            user_settings=lambda _ext_id: user_settings,
        )
        supervisor = HostSupervisor([spec], api, socket_path=scratch / "host.sock")
        stack.push_async_callback(supervisor.stop)
        await supervisor.start()
        await supervisor.wait_ready()
        if activate:
            await supervisor.activate("onStartup")
        yield RealHost(spec, supervisor, ui, gate, prompts)


def _as_async(handler: Callable[..., Any]) -> Callable[..., Any]:
    async def call(*args: Any) -> Any:
        result = handler(*args)
        return await result if asyncio.iscoroutine(result) else result

    return call


__all__ = ["RealHost", "real_host"]
