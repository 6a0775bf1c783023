"""The workbench side of language servers: keeps every open editor in sync with its server and turns the
servers' events into what the user sees (diagnostic marks, the Problems panel, status-bar counts, notices).

``core.lsp`` is imported on first use, off the UI loop: lsprotocol costs most of a second to import, which
start-up should not pay before a document with a language server is opened.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.css.query import NoMatches

from core.errors import SymphonyError
from core.types.text import Position, Range, TextEdit
from symphony_tui.debounce import Debounce
from symphony_tui.lsp.decorations import EditorDecorations, Mark
from symphony_tui.lsp.edits import apply_to_editor

if TYPE_CHECKING:
    from lsprotocol import types as lsp
    from textual.widget import Widget

    from core.lsp.client import LanguageServerClient
    from core.lsp.events import LspEvent
    from core.lsp.manager import LanguageServerManager
    from core.workspace.symbols import Symbol
    from symphony_tui.app import SymphonyApp
    from symphony_tui.widgets.editor import Editor

log = logging.getLogger(__name__)

CURSOR_REST = 0.25
"""Seconds the cursor must rest before document highlights and code actions are requested."""


def _load_manager_module() -> Any:
    """Import core.lsp (worker thread) and build the pygls converter its clients share, which would otherwise
    cost ~100 ms of the UI loop when the first server starts, usually while the user types."""
    module = importlib.import_module("core.lsp.manager")
    importlib.import_module("core.lsp.client").shared_converter()
    return module


@dataclass(eq=False)
class TrackedDocument:
    """An editor as its language server knows it: URI, last version sent and edits not yet sent.

    ``owner`` is the editor the document was opened from; the other panes of a split view show the same text and
    are served through it (one document per file for the server, whichever pane the user types in).
    """

    owner: Editor
    uri: str
    language: str
    version: int = 0
    opened: bool = False
    pending: list[TextEdit] = field(default_factory=list)
    flush_scheduled: bool = False
    last_change: asyncio.Task[None] | None = None
    """A resend of the whole document in flight (after an incremental sync failed); awaiting it means the server's
    copy is up to date."""
    replaced: bool = False
    """The editor's whole text was replaced while the document was being (re)opened: it is resent after."""

    @property
    def editor(self) -> Editor:
        """The pane the user works in: a focused split pane of this document, else the owner. Popups anchor
        to it and requests use its cursor."""
        owner = self.owner
        for peer in owner._peers:
            if peer.has_focus:
                return peer
        return owner


@dataclass(frozen=True, slots=True)
class ProblemRow:
    """One diagnostic as the Problems panel lists it (code points, 0-based)."""

    path: Path
    line: int
    column: int
    severity: int
    message: str
    source: str


class LspService:
    """Connects the app's editors to a :class:`core.lsp.LanguageServerManager` and its events to the UI."""

    autostart = True
    """Whether opened files are routed to language servers (``lsp.enabled`` still applies). UI tests that are
    not about language servers turn this off so they neither spawn servers nor depend on their timing."""

    def __init__(self, app: SymphonyApp) -> None:
        self.app = app
        self.manager: LanguageServerManager | None = None
        """Created when the first file is opened (None while no document has been routed)."""
        self._documents: dict[int, TrackedDocument] = {}
        self._manager_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._states: dict[str, str] = {}
        self.change_listeners: list[Any] = []
        """Called as ``listener(document, edits)`` after each change reached the server (completion, signature
        help and highlights react to typing here)."""
        from symphony_tui.lsp.completion_session import CompletionController
        from symphony_tui.lsp.signature import SignatureController

        self.completion = CompletionController(self)
        """The completion popup and snippet tab stops."""
        self.signature = SignatureController(self)
        """Signature help while typing a call."""
        from symphony_tui.lsp.semantic import SemanticTokensController

        self.semantic = SemanticTokensController(self)
        """Semantic-token colours over tree-sitter's."""
        from symphony_tui.lsp.inlay import InlayHintsController

        self.inlay = InlayHintsController(self)
        """Inlay hints after line ends."""
        self.hover: Widget | None = None
        """The hover popup while it shows (any key closes it)."""
        self._cursor_rest = Debounce(CURSOR_REST, self._cursor_rest_over, name="LSP cursor rest")
        self._cursor_rest_for: TrackedDocument | None = None
        self._cursor_generation = 0
        self._outlines: dict[int, tuple[int, tuple[Symbol, ...]]] = {}

    # ----------------------------------------------------------------- lifecycle

    async def ensure_manager(self) -> LanguageServerManager:
        """The manager, importing core.lsp in a thread the first time."""
        async with self._manager_lock:
            if self.manager is None:
                module = await asyncio.to_thread(_load_manager_module)
                # pygls logs every message it sends at INFO: hundreds of kilobytes per completion list.
                logging.getLogger("pygls").setLevel(logging.WARNING)
                manager: LanguageServerManager = module.LanguageServerManager(
                    self.app.settings.lsp, self.app.workspace, apply_edit=self._apply_server_edit
                )
                manager.subscribe(self._on_event)
                self.manager = manager
            return self.manager

    async def shutdown(self) -> None:
        """Stop every server (the app is quitting)."""
        for task in list(self._tasks):
            task.cancel()
        if self.manager is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.manager.shutdown(), 5.0)

    async def apply_settings(self) -> None:
        """Settings were reloaded: restart, stop or re-route servers accordingly."""
        if self.manager is not None and self.manager.settings != self.app.settings.lsp:
            await self.manager.apply_settings(self.app.settings.lsp)
        if self.app.settings.lsp.enabled:
            for editor in self.app.editors:
                if self.document(editor) is None:
                    self.attach(editor)

    def _spawn(self, coroutine: Any, name: str) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.warning("language server task %s failed: %s", task.get_name(), error, exc_info=error)

    @property
    def active_editor(self) -> Editor | None:
        """The app's active editor; None also while the workbench is being built or torn down."""
        try:
            return self.app.active_editor
        except NoMatches:
            return None

    # ----------------------------------------------------------------- documents

    def document(self, editor: Editor) -> TrackedDocument | None:
        """The tracked state of ``editor`` or of the editor it is a split pane of (None for untitled buffers or
        while LSP is off)."""
        return self._documents.get(id(editor.split_of or editor))

    def document_for_uri(self, uri: str) -> TrackedDocument | None:
        """The open editor document with this URI."""
        return next((doc for doc in self._documents.values() if doc.uri == uri), None)

    def attach(self, editor: Editor) -> None:
        """Start syncing a file editor with its language server (if the language has one)."""
        path = editor.state.path
        if path is None or not self.autostart or not self.app.settings.lsp.enabled or self.document(editor):
            return
        from core.lsp.uris import path_to_uri

        document = TrackedDocument(editor, path_to_uri(path), editor.state.language)
        self._documents[id(editor)] = document
        editor.decorations = EditorDecorations()
        editor.document_sync = self
        self._spawn(self._open(document), f"lsp-open-{path.name}")

    async def _open(self, document: TrackedDocument) -> None:
        manager = await self.ensure_manager()
        if self._documents.get(id(document.owner)) is not document:
            return  # closed meanwhile
        document.pending.clear()
        document.version = 1
        # Edits typed while the open is under way stay pending (see flush) and follow it as a didChange.
        await manager.open(document.uri, document.language, document.version, document.owner.text)
        document.opened = True
        if document.replaced:
            document.replaced = False
            self._spawn(self._resync(document), "lsp-resync")
        else:
            self.flush(document)
        self._show_diagnostics(document)
        self.semantic.schedule(document, delay=0, retry=True)
        self.inlay.schedule(document, delay=0, retry=True)

    def detach(self, editor: Editor) -> None:
        """Stop syncing ``editor`` (its tab closed); the server forgets the document."""
        document = self._documents.pop(id(editor), None)
        self._outlines.pop(id(editor), None)
        editor.document_sync = None
        if document is not None and document.opened and self.manager is not None:
            self._spawn(self.manager.close(document.uri), "lsp-close")

    def saved(self, editor: Editor) -> None:
        """The editor was saved (perhaps under a new name: then it is reopened under its new URI)."""
        document = self.document(editor)
        path = editor.state.path
        if document is not None and path is not None:
            from core.lsp.uris import path_to_uri

            if path_to_uri(path) != document.uri or editor.state.language != document.language:
                self.detach(editor)
                self.attach(editor)
                return
            self.flush(document)
            if document.opened and self.manager is not None:
                self._spawn(self.manager.save(document.uri), "lsp-save")
        elif document is None:
            self.attach(editor)

    # DocumentSync: called by the editor inside each edit.
    def edited(self, editor: Editor, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
        document = self.document(editor)
        if document is None:
            return
        newline = editor.document.newline
        if "\r" in text or (newline != "\n" and "\n" in text):
            lines = text.splitlines()
            if text.endswith(("\n", "\r")):
                lines.append("")
            text = newline.join(lines)
        document.pending.append(TextEdit(range=Range.of(*start, *end), new_text=text))
        if start[0] == end[0] and document.opened:
            self.completion.edit_coming(document, text)
        decorations: EditorDecorations | None = getattr(editor, "decorations", None)
        if decorations is not None and not decorations.empty:
            had_highlights = bool(decorations.highlights)
            decorations.highlights = []
            decorations.shift(start[0], end[0], start[0] + text.count(newline))
            # The edit repaints its own rows, and all rows below when the line count changes; a whole-editor
            # repaint per keystroke (most of a key's time in a file with diagnostics) is only needed to clear
            # highlights drawn elsewhere.
            if had_highlights:
                editor.decorations_changed()
        if not document.flush_scheduled:
            document.flush_scheduled = True
            asyncio.get_running_loop().call_soon(self.flush, document)

    def replaced(self, editor: Editor) -> None:
        document = self.document(editor)
        if document is not None:
            document.pending.clear()
            if document.opened:
                self._spawn(self._resync(document), "lsp-resync")
            else:
                document.replaced = True  # an open under way may have taken the old text

    def input_handled(self, editor: Editor) -> None:
        document = self.document(editor)
        if document is not None and document.pending:
            self.flush(document)

    def flush(self, document: TrackedDocument) -> None:
        """Send the edits made since the last flush as one didChange (one version per flush), then tell the
        change listeners (completion, signature help)."""
        document.flush_scheduled = False
        if not document.pending:
            return
        if not document.opened or self.manager is None:
            return  # the open under way sends them once the server has the text it was opened with
        edits, document.pending = document.pending, []
        document.version += 1
        try:
            self.manager.send_change(document.uri, document.version, edits)
        except SymphonyError as exc:
            log.warning("incremental sync of %s failed (%s); resending the document", document.uri, exc)
            document.last_change = self._spawn(self._resync(document), "lsp-resync")
            return
        for listener in list(self.change_listeners):
            try:
                listener(document, edits)
            except Exception:
                log.exception("LSP change listener failed")

    async def synced(self, document: TrackedDocument) -> None:
        """Send pending edits and wait until the server's copy of the document has them all."""
        self.flush(document)
        task = document.last_change
        if task is not None and not task.done():
            await asyncio.wait([task])

    async def _resync(self, document: TrackedDocument) -> None:
        manager = await self.ensure_manager()
        if self._documents.get(id(document.owner)) is not document:
            return
        document.opened = False  # edits typed meanwhile wait in ``pending`` and follow the reopen
        await manager.close(document.uri)
        document.version += 1
        document.pending.clear()
        document.replaced = False
        await manager.open(document.uri, document.language, document.version, document.owner.text)
        document.opened = True
        self.flush(document)

    async def format_before_save(self, editor: Editor) -> None:
        """Format-on-save: apply the server's formatting edits before the text is written (never blocks long)."""
        document = self.document(editor)
        if document is None or self.manager is None or not self.app.settings.lsp.format_on_save:
            return
        await self.synced(document)
        version = document.version
        s = self.app.settings.editor
        edits = await self.manager.format_on_save(document.uri, tab_size=s.tab_size, insert_spaces=s.insert_spaces)
        if edits and document.version == version and not document.pending:
            apply_to_editor(editor, edits)
            await self.synced(document)

    # ----------------------------------------------------------------- servers

    async def server(self, editor: Editor, *, wait: float = 10.0) -> LanguageServerClient | None:
        """The running server of ``editor`` with all its edits sent, or None (after telling the user why)."""
        document = self.document(editor)
        if document is None:
            self.app.notify("This file has no language server.", title="Language server", severity="warning")
            return None
        manager = await self.ensure_manager()
        for _ in range(int(wait / 0.05)):
            if document.opened:
                break
            await asyncio.sleep(0.05)
        await self.synced(document)
        server = await manager.ready(document.uri, wait)
        if server is None:
            self.app.notify(
                f"No language server is running for {editor.display_name}.",
                title="Language server",
                severity="warning",
            )
        return server

    def running_server(self, document: TrackedDocument) -> LanguageServerClient | None:
        """The document's server if it is running now (no waiting, no notice)."""
        server = self.manager.server_for(document.uri) if self.manager is not None else None
        return server if server is not None and server.pid is not None else None

    def _on_event(self, event: LspEvent) -> None:
        from core.lsp.events import DiagnosticsChanged, ServerMessage, ServerMissing, ServerState, ServerStateChanged

        if isinstance(event, DiagnosticsChanged):
            document = self.document_for_uri(event.uri)
            if document is not None:
                self._show_diagnostics(document)
            self.refresh_problems()
        elif isinstance(event, ServerMissing):
            self.app.notify(
                f"No language server for {event.language or event.server}: {event.command} is not installed.\n"
                f"{event.hint}",
                title="Language server missing",
                severity="warning",
                timeout=10,
            )
        elif isinstance(event, ServerStateChanged):
            previous = self._states.get(event.server)
            self._states[event.server] = event.state.value
            if event.state == ServerState.CRASHED:
                self.app.notify(
                    f"{event.server} stopped unexpectedly ({event.detail}); restarting it.",
                    title="Language server crashed",
                    severity="warning",
                )
            elif event.state == ServerState.FAILED:
                self.app.notify(
                    f"{event.server}: {event.detail}\nLog: {event.log_path}",
                    title="Language server failed",
                    severity="error",
                    timeout=12,
                )
            elif event.state == ServerState.RUNNING and previous in ("restarting", "crashed"):
                self.app.notify(f"{event.server} is running again.", title="Language server")
            self.refresh_status()
        elif isinstance(event, ServerMessage):
            from lsprotocol import types as lsp

            severity = {lsp.MessageType.Error: "error", lsp.MessageType.Warning: "warning"}.get(
                event.type, "information"
            )
            if event.type != lsp.MessageType.Log:
                self.app.notify(event.message, title=event.server, severity=severity)  # type: ignore[arg-type]

    def _show_diagnostics(self, document: TrackedDocument) -> None:
        manager = self.manager
        if manager is None:
            return
        server = manager.server_for(document.uri)
        marks = []
        for diagnostic in manager.diagnostics.for_uri(document.uri):
            span = self.range_from_server(server, document.uri, diagnostic.range)
            marks.append(
                Mark(
                    span.start.as_tuple(),
                    span.end.as_tuple(),
                    int(diagnostic.severity or 1),
                    diagnostic.message,
                    diagnostic.source or "",
                )
            )
        editor = document.editor
        decorations: EditorDecorations = editor.decorations
        if marks != decorations.diagnostics:  # servers republish unchanged diagnostics after every edit
            decorations.diagnostics = marks
            editor.decorations_changed()
        self.refresh_status()

    @staticmethod
    def range_from_server(server: LanguageServerClient | None, uri: str, span: lsp.Range) -> Range:
        """A server range as code points (raw units when the server is gone or the range is out of date)."""
        if server is not None:
            with contextlib.suppress(Exception):
                return server.range_from_server(uri, span)
        start = Position(line=span.start.line, column=span.start.character)
        end = Position(line=max(span.end.line, span.start.line), column=span.end.character)
        return Range(start=start, end=max(start, end, key=lambda p: (p.line, p.column)))

    # ----------------------------------------------------------------- symbols

    async def workspace_symbols(self, query: str) -> list[Any]:
        """Symbols matching ``query`` from every running server (quick open's '#'); [] before any server runs."""
        if self.manager is None:
            return []
        return await self.manager.workspace_symbols(query)

    async def document_outline(self, editor: Editor, timeout: float = 3.0) -> tuple[Symbol, ...] | None:
        """The editor's outline from its language server, or None when no running server offers symbols (the
        caller falls back to tree-sitter)."""
        from symphony_tui.lsp.outline import outline_from_lsp

        document = self.document(editor)
        manager = self.manager
        if document is None or not document.opened or manager is None:
            return None
        server = manager.server_for(document.uri)
        if server is None or server.pid is None or not server.supports("document_symbol_provider"):
            return None
        await self.synced(document)
        version = document.version
        try:
            raw = await asyncio.wait_for(server.document_symbols(document.uri), timeout)
        except (SymphonyError, TimeoutError) as exc:
            log.info("document symbols of %s failed: %s", document.uri, exc)
            return None
        symbols = outline_from_lsp(server, document.uri, raw)
        self._outlines[id(editor)] = (version, symbols)
        return symbols

    def cached_outline(self, editor: Editor) -> tuple[Symbol, ...] | None:
        """The last server outline of ``editor`` if its text has not changed since (None otherwise)."""
        document = self.document(editor)
        entry = self._outlines.get(id(editor))
        if document is None or entry is None or entry[0] != document.version or document.pending:
            return None
        return entry[1]

    # ----------------------------------------------------------------- popups and the cursor

    def handle_key(self, editor: Editor, key: str) -> bool:
        """Offer a key pressed in ``editor`` to the popups; True when one of them used it."""
        if self.hover is not None:
            if self.hover.is_attached:
                self.hover.remove()
            self.hover = None
            if key == "escape":
                return True
        if self.completion.handle_key(editor, key):
            return True
        return bool(self.signature.handle_key(key))

    def popup_owns_key(self, key: str) -> bool:
        """Whether an open popup answers ``key`` before the keymap does (signature help's alt+up / alt+down)."""
        from symphony_tui.lsp.signature import CYCLE_KEYS

        return key in CYCLE_KEYS and self.signature.visible

    def mouse_rested(self, editor: Editor, location: tuple[int, int]) -> None:
        """The mouse stopped over ``location`` in ``editor``: show its hover (diagnostics, documentation)."""
        from symphony_tui.lsp.hover import show_hover

        if self.completion.visible or self.document(editor) is None:
            return
        self._spawn(show_hover(self.app, editor, location), "lsp-mouse-hover")

    def scrolled(self, editor: Editor) -> None:
        """``editor`` scrolled: big files fetch semantic tokens for the lines come into view."""
        document = self.document(editor)
        if document is not None and document.opened:
            self.semantic.scrolled(document)

    def mouse_left(self) -> None:
        """The mouse moved on: a hover it opened goes away."""
        if self.hover is not None and self.hover.is_attached:
            self.hover.remove()
        self.hover = None

    def close_popups(self) -> None:
        """Close completion, signature help and hover (tab switch, focus change)."""
        self.completion.close()
        self.signature.close()
        if self.hover is not None and self.hover.is_attached:
            self.hover.remove()
        self.hover = None

    def cursor_moved(self, editor: Editor) -> None:
        """The cursor moved: after a short rest, highlight the symbol's other occurrences and look for code
        actions on the line (the lightbulb). A hover closes once the cursor leaves the place it describes (a
        click elsewhere; the cursor move that came before asking for it is no reason)."""
        from symphony_tui.lsp.hover import HoverPopup

        hover = self.hover
        if isinstance(hover, HoverPopup) and (hover.editor is not editor or editor.cursor_location != hover.at):
            self.mouse_left()
        document = self.document(editor)
        if document is None or not document.opened:
            return
        self._cursor_generation += 1
        self._cursor_rest_for = document
        self._cursor_rest.restart()

    def _cursor_rest_over(self) -> None:
        document, self._cursor_rest_for = self._cursor_rest_for, None
        if document is not None and document.editor.is_attached:
            self._spawn(self._cursor_rested(document, self._cursor_generation), "lsp-cursor")

    async def _cursor_rested(self, document: TrackedDocument, generation: int) -> None:
        from core.errors import CancelledError

        editor = document.editor
        manager = self.manager
        server = manager.server_for(document.uri) if manager is not None else None
        if server is None or server.pid is None or generation != self._cursor_generation:
            return
        await self.synced(document)
        row, column = editor.cursor_location
        decorations: EditorDecorations = editor.decorations
        highlights: list[Mark] = []
        lightbulb: int | None = None
        try:
            if server.supports("document_highlight_provider"):
                for found in await server.document_highlight(document.uri, Position(line=row, column=column)):
                    span = self.range_from_server(server, document.uri, found.range)
                    highlights.append(Mark(span.start.as_tuple(), span.end.as_tuple()))
            if decorations.line_severity(row) is not None and server.supports("code_action_provider"):
                start, end = sorted(editor.selection)
                if start == end:
                    start, end = (row, 0), (row, len(editor.document[row]))
                if await server.code_actions(document.uri, Range.of(*start, *end)):
                    lightbulb = row
        except CancelledError:
            return
        except SymphonyError as exc:
            log.info("cursor features failed: %s", exc)
            return
        if generation != self._cursor_generation or editor.cursor_location != (row, column):
            return
        if len(highlights) < 2:
            highlights = []  # a lone occurrence is the word under the cursor: nothing to point out
        if highlights != decorations.highlights or lightbulb != decorations.lightbulb_line:
            decorations.highlights = highlights
            decorations.lightbulb_line = lightbulb
            editor.decorations_changed()

    # ----------------------------------------------------------------- what the user sees

    def problems(self) -> list[ProblemRow]:
        """Every diagnostic in the workspace, by file then position."""
        if self.manager is None:
            return []
        from core.lsp.uris import uri_to_path

        rows: list[ProblemRow] = []
        for uri, diagnostics in self.manager.diagnostics.items():
            if not uri.startswith("file:"):
                continue
            server = self.manager.server_for(uri)
            path = uri_to_path(uri)
            for diagnostic in diagnostics:
                start = self.range_from_server(server, uri, diagnostic.range).start
                rows.append(
                    ProblemRow(
                        path,
                        start.line,
                        start.column,
                        int(diagnostic.severity or 1),
                        diagnostic.message,
                        diagnostic.source or "",
                    )
                )
        return rows

    def refresh_problems(self) -> None:
        """Update the Problems panel if it is showing."""
        from symphony_tui.lsp.panels import ProblemsPanel

        for panel in self.app.query(ProblemsPanel):
            if panel.is_mounted:
                panel.show_problems(self.problems(), self.app.shown_path)
        self.refresh_status()

    def refresh_status(self) -> None:
        """Status-bar counts (errors, warnings) and the active file's server state."""
        from symphony_tui.lsp.status import show_lsp_status

        if not self.app.is_running or not self.app.query("#editors"):
            return  # starting up or shutting down: there is no status bar to update
        counts = self.manager.diagnostics.counts() if self.manager is not None else None
        state = ""
        editor = self.active_editor
        document = self.document(editor) if editor is not None else None
        if document is not None and self.manager is not None:
            server = self.manager.server_for(document.uri)
            if server is not None and server.state.value != "running":
                state = f"{server.name}: {server.state.value}"
        show_lsp_status(self.app, counts, state)

    async def reveal(self, path: Path, line: int, column: int) -> Editor | None:
        """Open ``path`` and put the cursor at (line, column), centred."""
        editor = await self.app.open_file(path)
        if editor is None:
            return None
        last = editor.document.line_count - 1
        row = min(max(line, 0), last)
        column = min(column, len(editor.document[row]))
        editor.move_cursor((row, column))
        # Centre the line vertically; scroll sideways only if the column is out of view (Textual's centring
        # would cut off the start of every line).
        width = editor.scrollable_content_region.width - editor.gutter_width
        x = 0 if column < max(width - 8, 1) else max(0, column - width // 2)
        editor.scroll_to(x=x, y=max(0, row - editor.scrollable_content_region.height // 2), animate=False)
        editor.focus()
        self.app.call_after_refresh(self.app._update_status)  # the tab switch may land after the cursor moved
        return editor

    async def _apply_server_edit(self, edit: lsp.WorkspaceEdit) -> bool:
        """workspace/applyEdit from a server (e.g. a code-action command): apply it like a rename."""
        from symphony_tui.lsp.workspace_edit import apply_workspace_edit

        try:
            await apply_workspace_edit(self, edit)
        except SymphonyError as exc:
            self.app.notify(f"{exc.message}\n{exc.hint}", title="Edit failed", severity="error")
            return False
        return True
