"""The one object the rest of Symphony talks to about language servers.

The editor reports open/change/save/close for every document; the manager picks the server for each (settings,
then defaults found on PATH), starts it in the background on first use, and routes later calls to it. The UI
subscribes to :attr:`LanguageServerManager.events` and reads :attr:`LanguageServerManager.diagnostics`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from lsprotocol import types as lsp

from core import paths
from core.errors import NotFoundError, SymphonyError
from core.lsp.client import ApplyEdit, LanguageServerClient
from core.lsp.diagnostics import DiagnosticStore
from core.lsp.edits import to_core_edits
from core.lsp.events import EventEmitter, ServerMissing, Subscriber
from core.lsp.registry import Which, choose_server
from core.lsp.settings import LspSettings
from core.lsp.uris import path_to_uri, uri_to_path
from core.types.text import TextEdit

log = logging.getLogger(__name__)


class LanguageServerManager:
    """Routes documents to language servers, starting each server once and supervising it."""

    def __init__(
        self,
        settings: LspSettings,
        root: Path,
        *,
        log_dir: Path | None = None,
        apply_edit: ApplyEdit | None = None,
        which: Which = shutil.which,
    ) -> None:
        self.settings = settings
        self.root = root
        """The workspace folder every server is started in."""
        self.log_dir = log_dir if log_dir is not None else paths.log_dir() / "lsp"
        """Where each server's ``NAME.log`` (stderr and log messages) is written."""
        self.events = EventEmitter()
        """LSP events for the UI: server state, missing servers, diagnostics, server messages."""
        self.diagnostics = DiagnosticStore(self.events)
        """Diagnostics across all files and servers (Problems panel, status bar counts)."""
        self._apply_edit = apply_edit
        self._which = which
        self._servers: dict[str, LanguageServerClient] = {}
        self._starting: dict[str, asyncio.Task[None]] = {}
        self._routes: dict[str, str] = {}
        self._missing_reported: set[str] = set()

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Shorthand for ``events.subscribe``."""
        return self.events.subscribe(subscriber)

    @property
    def servers(self) -> list[LanguageServerClient]:
        """Servers started so far (running, restarting or failed)."""
        return list(self._servers.values())

    def log_paths(self) -> dict[str, Path]:
        """Each started server's log file, for the palette's 'Show language server log'."""
        return {name: server.log_path for name, server in self._servers.items()}

    def server_for(self, uri: str) -> LanguageServerClient | None:
        """The server a document was routed to (None if it has none)."""
        name = self._routes.get(uri)
        return self._servers.get(name) if name is not None else None

    # ------------------------------------------------------------------ documents

    async def open(self, path_or_uri: Path | str, language_id: str, version: int, text: str) -> str:
        """Route a newly opened document to its server (starting that in the background); returns its URI."""
        uri = path_or_uri if isinstance(path_or_uri, str) else path_to_uri(path_or_uri)
        if not self.settings.enabled:
            return uri
        server = self._server_for_document(uri, language_id)
        if server is None:
            return uri
        self._routes[uri] = server.name
        await server.open(uri, language_id, version, text)
        return uri

    async def change(self, uri: str, version: int, edits: Sequence[TextEdit]) -> None:
        """Forward an edit; pending completion/hover requests for the document are cancelled."""
        self.send_change(uri, version, edits)

    def send_change(self, uri: str, version: int, edits: Sequence[TextEdit]) -> None:
        """:meth:`change`, written to the server before returning."""
        server = self.server_for(uri)
        if server is not None:
            server.send_change(uri, version, edits)

    async def save(self, uri: str) -> None:
        """Forward a save."""
        server = self.server_for(uri)
        if server is not None:
            await server.save(uri)

    async def close(self, uri: str) -> None:
        """Forward a close; the document's diagnostics disappear with it."""
        server = self.server_for(uri)
        self._routes.pop(uri, None)
        if server is not None:
            await server.close(uri)

    async def ready(self, uri: str, timeout: float | None = None) -> LanguageServerClient | None:
        """Wait until the server of ``uri`` is running; None if the document has no server or it failed to start."""
        server = self.server_for(uri)
        if server is None:
            return None
        task = self._starting.get(server.name)
        if task is not None:
            with contextlib.suppress(SymphonyError):
                await asyncio.wait_for(asyncio.shield(task), timeout)
        if server.pid is None:
            return None
        return server

    async def apply_settings(self, settings: LspSettings) -> None:
        """Take new settings (a config reload): restart servers whose spec changed, stop disabled ones, and move
        open documents to whichever server now serves them, reopening them there with their current text."""
        self.settings = settings
        specs = settings.resolved_servers()
        open_documents = []
        for uri, name in self._routes.items():
            mirror = self._servers[name].documents.get(uri) if name in self._servers else None
            if mirror is not None:
                open_documents.append((uri, name, mirror.language_id, mirror.version, mirror.text))
        for name, server in list(self._servers.items()):
            if not settings.enabled or specs.get(name) != server.spec:
                await self._retire(name)
            else:
                server.settings = settings
        for uri, name, language_id, version, text in open_documents:
            if name in self._servers and self._route_name(uri, language_id) == name:
                continue
            self._routes.pop(uri, None)
            current = self._servers.get(name)
            if current is not None:
                await current.close(uri)
            await self.open(uri, language_id, version, text)

    async def _retire(self, name: str) -> None:
        task = self._starting.pop(name, None)
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        server = self._servers.pop(name)
        await server.stop()
        self.diagnostics.clear_server(name)
        self._missing_reported.discard(name)

    def _route_name(self, uri: str, language_id: str) -> str | None:
        file_name = uri_to_path(uri).name if uri.startswith("file:") else uri.rsplit("/", 1)[-1]
        choice = choose_server(self.settings, language=language_id, file_name=file_name, which=self._which)
        return choice.name if choice is not None and choice.argv is not None else None

    async def format_on_save(
        self, uri: str, *, tab_size: int = 4, insert_spaces: bool = True, timeout: float = 2.0
    ) -> list[TextEdit]:
        """Edits to apply before saving ``uri`` (last-first, code points) when ``lsp.format_on_save`` is on.

        Returns [] when the setting is off, the document has no running server, or the server fails or is slower
        than ``timeout``: a save is never refused or held up for long because of formatting.
        """
        if not self.settings.format_on_save:
            return []
        server = self.server_for(uri)
        if server is None or server.pid is None or uri not in server.documents:
            return []
        try:
            edits = await server.formatting(uri, tab_size=tab_size, insert_spaces=insert_spaces, timeout=timeout)
            return to_core_edits(server.documents[uri].text, edits, server.encoding)
        except SymphonyError as exc:
            log.info("format on save skipped for %s: %s", uri, exc)
            return []

    async def workspace_symbols(self, query: str) -> list[lsp.SymbolInformation | lsp.WorkspaceSymbol]:
        """Workspace symbols from every running server (a failing server contributes nothing)."""
        running = [server for server in self._servers.values() if server.pid is not None]
        answers = await asyncio.gather(*(server.workspace_symbols(query) for server in running), return_exceptions=True)
        symbols: list[lsp.SymbolInformation | lsp.WorkspaceSymbol] = []
        for server, answer in zip(running, answers, strict=True):
            if isinstance(answer, BaseException):
                log.info("workspace symbols from %s failed: %s", server.name, answer)
                continue
            symbols.extend(answer)
        return symbols

    async def shutdown(self) -> None:
        """Stop every server (shutdown/exit, then kill stragglers)."""
        for task in self._starting.values():
            task.cancel()
        await asyncio.gather(*self._starting.values(), return_exceptions=True)
        self._starting.clear()
        await asyncio.gather(*(server.stop() for server in self._servers.values()), return_exceptions=True)
        self._servers.clear()
        self._routes.clear()

    # ------------------------------------------------------------------ internals

    def _server_for_document(self, uri: str, language_id: str) -> LanguageServerClient | None:
        file_name = uri_to_path(uri).name if uri.startswith("file:") else uri.rsplit("/", 1)[-1]
        choice = choose_server(self.settings, language=language_id, file_name=file_name, which=self._which)
        if choice is None:
            return None
        if choice.name in self._servers:
            return self._servers[choice.name]
        if choice.argv is None:
            if choice.name not in self._missing_reported:
                self._missing_reported.add(choice.name)
                self.events.emit(
                    ServerMissing(
                        server=choice.name,
                        language=language_id,
                        command=choice.spec.command[0],
                        hint=choice.spec.install_hint or f"Install {choice.spec.command[0]}.",
                    )
                )
            return None
        server = LanguageServerClient(
            choice.name,
            choice.spec,
            choice.argv,
            root=self.root,
            settings=self.settings,
            events=self.events,
            diagnostics=self.diagnostics,
            log_path=self.log_dir / f"{choice.name}.log",
            apply_edit=self._apply_edit,
        )
        self._servers[choice.name] = server
        self._starting[choice.name] = asyncio.create_task(self._start(server), name=f"lsp-start-{choice.name}")
        return server

    async def _start(self, server: LanguageServerClient) -> None:
        try:
            await server.start()
        except NotFoundError as exc:
            # Found at lookup but gone at start (uninstalled meanwhile): same one-time notice as a missing server.
            if server.name not in self._missing_reported:
                self._missing_reported.add(server.name)
                self.events.emit(ServerMissing(server=server.name, language="", command=server.argv[0], hint=exc.hint))
        except SymphonyError as exc:
            log.warning("language server %s failed to start: %s", server.name, exc)
        finally:
            self._starting.pop(server.name, None)


__all__ = ["LanguageServerManager"]
