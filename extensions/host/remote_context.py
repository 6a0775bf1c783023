"""The ``ctx`` an extension gets inside the host: every call is an ``ext/*`` request to core.

Implements ``extensions.sdk.context.Context``. Calls carry the extension's id; core checks the capability and
answers, or raises PermissionDeniedError, which reaches the extension as the same exception class.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, Literal

from core.ipc.peer import RpcPeer
from core.types.base import new_entity_id
from core.types.document import DocumentMeta
from core.types.text import TextEdit
from extensions.sdk.api import METHODS
from extensions.sdk.context import NotifyLevel, Progress, QuickPickItem, Selection
from extensions.sdk.motif import Motif


class _Api:
    def __init__(self, peer: RpcPeer, extension_id: str) -> None:
        self._peer = peer
        self._extension_id = extension_id

    async def _call(self, method: str, **params: Any) -> Any:
        params["extension"] = self._extension_id
        return await self._peer.request(METHODS[method].rpc_name, params)


class _Workspace(_Api):
    async def list_files(self, folder: str = "") -> list[str]:
        return list(await self._call("workspace.list_files", folder=folder))

    async def find_files(self, glob: str, *, limit: int = 1000) -> list[str]:
        return list(await self._call("workspace.find_files", glob=glob, limit=limit))

    async def read_text(self, path: str) -> str:
        return str(await self._call("workspace.read_text", path=path))

    async def write_text(self, path: str, text: str) -> None:
        await self._call("workspace.write_text", path=path, text=text)


class _Editor(_Api):
    async def active_document(self) -> DocumentMeta | None:
        raw = await self._call("editor.active_document")
        return None if raw is None else DocumentMeta.model_validate(raw)

    async def get_text(self, document_id: str | None = None) -> str:
        return str(await self._call("editor.get_text", document_id=document_id))

    async def get_selections(self, document_id: str | None = None) -> list[Selection]:
        raw = await self._call("editor.get_selections", document_id=document_id)
        return [Selection.model_validate(s) for s in raw]

    async def apply_edits(self, edits: Sequence[TextEdit], *, document_id: str | None = None) -> int:
        payload = [e.model_dump(mode="json") for e in edits]
        return int(await self._call("editor.apply_edits", edits=payload, document_id=document_id))


class _RemoteProgress(_Api):
    def __init__(self, peer: RpcPeer, extension_id: str, title: str) -> None:
        super().__init__(peer, extension_id)
        self.title = title
        self.progress_id = new_entity_id("progress-")

    async def report(self, message: str = "", fraction: float | None = None, *, done: bool = False) -> None:
        await self._call(
            "window.progress",
            progress_id=self.progress_id,
            title=self.title,
            message=message,
            fraction=fraction,
            done=done,
        )


class _Window(_Api):
    async def notify(self, message: str, *, level: NotifyLevel = "info") -> None:
        await self._call("window.notify", message=message, level=level)

    async def quick_pick(
        self, items: Sequence[str | QuickPickItem], *, title: str = "", placeholder: str = ""
    ) -> Any | None:
        shown = [QuickPickItem(label=i) if isinstance(i, str) else i for i in items]
        # Values stay here: only labels cross to the UI, which answers with an index.
        index = await self._call(
            "window.quick_pick",
            items=[{"label": i.label, "description": i.description} for i in shown],
            title=title,
            placeholder=placeholder,
        )
        if index is None:
            return None
        chosen = shown[int(index)]
        return chosen.value if chosen.value is not None else chosen.label

    async def input_box(self, *, prompt: str = "", value: str = "", placeholder: str = "") -> str | None:
        answer = await self._call("window.input_box", prompt=prompt, value=value, placeholder=placeholder)
        return None if answer is None else str(answer)

    @asynccontextmanager
    async def progress(self, title: str) -> AsyncIterator[Progress]:
        reporter = _RemoteProgress(self._peer, self._extension_id, title)
        await reporter.report("started")
        try:
            yield reporter
        finally:
            await reporter.report("done", 1.0, done=True)


class _StatusBar(_Api):
    async def set_item(
        self,
        item_id: str,
        text: str,
        *,
        tooltip: str = "",
        command: str | None = None,
        alignment: Literal["left", "right"] = "right",
        priority: int = 0,
    ) -> None:
        await self._call(
            "status_bar.set_item",
            item_id=item_id,
            text=text,
            tooltip=tooltip,
            command=command,
            alignment=alignment,
            priority=priority,
        )

    async def remove_item(self, item_id: str) -> None:
        await self._call("status_bar.remove_item", item_id=item_id)


class _Settings(_Api):
    async def get(self, key: str, default: Any = None) -> Any:
        return await self._call("settings.get", key=key, default=default)


class _Storage(_Api):
    async def get(self, key: str, default: Any = None) -> Any:
        return await self._call("storage.get", key=key, default=default)

    async def set(self, key: str, value: Any) -> None:
        await self._call("storage.set", key=key, value=value)

    async def delete(self, key: str) -> None:
        await self._call("storage.delete", key=key)

    async def keys(self) -> list[str]:
        return list(await self._call("storage.keys"))


class _Terminal(_Api):
    async def create(self, *, name: str, cwd: str | None = None) -> str:
        return str(await self._call("terminal.create", name=name, cwd=cwd))

    async def write(self, terminal_id: str, text: str) -> None:
        await self._call("terminal.write", terminal_id=terminal_id, text=text)


class _Commands(_Api):
    async def execute(self, command_id: str, *args: Any) -> Any:
        return await self._call("commands.execute", command_id=command_id, args=list(args))


class _RemoteMotifView(_Api):
    """Where a Motif's renders and patches go inside the host: ``ext/motif.render`` / ``ext/motif.patch``."""

    async def render(self, params: dict[str, Any]) -> None:
        await self._call("motif.render", **params)

    async def patch(self, params: dict[str, Any]) -> None:
        await self._call("motif.patch", **params)


class _Motifs(_Api):
    def __init__(self, peer: RpcPeer, extension_id: str) -> None:
        super().__init__(peer, extension_id)
        self._shown: dict[str, Motif] = {}

    async def show(self, motif: Motif) -> None:
        motif.view = _RemoteMotifView(self._peer, self._extension_id)
        self._shown[motif.id] = motif
        await motif.show()

    def shown(self, motif_id: str) -> Motif | None:
        return self._shown.get(motif_id)

    def closed(self, motif_id: str) -> None:
        """The user closed the Motif: forget it (its later patches would go nowhere)."""
        motif = self._shown.pop(motif_id, None)
        if motif is not None:
            motif.view = None


class _Ipc(_Api):
    async def metrics(self) -> dict[str, dict[str, Any]]:
        return dict(await self._call("ipc.metrics"))


class _CoreLogHandler(logging.Handler):
    """Sends an extension's log records to core (``log.write``) without waiting for an answer."""

    def __init__(self, peer: RpcPeer, extension_id: str) -> None:
        super().__init__()
        self._peer = peer
        self._extension_id = extension_id
        self._loop = asyncio.get_running_loop()
        self._tasks: set[asyncio.Task[Any]] = set()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = self.format(record)
        except Exception:
            self.handleError(record)
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            self._send(record.levelno, message)
        else:  # logged from a worker thread
            self._loop.call_soon_threadsafe(self._send, record.levelno, message)

    def _send(self, level: int, message: str) -> None:
        if not self._peer.is_open:
            return
        params = {"extension": self._extension_id, "level": level, "message": message}
        task = asyncio.ensure_future(self._peer.request(METHODS["log.write"].rpc_name, params))
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled():
            task.exception()  # a lost log line is not worth an "exception never retrieved" warning


class _Runs(_Api):
    async def recent(self, limit: int = 20) -> list[dict[str, Any]]:
        return list(await self._call("runs.recent", limit=limit))

    async def get(self, run_id: str) -> dict[str, Any]:
        return dict(await self._call("runs.get", run_id=run_id))

    async def logs(self, run_id: str, node: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        return list(await self._call("runs.logs", run_id=run_id, node=node, limit=limit))

    async def decide(self, run_id: str, node: str, action: str, comment: str = "") -> None:
        await self._call("runs.decide", run_id=run_id, node=node, action=action, comment=comment)

    async def search_artifacts(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        return list(await self._call("runs.search_artifacts", query=query, limit=limit))


class RemoteContext:
    """``ctx`` for one extension in the host (implements extensions.sdk.context.Context)."""

    def __init__(self, peer: RpcPeer, extension_id: str) -> None:
        self._extension_id = extension_id
        self.workspace = _Workspace(peer, extension_id)
        self.editor = _Editor(peer, extension_id)
        self.window = _Window(peer, extension_id)
        self.status_bar = _StatusBar(peer, extension_id)
        self.settings = _Settings(peer, extension_id)
        self.storage = _Storage(peer, extension_id)
        self.terminal = _Terminal(peer, extension_id)
        self.commands = _Commands(peer, extension_id)
        self.motif = _Motifs(peer, extension_id)
        self.ipc = _Ipc(peer, extension_id)
        self.runs = _Runs(peer, extension_id)
        self.log = logging.getLogger(f"symphony.ext.{extension_id}")
        self.log.propagate = False
        self.log.handlers = [_CoreLogHandler(peer, extension_id)]
        self.log.setLevel(logging.INFO)

    @property
    def extension_id(self) -> str:
        """The extension's id."""
        return self._extension_id


__all__ = ["RemoteContext"]
