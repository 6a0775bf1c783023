"""One configured language server: its process, the documents it knows and every request Symphony makes of it.

A :class:`LanguageServerClient` outlives the server processes it runs. Each process lifetime is a session (a
pygls client over the process's stdio); when a session's process dies unexpectedly, the client restarts it with
backoff, reopens every document from its mirrors and lets the server republish diagnostics. Requests never block
typing: document changes are notifications, requests have deadlines, and an edit cancels pending requests whose
answers it makes useless.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import itertools
import logging
import os
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcContentModified, JsonRpcException, JsonRpcRequestCancelled
from pygls.lsp.client import LanguageClient
from pygls.protocol import default_converter

from core.errors import (
    NotFoundError,
    ProtocolError,
    SymphonyError,
    SymphonyIOError,
    SymphonyTimeoutError,
    TransportError,
)
from core.lsp.backoff import RestartBackoff
from core.lsp.capabilities import client_capabilities
from core.lsp.diagnostics import DiagnosticStore
from core.lsp.errors import StaleResponseError
from core.lsp.events import EventEmitter, ServerMessage, ServerState, ServerStateChanged
from core.lsp.features import CAPABILITY_METHODS, FeatureRequests
from core.lsp.mirror import DocumentMirror
from core.lsp.positions import Encoding, from_units, line_content, normalize_encoding, split_lines
from core.lsp.protocol import TolerantProtocol, UntypedResult, read_messages, salvage_initialize_result
from core.lsp.settings import LspSettings, ServerSpec
from core.lsp.uris import path_to_uri, uri_to_path
from core.types.text import Position, Range, TextEdit

log = logging.getLogger(__name__)

ApplyEdit = Callable[[lsp.WorkspaceEdit], Awaitable[bool]]
"""Asks the editor to apply a server-initiated workspace edit (workspace/applyEdit); returns whether it did."""

_T = TypeVar("_T")

CLIENT_NAME = "symphony"
_LOG_ROTATE_BYTES = 2 * 1024 * 1024
_SHUTDOWN_GRACE = 2.0
"""Seconds a server gets to answer shutdown, and to die after SIGTERM before SIGKILL."""
_SPLIT_OFF_LOOP = 256 * 1024
"""Texts longer than this (characters) are split into mirror lines in a worker thread."""
_EXIT_GRACE = 0.5
"""Seconds a server gets to exit by itself after the exit notification (pygls servers often linger)."""

_WARM_METHODS = (
    lsp.INITIALIZE,
    lsp.INITIALIZED,
    lsp.TEXT_DOCUMENT_DID_OPEN,
    lsp.TEXT_DOCUMENT_DID_CHANGE,
    lsp.TEXT_DOCUMENT_DID_SAVE,
    lsp.TEXT_DOCUMENT_DID_CLOSE,
    lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS,
    lsp.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT,
    lsp.TEXT_DOCUMENT_CODE_ACTION,
    lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL,
    lsp.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE,
    lsp.TEXT_DOCUMENT_INLAY_HINT,
    lsp.TEXT_DOCUMENT_SIGNATURE_HELP,
    lsp.TEXT_DOCUMENT_HOVER,
    lsp.CLIENT_REGISTER_CAPABILITY,
    lsp.WINDOW_LOG_MESSAGE,
    lsp.WINDOW_SHOW_MESSAGE,
    lsp.WINDOW_WORK_DONE_PROGRESS_CREATE,
    lsp.PROGRESS,
)
"""Methods whose message types get their (un)structure code generated before the first server starts."""
_SAMPLE_INITIALIZE_RESULT: dict[str, Any] = {
    "capabilities": {
        "positionEncoding": "utf-16",
        "textDocumentSync": {"openClose": True, "change": 2, "save": {"includeText": False}},
        "completionProvider": {"triggerCharacters": ["."], "resolveProvider": True},
        "hoverProvider": True,
        "signatureHelpProvider": {"triggerCharacters": ["(", ","], "retriggerCharacters": [","]},
        "definitionProvider": True,
        "typeDefinitionProvider": True,
        "implementationProvider": True,
        "declarationProvider": True,
        "referencesProvider": True,
        "documentHighlightProvider": True,
        "documentSymbolProvider": True,
        "codeActionProvider": {"codeActionKinds": ["quickfix", "refactor"], "resolveProvider": False},
        "workspaceSymbolProvider": {"resolveProvider": False},
        "renameProvider": {"prepareProvider": True},
        "documentFormattingProvider": True,
        "executeCommandProvider": {"commands": []},
        "semanticTokensProvider": {
            "legend": {"tokenTypes": ["function"], "tokenModifiers": []},
            "full": {"delta": True},
            "range": True,
        },
        "inlayHintProvider": {"resolveProvider": False},
        "workspace": {"workspaceFolders": {"supported": True, "changeNotifications": True}},
    },
    "serverInfo": {"name": "sample", "version": "1"},
}
"""An initialize answer with the usual capabilities, structured once to generate their code off the UI loop."""
_converter: Any = None
_converter_lock = threading.Lock()


def shared_converter() -> Any:
    """The cattrs converter every pygls client of this process uses, built and warmed on first call.

    Building one resolves the type hints of all of lsprotocol, and the first (un)structuring of each message type
    generates its code: together ~100 ms when the first server started, on the UI loop, in the middle of typing.
    Call this in a worker thread (:func:`warm_up` does); converters keep no per-connection state, so one is shared.
    """
    global _converter
    with _converter_lock:
        if _converter is None:
            converter = default_converter()  # type: ignore[no-untyped-call]
            for method in _WARM_METHODS:
                for kind in lsp.METHOD_TO_TYPES.get(method, ()):
                    if isinstance(kind, type):
                        converter.get_structure_hook(kind)
                        converter.get_unstructure_hook(kind)
            # Optional and union fields get their code generated on first use: structure a typical answer.
            with contextlib.suppress(Exception):
                converter.structure(
                    {"jsonrpc": "2.0", "id": 1, "result": _SAMPLE_INITIALIZE_RESULT}, lsp.InitializeResponse
                )
            _converter = converter
        return _converter


async def warm_up() -> None:
    """Build the shared converter in a worker thread (no-op once built)."""
    if _converter is None:
        await asyncio.to_thread(shared_converter)


@dataclass
class _Session:
    """One server process and the pygls client speaking to it."""

    process: asyncio.subprocess.Process
    client: LanguageClient
    stop_event: threading.Event
    started_at: float
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)
    running: bool = False


@dataclass
class _Pending:
    """A request in flight, so edits and crashes can settle it early."""

    session: _Session
    method: str
    future: concurrent.futures.Future[Any]
    uri: str | None
    cancel_on_edit: bool


class LanguageServerClient(FeatureRequests):
    """A supervised language server: lifecycle, document sync, requests, diagnostics and its stderr log."""

    def __init__(
        self,
        name: str,
        spec: ServerSpec,
        argv: Sequence[str],
        *,
        root: Path,
        settings: LspSettings,
        events: EventEmitter,
        diagnostics: DiagnosticStore,
        log_path: Path,
        apply_edit: ApplyEdit | None = None,
    ) -> None:
        self.name = name
        """The server's name in settings (``lsp.servers.NAME``)."""
        self.spec = spec
        self.argv = list(argv)
        self.root = root
        """The workspace folder sent as rootUri; the server's working directory."""
        self.settings = settings
        self.log_path = log_path
        """Where the server's stderr and window/logMessage lines go (viewable from the palette)."""
        self.state = ServerState.STOPPED
        self.capabilities: lsp.ServerCapabilities | None = None
        """What the running server announced in its initialize result."""
        self.encoding: Encoding = "utf-16"
        """The position encoding the server chose."""
        self.registrations: dict[str, Any] = {}
        """Capabilities the server registered after initialize (client/registerCapability), by method."""
        self.documents: dict[str, DocumentMirror] = {}
        """Open documents by URI, as last sent (or to be re-sent) to the server."""
        self.restarts = 0
        """How many times the server has been restarted after a crash."""
        self._events = events
        self._diagnostics = diagnostics
        self._apply_edit = apply_edit
        self._session: _Session | None = None
        self._pending: dict[str, _Pending] = {}
        self._ids = itertools.count(1)
        self._stopping = False
        self._restart_task: asyncio.Task[None] | None = None
        self._log_file: IO[bytes] | None = None
        self._backoff = RestartBackoff(
            max_attempts=settings.restart_max_attempts,
            initial=settings.restart_initial_delay,
            max_delay=settings.restart_max_delay,
            reset_after=settings.restart_reset_after,
        )
        self._running_event = asyncio.Event()

    # ------------------------------------------------------------------ lifecycle

    @property
    def pid(self) -> int | None:
        """The current server process id (None while not running)."""
        return self._session.process.pid if self._session is not None else None

    async def start(self) -> None:
        """Start the server and initialize it; raises NotFoundError, TransportError or SymphonyTimeoutError."""
        self._stopping = False
        await self._launch()

    async def wait_running(self, timeout: float | None = None) -> None:
        """Wait until the server is running (after start or a restart)."""
        await asyncio.wait_for(self._running_event.wait(), timeout)

    async def stop(self) -> None:
        """Shut the server down politely (shutdown, exit), killing it if it does not comply in time."""
        self._stopping = True
        if self._restart_task is not None:
            self._restart_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._restart_task
            self._restart_task = None
        session, self._session = self._session, None
        self._running_event.clear()
        if session is not None:
            if session.running and session.process.returncode is None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(session.client.shutdown_async(None), _SHUTDOWN_GRACE)
                    session.client.exit(None)
                    await asyncio.wait_for(session.process.wait(), _EXIT_GRACE)
            await self._end_session(session, TransportError(f"language server {self.name} was stopped"))
        self._set_state(ServerState.STOPPED)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    async def _launch(self, *, report_failure: bool = True) -> None:
        self._set_state(ServerState.STARTING)
        try:
            session = await self._spawn()
        except SymphonyError as exc:
            if report_failure:
                self._set_state(ServerState.FAILED, exc.message)
            raise
        try:
            params = self._initialize_params()
            result = await self._start(session, lsp.INITIALIZE, params, self.settings.startup_timeout)
        except BaseException as exc:
            await self._end_session(session, TransportError(f"language server {self.name} failed to start"))
            if isinstance(exc, SymphonyError) and report_failure:
                self._set_state(ServerState.FAILED, exc.message)
            raise
        if isinstance(result, UntypedResult):
            protocol = session.client.protocol
            assert isinstance(protocol, TolerantProtocol)
            result = salvage_initialize_result(result.value, protocol.converter)
        assert isinstance(result, lsp.InitializeResult)
        self.capabilities = result.capabilities
        self.registrations.clear()
        self.encoding = normalize_encoding(result.capabilities.position_encoding)
        session.client.initialized(lsp.InitializedParams())
        session.running = True
        self._session = session
        for mirror in self.documents.values():
            self._notify_open(session, mirror)
        self._set_state(ServerState.RUNNING)
        self._running_event.set()

    async def _spawn(self) -> _Session:
        log_file = self._open_log()
        log_file.write(f"=== {time.strftime('%Y-%m-%d %H:%M:%S')} starting: {' '.join(self.argv)}\n".encode())
        try:
            process = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=log_file,
                cwd=self.root,
                env={**os.environ, **self.spec.env},
            )
        except FileNotFoundError:
            raise NotFoundError(
                f"language server {self.name}: program {self.argv[0]!r} not found",
                hint=self.spec.install_hint or f"Install {self.argv[0]} or set lsp.servers.{self.name}.command.",
            ) from None
        except OSError as exc:
            raise SymphonyIOError(
                f"language server {self.name}: cannot run {self.argv[0]!r}: {exc.strerror or exc}",
                hint=f"Check that {self.argv[0]} is executable, or fix lsp.servers.{self.name}.command.",
            ) from exc
        assert process.stdin is not None and process.stdout is not None
        await warm_up()
        client = LanguageClient(CLIENT_NAME, "0.1.0", protocol_cls=TolerantProtocol, converter_factory=shared_converter)
        stop_event = threading.Event()
        session = _Session(process=process, client=client, stop_event=stop_event, started_at=time.monotonic())
        self._register_handlers(client)
        protocol = client.protocol
        assert isinstance(protocol, TolerantProtocol)
        protocol.set_writer(process.stdin)
        session.tasks.append(
            asyncio.create_task(
                read_messages(stop_event, process.stdout, protocol, log),
                name=f"lsp-{self.name}-reader",
            )
        )
        session.tasks.append(asyncio.create_task(self._watch_exit(session), name=f"lsp-{self.name}-exit"))
        return session

    def _open_log(self) -> IO[bytes]:
        if self._log_file is None:
            try:
                self.log_path.parent.mkdir(parents=True, exist_ok=True)
                if self.log_path.exists() and self.log_path.stat().st_size > _LOG_ROTATE_BYTES:
                    self.log_path.replace(self.log_path.with_suffix(".1.log"))
                self._log_file = self.log_path.open("ab", buffering=0)
            except OSError as exc:
                raise SymphonyIOError(
                    f"cannot write the log of language server {self.name} at {self.log_path}: {exc.strerror or exc}",
                    hint="Check that Symphony's log directory is writable (SYMPHONY_LOG_DIR overrides it).",
                ) from exc
        return self._log_file

    def _initialize_params(self) -> lsp.InitializeParams:
        root_uri = path_to_uri(self.root)
        return lsp.InitializeParams(
            process_id=os.getpid(),
            client_info=lsp.ClientInfo(name=CLIENT_NAME, version="0.1.0"),
            root_uri=root_uri,
            root_path=str(self.root),
            workspace_folders=[lsp.WorkspaceFolder(uri=root_uri, name=self.root.name or str(self.root))],
            capabilities=client_capabilities(),
            initialization_options=self.spec.initialization_options,
        )

    async def _watch_exit(self, session: _Session) -> None:
        code = await session.process.wait()
        session.stop_event.set()
        reason = TransportError(
            f"language server {self.name} exited with code {code}",
            hint=f"See its log at {self.log_path}.",
            data={"server": self.name, "returncode": code},
        )
        await self._end_session(session, reason)  # close the dead process's pipes and reader
        if session is not self._session or self._stopping:
            return
        self._session = None
        self._running_event.clear()
        uptime = time.monotonic() - session.started_at
        self._set_state(ServerState.CRASHED, f"exit code {code} after {uptime:.1f} s")
        self._restart_task = asyncio.create_task(self._restart_loop(uptime), name=f"lsp-{self.name}-restart")

    async def _restart_loop(self, uptime: float) -> None:
        while not self._stopping:
            delay = self._backoff.next_delay(uptime)
            if delay is None:
                self._set_state(
                    ServerState.FAILED,
                    f"crashed {self._backoff.attempts} times in a row; not restarting (see {self.log_path})",
                )
                return
            self._set_state(ServerState.RESTARTING, f"in {delay:.1f} s")
            await asyncio.sleep(delay)
            began = time.monotonic()
            try:
                await self._launch(report_failure=False)
            except SymphonyError as exc:
                log.warning("restart of language server %s failed: %s", self.name, exc)
                uptime = time.monotonic() - began
                continue
            self.restarts += 1
            return

    async def _end_session(self, session: _Session, reason: SymphonyError) -> None:
        session.stop_event.set()
        self._fail_pending(session, reason)
        process = session.process
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            try:
                await asyncio.wait_for(process.wait(), _SHUTDOWN_GRACE)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        if process.stdin is not None:
            process.stdin.close()
        others = [task for task in session.tasks if task is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    def _set_state(self, state: ServerState, detail: str = "") -> None:
        self.state = state
        self._events.emit(ServerStateChanged(server=self.name, state=state, detail=detail, log_path=self.log_path))

    # ------------------------------------------------------------------ server -> client

    def _register_handlers(self, client: LanguageClient) -> None:
        def _diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
            mirror = self.documents.get(params.uri)
            if params.version is not None:
                if mirror is None:
                    # About the text of a document closed since (the publish crossed our didClose): no text
                    # of that version exists any more. Unversioned publishes about files that are not open
                    # are the server's word on the file on disk (project-wide diagnostics) and are kept.
                    return
                if params.version < mirror.version:
                    return  # about text the user has since changed; fresher diagnostics follow
            self._diagnostics.publish(self.name, params.uri, tuple(params.diagnostics))

        def _log_message(params: lsp.LogMessageParams) -> None:
            if self._log_file is not None:
                kind = lsp.MessageType(params.type).name if params.type in iter(lsp.MessageType) else params.type
                self._log_file.write(f"[{kind}] {params.message}\n".encode(errors="replace"))

        def _show_message(params: lsp.ShowMessageParams) -> None:
            self._events.emit(ServerMessage(server=self.name, type=params.type, message=params.message))

        def _show_message_request(params: lsp.ShowMessageRequestParams) -> None:
            self._events.emit(ServerMessage(server=self.name, type=params.type, message=params.message))

        def _configuration(params: lsp.ConfigurationParams) -> list[Any]:
            return [_lookup_section(self.spec.settings, item.section) for item in params.items]

        def _folders(params: None) -> list[lsp.WorkspaceFolder]:
            return [lsp.WorkspaceFolder(uri=path_to_uri(self.root), name=self.root.name or str(self.root))]

        async def _apply(params: lsp.ApplyWorkspaceEditParams) -> lsp.ApplyWorkspaceEditResult:
            if self._apply_edit is None:
                return lsp.ApplyWorkspaceEditResult(applied=False, failure_reason="no editor is attached")
            return lsp.ApplyWorkspaceEditResult(applied=await self._apply_edit(params.edit))

        def _register(params: lsp.RegistrationParams) -> None:
            for registration in params.registrations:
                self.registrations[registration.method] = registration.register_options

        def _unregister(params: lsp.UnregistrationParams) -> None:
            for unregistration in params.unregisterations:
                self.registrations.pop(unregistration.method, None)

        handlers: dict[str, Callable[..., Any]] = {
            lsp.CLIENT_REGISTER_CAPABILITY: _register,
            lsp.CLIENT_UNREGISTER_CAPABILITY: _unregister,
            lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _diagnostics,
            lsp.WINDOW_LOG_MESSAGE: _log_message,
            lsp.WINDOW_SHOW_MESSAGE: _show_message,
            lsp.WINDOW_SHOW_MESSAGE_REQUEST: _show_message_request,
            lsp.WORKSPACE_CONFIGURATION: _configuration,
            lsp.WORKSPACE_WORKSPACE_FOLDERS: _folders,
            lsp.WORKSPACE_APPLY_EDIT: _apply,
        }
        for method in (
            lsp.WINDOW_WORK_DONE_PROGRESS_CREATE,
            lsp.WORKSPACE_SEMANTIC_TOKENS_REFRESH,
            lsp.WORKSPACE_INLAY_HINT_REFRESH,
            lsp.WORKSPACE_DIAGNOSTIC_REFRESH,
            lsp.WORKSPACE_CODE_LENS_REFRESH,
            lsp.PROGRESS,
            lsp.LOG_TRACE,
        ):
            handlers[method] = _accept
        register: Callable[[str], Callable[[Callable[..., Any]], Any]] = client.feature
        for method, handler in handlers.items():
            register(method)(handler)

    # ------------------------------------------------------------------ documents

    async def open(self, uri: str, language_id: str, version: int, text: str) -> None:
        """The editor opened a document (or reopened it: the old mirror is replaced).

        A big text is split into lines in a thread (~10 ms per 4 MB that the UI loop would stall for); the
        caller must not send changes for ``uri`` before this returns.
        """
        if len(text) > _SPLIT_OFF_LOOP:
            mirror = await asyncio.to_thread(DocumentMirror, uri, language_id, version, text)
        else:
            mirror = DocumentMirror(uri, language_id, version, text)
        self.documents[uri] = mirror
        if self._session is not None:
            self._notify_open(self._session, mirror)

    async def change(self, uri: str, version: int, edits: Sequence[TextEdit]) -> None:
        """The editor changed a document to ``version`` by ``edits``, applied in order (see :meth:`send_change`)."""
        self.send_change(uri, version, edits)

    def send_change(self, uri: str, version: int, edits: Sequence[TextEdit]) -> None:
        """:meth:`change`, written before returning: a keystroke's didChange and completion request go out
        first, so the server works while the editor finishes the keystroke.

        Pending completion, hover, signature help, highlight, inlay-hint and semantic-token requests for the
        document are cancelled (``$/cancelRequest``) and raise StaleResponseError to their callers.
        """
        mirror = self._mirror(uri)
        events = mirror.apply(version, edits, self.encoding)
        self._cancel_for_edit(uri)
        session = self._session
        if session is None:
            return  # a restarting server gets the whole text on reopen
        kind = self._sync_kind()
        if kind == lsp.TextDocumentSyncKind.None_:
            return
        if kind == lsp.TextDocumentSyncKind.Full:
            changes = [{"text": mirror.text}]
        else:
            changes = [_change_json(event) for event in events]
        protocol = session.client.protocol
        assert isinstance(protocol, TolerantProtocol)
        protocol.notify_json(
            lsp.TEXT_DOCUMENT_DID_CHANGE,
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": changes},
        )

    async def save(self, uri: str) -> None:
        """The editor saved a document (send didSave, with the text if the server asked for it)."""
        mirror = self._mirror(uri)
        session = self._session
        if session is None:
            return
        sync = self.capabilities.text_document_sync if self.capabilities else None
        save = sync.save if isinstance(sync, lsp.TextDocumentSyncOptions) else None
        if not save:
            return
        include_text = isinstance(save, lsp.SaveOptions) and bool(save.include_text)
        session.client.text_document_did_save(
            lsp.DidSaveTextDocumentParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri), text=mirror.text if include_text else None
            )
        )

    async def close(self, uri: str) -> None:
        """The editor closed a document: the server forgets it, and so do its diagnostics."""
        self.documents.pop(uri, None)
        self._cancel_for_edit(uri)
        if self._session is not None:
            self._session.client.text_document_did_close(
                lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
            )
        self._diagnostics.publish(self.name, uri, ())

    def _notify_open(self, session: _Session, mirror: DocumentMirror) -> None:
        # Joined and encoded in a thread: for a 100k-line file that is tens of ms the user would feel as a
        # stalled keystroke. The lines are copied now (the mirror moves on with the next edit; a list copy is
        # cheap), and later messages wait for this one, so the server still sees didOpen before any didChange.
        uri, language_id, version, lines = mirror.uri, mirror.language_id, mirror.version, mirror.lines_snapshot()
        protocol = session.client.protocol
        assert isinstance(protocol, TolerantProtocol)
        protocol.notify_encoded_off_loop(
            lsp.TEXT_DOCUMENT_DID_OPEN,
            lambda: lsp.DidOpenTextDocumentParams(
                text_document=lsp.TextDocumentItem(
                    uri=uri, language_id=language_id, version=version, text="".join(lines)
                )
            ),
        )

    def _sync_kind(self) -> lsp.TextDocumentSyncKind:
        sync = self.capabilities.text_document_sync if self.capabilities else None
        if isinstance(sync, lsp.TextDocumentSyncOptions):
            return sync.change if sync.change is not None else lsp.TextDocumentSyncKind.None_
        if isinstance(sync, lsp.TextDocumentSyncKind):
            return sync
        return lsp.TextDocumentSyncKind.None_

    def _mirror(self, uri: str) -> DocumentMirror:
        mirror = self.documents.get(uri)
        if mirror is None:
            raise NotFoundError(
                f"{uri} is not open in language server {self.name}",
                hint="Open the document (LanguageServerClient.open) before changing or querying it.",
            )
        return mirror

    # ------------------------------------------------------------------ requests

    def send_request(
        self,
        method: str,
        params: Any,
        *,
        uri: str | None = None,
        cancel_on_edit: bool = False,
        timeout: float | None = None,
        then: Callable[[Any], Any] | None = None,
    ) -> Coroutine[Any, Any, Any]:
        """:meth:`request`, written before returning; the coroutine returned waits for the answer (passed through
        ``then`` if given) and may be closed unawaited.

        Raises TransportError at once when the server is not running.
        """
        session = self._session
        if session is None or not session.running:
            raise TransportError(
                f"language server {self.name} is {self.state.value}",
                hint="Wait for it to start; its state is shown in the status bar.",
            )
        version = self._mirror(uri).version if uri is not None else None
        deadline = timeout if timeout is not None else self.settings.request_timeout
        return self._start(session, method, params, deadline, uri, cancel_on_edit, version, then)

    def _start(
        self,
        session: _Session,
        method: str,
        params: Any,
        timeout: float,
        uri: str | None = None,
        cancel_on_edit: bool = False,
        version: int | None = None,
        then: Callable[[Any], Any] | None = None,
    ) -> Coroutine[Any, Any, Any]:
        msg_id = f"{self.name}:{next(self._ids)}"
        protocol = session.client.protocol
        assert isinstance(protocol, TolerantProtocol)
        if isinstance(params, dict):  # already JSON (the completion request of every keystroke)
            future = protocol.send_request_json(method, params, msg_id)
        else:
            future = protocol.send_request(method, params, msg_id=msg_id)
        self._pending[msg_id] = _Pending(session, method, future, uri, cancel_on_edit)
        # Settled however it ends, even if the waiting coroutine is dropped before it runs.
        future.add_done_callback(lambda _: self._pending.pop(msg_id, None))
        return self._answer(msg_id, future, method, timeout, uri, version, then)

    async def _answer(
        self,
        msg_id: str,
        future: concurrent.futures.Future[Any],
        method: str,
        timeout: float,
        uri: str | None,
        version: int | None,
        then: Callable[[Any], Any] | None,
    ) -> Any:
        try:
            if not future.done():
                await _settled(future, timeout)
            if future.cancelled():
                raise asyncio.CancelledError
            result = future.result()
        except TimeoutError:
            self._cancel(msg_id)
            if self._log_file is not None:  # the server log shows what it failed to answer, beside its stderr
                self._log_file.write(f"[Symphony] no answer to {method} ({msg_id}) within {timeout:g} s\n".encode())
            raise SymphonyTimeoutError(
                f"language server {self.name} did not answer {method} within {timeout:g} s",
                hint="Typing is unaffected; raise lsp.request_timeout if the server is just slow.",
                data={"server": self.name, "method": method},
            ) from None
        except asyncio.CancelledError:
            self._cancel(msg_id)
            raise
        except (JsonRpcRequestCancelled, JsonRpcContentModified) as exc:
            raise StaleResponseError(f"{self.name} dropped {method}: {exc.message}") from exc
        except JsonRpcException as exc:
            raise ProtocolError(
                f"language server {self.name} failed {method}: {exc.message}",
                hint=f"This is the server's error (code {exc.code}); see its log at {self.log_path}.",
                data={"server": self.name, "method": method, "rpc_code": exc.code},
            ) from exc
        finally:
            self._pending.pop(msg_id, None)
        if isinstance(result, UntypedResult) and method != lsp.INITIALIZE:
            raise ProtocolError(
                f"language server {self.name} answered {method} with data that does not match the LSP types",
                hint=f"The server may be too new or buggy; the raw answer is in {self.log_path}.",
                data={"server": self.name, "method": method},
            )
        if uri is not None:
            mirror = self.documents.get(uri)
            if mirror is None or mirror.version != version:
                raise StaleResponseError(f"{method} answer for {uri} version {version} is outdated")
        return result if then is None else then(result)

    def _cancel(self, msg_id: str) -> None:
        pending = self._pending.pop(msg_id, None)
        if pending is None:
            return
        protocol = pending.session.client.protocol
        assert isinstance(protocol, TolerantProtocol)
        protocol.forget(msg_id)
        if pending.session.running and pending.session.process.returncode is None:
            protocol.notify(lsp.CANCEL_REQUEST, lsp.CancelParams(id=msg_id))

    def _cancel_for_edit(self, uri: str) -> None:
        for msg_id, pending in list(self._pending.items()):
            if pending.uri == uri and pending.cancel_on_edit and not pending.future.done():
                self._cancel(msg_id)
                pending.future.set_exception(
                    StaleResponseError(f"{pending.method} for {uri} was cancelled by a newer edit")
                )

    def _fail_pending(self, session: _Session, reason: SymphonyError) -> None:
        for msg_id, pending in list(self._pending.items()):
            if pending.session is session and not pending.future.done():
                protocol = session.client.protocol
                assert isinstance(protocol, TolerantProtocol)
                protocol.forget(msg_id)
                pending.future.set_exception(reason)

    def supports(self, capability: str) -> bool:
        """Whether the server offers ``capability`` (a ServerCapabilities attribute such as 'hover_provider'),
        announced at initialize or registered dynamically later."""
        if self.capabilities is not None and getattr(self.capabilities, capability, None):
            return True
        method = CAPABILITY_METHODS.get(capability)
        return method is not None and method in self.registrations

    def registration_options(self, method: str, options_type: type[_T]) -> _T | None:
        """The options a server registered dynamically for ``method``, typed (None if absent or malformed)."""
        raw = self.registrations.get(method)
        if raw is None or isinstance(raw, options_type):
            return raw
        session = self._session
        if session is None:
            return None
        protocol = session.client.protocol
        assert isinstance(protocol, TolerantProtocol)
        try:
            typed: _T = protocol.converter.structure(raw, options_type)
        except Exception:
            log.info("%s registered malformed options for %s: %r", self.name, method, raw)
            return None
        return typed

    def line_text(self, uri: str, line: int) -> str:
        """Line ``line`` of open document ``uri`` as the server last saw it (without its terminator)."""
        return self._mirror(uri).line(line)

    def diagnostics_for(self, uri: str) -> tuple[lsp.Diagnostic, ...]:
        """What this server last published for ``uri`` (sent back with code-action requests)."""
        return self._diagnostics.from_server(self.name, uri)

    # ------------------------------------------------------------------ position helpers

    def position_to_server(self, uri: str, position: Position) -> lsp.Position:
        """A code-point position in an open document in the server's units."""
        return self._mirror(uri).position_to_server(position, self.encoding)

    def range_to_server(self, uri: str, span: Range) -> lsp.Range:
        """A code-point range in an open document in the server's units."""
        return self._mirror(uri).range_to_server(span, self.encoding)

    def range_from_server(self, uri: str, span: lsp.Range) -> Range:
        """A server range in any document (open, or read from disk) as a code-point range."""
        mirror = self.documents.get(uri)
        if mirror is not None:
            return mirror.range_from_server(span, self.encoding)
        lines = _disk_lines(uri)

        def convert(position: lsp.Position) -> Position:
            text = lines[position.line] if position.line < len(lines) else ""
            return Position(line=position.line, column=from_units(text, position.character, self.encoding))

        return Range(start=convert(span.start), end=convert(span.end))

    def _text_position(self, uri: str, position: Position) -> lsp.TextDocumentPositionParams:
        return lsp.TextDocumentPositionParams(
            text_document=lsp.TextDocumentIdentifier(uri=uri), position=self.position_to_server(uri, position)
        )


def _position_json(position: lsp.Position) -> dict[str, int]:
    return {"line": position.line, "character": position.character}


def _change_json(event: lsp.TextDocumentContentChangeEvent) -> dict[str, Any]:
    """A change event as the JSON lsprotocol would unstructure it to (without going through cattrs)."""
    if isinstance(event, lsp.TextDocumentContentChangePartial):
        span = event.range
        return {"range": {"start": _position_json(span.start), "end": _position_json(span.end)}, "text": event.text}
    return {"text": event.text}


async def _settled(future: concurrent.futures.Future[Any], timeout: float) -> None:
    """Wait until ``future`` is done (TimeoutError after ``timeout`` seconds).

    pygls settles a request's future in the event loop's thread, as it reads the answer: waking the waiting task
    from its done-callback directly skips what ``wait_for(wrap_future(...))`` goes through (a thread-safe hop
    through the loop's self-pipe, then two more loop iterations), a few hundred microseconds on each keystroke's
    completion answer.
    """
    loop = asyncio.get_running_loop()
    waiter = loop.create_future()

    def wake(_: object = None) -> None:
        if not waiter.done():
            waiter.set_result(None)

    def done(_: concurrent.futures.Future[Any]) -> None:
        try:
            in_loop = asyncio.get_running_loop() is loop
        except RuntimeError:
            in_loop = False
        if in_loop:
            wake()
        else:
            loop.call_soon_threadsafe(wake)

    def expire() -> None:
        if not waiter.done():
            waiter.set_exception(TimeoutError())

    timer = loop.call_later(timeout, expire)
    future.add_done_callback(done)
    try:
        await waiter
    finally:
        timer.cancel()


def _accept(params: Any) -> None:
    """Answer server requests that need no action from a terminal client (registrations, progress, refresh)."""
    return None


def _lookup_section(settings: dict[str, Any], section: str | None) -> Any:
    """workspace/configuration: the settings subtree at a dotted section ('' or None means all)."""
    node: Any = settings
    for part in (section or "").split("."):
        if not part:
            continue
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _disk_lines(uri: str) -> list[str]:
    path = uri_to_path(uri)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [line_content(line) for line in split_lines(text)]


__all__ = ["ApplyEdit", "LanguageServerClient"]
