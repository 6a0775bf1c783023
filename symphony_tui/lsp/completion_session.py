"""Completion as the user meets it: opens on trigger characters and while typing a word, re-ranks the server's
list client-side on each keystroke (asking again only when the server said the list is incomplete), shows the
highlighted item's documentation (resolving it lazily), and inserts the chosen item — text edits, snippets with
tab stops, and auto-import edits.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual import events
from textual.keys import key_to_character
from textual.widgets.text_area import Edit

from core.errors import CancelledError, SymphonyError
from core.types.text import Position, TextEdit
from symphony_tui.lsp.completion_popup import VISIBLE_ROWS, CompletionPopup
from symphony_tui.lsp.edits import _map
from symphony_tui.lsp.popup import mount_popup
from symphony_tui.partial_layout import end_hold, hand_over_refreshes

if TYPE_CHECKING:
    from lsprotocol import types as lsp

    from core.lsp.client import LanguageServerClient
    from core.lsp.completion import CompletionAnswer, CompletionFilter, RankedItem
    from symphony_tui.lsp.service import LspService, TrackedDocument
    from symphony_tui.widgets.editor import Editor

log = logging.getLogger(__name__)

Location = tuple[int, int]
RESOLVE_TIMEOUT = 1.0
"""Seconds accepting an item may wait for its resolved auto-import edits before inserting without them."""
HOLD_MAX = 0.016
"""Longest a keystroke's repaint waits for the completion list it asked for: one 60 Hz frame, the time the
popup would otherwise have waited for the next frame after the edit's."""
HOLD_IF_FASTER = 0.010
"""Hold the repaint only for servers whose recent answers took less than this (seconds, smoothed): slower
servers (jedi, pylsp) never delay the echo of a key. On a busy 2-core machine the instant benchmark server
round trip is 5-8 ms; a 6 ms threshold left half the keystrokes painting twice."""


def is_word_char(char: str) -> bool:
    """Characters that continue an identifier (and keep completion open)."""
    return char.isalnum() or char == "_"


def word_start(line: str, column: int) -> int:
    """Column where the identifier ending at ``column`` starts."""
    start = column
    while start > 0 and is_word_char(line[start - 1]):
        start -= 1
    return start


@dataclass
class SnippetSession:
    """Tab stops of an inserted snippet, as document spans kept up to date while the user types in them."""

    editor: Editor
    stops: list[list[tuple[Location, Location]]]
    current: int = 0
    skip: int = 0
    """Change notifications to ignore: the snippet's own insertion, already accounted for."""

    def map_edit(self, start: Location, end: Location, new_end: Location) -> None:
        """Move every stop through an edit; the current placeholder grows when typed into at its end."""
        for index, spans in enumerate(self.stops):
            moved = []
            for span_start, span_end in spans:
                if index == self.current and span_start <= start <= span_end and end <= span_end:
                    moved.append((span_start, _map(span_end, start, end, new_end) if span_end > start else new_end))
                else:
                    moved.append((_map(span_start, start, end, new_end), _map(span_end, start, end, new_end)))
            self.stops[index] = moved


@dataclass
class CompletionState:
    """The open popup: whose list it is, where the completed word starts, and the ranked view."""

    document: TrackedDocument
    server: LanguageServerClient
    start: Location
    filter: CompletionFilter
    incomplete: bool
    ranked: list[RankedItem] = field(default_factory=list)
    resolved: dict[int, lsp.CompletionItem] = field(default_factory=dict)
    filter_start: Location | None = None
    """Where the text the list is filtered against starts, when the list's default edit range says so (e.g. at
    the ``$`` or ``@`` before the word, which the items' edits replace); else ``start``."""
    asked_at: Location | None = None
    """The cursor when the server was asked: servers (jedi, pylsp) filter by the prefix typed so far, so after
    deleting back before it the list lacks items that now match and is asked for again (as VS Code does)."""
    editor: Editor | None = None
    """The pane the popup belongs to (a split document has several): it closes when that pane loses focus."""


class CompletionController:
    """Owns the completion popup and the snippet session of the workbench."""

    def __init__(self, service: LspService) -> None:
        self.service = service
        self.popup: CompletionPopup | None = None
        self.state: CompletionState | None = None
        self.snippet: SnippetSession | None = None
        self._generation = 0
        self._request: asyncio.Task[None] | None = None
        self._answer: Coroutine[Any, Any, CompletionAnswer] | None = None
        """The answer ``_request`` waits for (closed if the task is cancelled before it ever ran)."""
        self._resolve: asyncio.Task[None] | None = None
        self._latency: dict[int, float] = {}
        """Smoothed completion round trip per server (by id), to decide whether a repaint may wait for it."""
        self._hold: asyncio.TimerHandle | None = None
        self._docs_queued = False
        self._retired: list[object] = []
        """Replaced answers and lists, freed after the paint (see :meth:`_retire`)."""
        self.shown_callbacks: list[Any] = []
        """Called with the popup after each time it is (re)painted with a new list (benchmarks hook in here)."""
        service.change_listeners.append(self.on_change)

    @property
    def visible(self) -> bool:
        """Whether the popup is showing."""
        return self.popup is not None and self.popup.shown and self.state is not None

    # ----------------------------------------------------------------- one frame per keystroke

    def edit_coming(self, document: TrackedDocument, text: str) -> None:
        """The editor is applying a one-key edit that will re-rank or re-request the list: when the server is
        fast, hold the screen's repaint until the new list is in the popup (at most HOLD_MAX), so the edit and
        the popup reach the terminal in one frame instead of two a frame apart."""
        if self._hold is not None or len(text) > 1 or text == "\n":
            return
        editor = document.editor
        if not self.visible and not (text and is_word_char(text)):
            return  # triggers open the popup from nothing: the first answer is not worth holding for
        manager = self.service.manager
        server = manager.server_for(document.uri) if manager is not None else None
        if server is None or self._latency.get(id(server), HOLD_MAX) >= HOLD_IF_FASTER:
            return
        if editor is not self.service.active_editor or editor.extra_selections:
            return
        app = self.service.app
        app._begin_batch()
        self._hold = asyncio.get_running_loop().call_later(HOLD_MAX, self._release)

    def _release(self) -> None:
        """End the repaint hold (the list is in the popup, the popup closed, or the server was too slow)."""
        hold, self._hold = self._hold, None
        if hold is None:
            return
        hold.cancel()
        end_hold(self.service.app)  # the edit and the list, painted now rather than at the next frame tick
        if self._docs_queued and self.popup is not None:
            self.popup.call_after_refresh(self._show_queued_docs)

    # ----------------------------------------------------------------- reacting to typing

    def on_change(self, document: TrackedDocument, edits: list[TextEdit]) -> None:
        """After each didChange: open, re-rank or close the popup as the typed text says."""
        editor = document.editor
        if self.snippet is not None and self.snippet.skip:
            self.snippet.skip -= 1
        elif self.snippet is not None and self.snippet.editor is editor:
            for edit in edits:
                lines = edit.new_text.split("\n")
                start = edit.range.start.as_tuple()
                new_end = (start[0] + len(lines) - 1, (start[1] if len(lines) == 1 else 0) + len(lines[-1]))
                self.snippet.map_edit(start, edit.range.end.as_tuple(), new_end)
        row, column = editor.cursor_location
        # Keys typed in a burst (a terminal delivers them in one read) reach the server as one didChange: what
        # decides is the run of one-character edits on the cursor's line at its end, whatever came before it.
        typed = 0
        for edit in reversed(edits):
            if not (
                edit.range.start.line == edit.range.end.line == row
                and "\n" not in edit.new_text
                and len(edit.new_text) <= 1
            ):
                break
            typed += 1
        if editor is not self.service.active_editor or editor.extra_selections or not typed:
            self.close()
            return
        if typed < len(edits):
            self.close()  # a new line or a multi-character edit came first: any open list is for another place
        server = self.service.manager.server_for(document.uri) if self.service.manager else None
        if server is None or server.pid is None:
            self.close()
            return
        line = editor.document[row]
        inserted = edits[-1].new_text
        state = self.state
        if inserted:
            if column and line[column - 1] == inserted and inserted in server.completion_triggers():
                self.request(document, server, (row, column), trigger=inserted)
            elif is_word_char(inserted):
                start = (row, word_start(line, column))
                # A burst ("cfg.deb" in one read) may have typed a dot since the open list's word began: that
                # list is for another word, and the new one is asked for.
                if state is not None and state.document is document and not state.incomplete and state.start == start:
                    self.refilter()
                else:
                    self.request(document, server, start)
            else:
                self.close()
        elif state is not None and state.document is document:
            if (row, column) < state.start:
                self.close()
            elif state.incomplete or (state.asked_at is not None and (row, column) < state.asked_at):
                self.request(document, server, state.start)
            else:
                self.refilter()
        if self._request is None or self._request.done():
            self._release()  # nothing more is coming for this keystroke (refilter handed the popup over)

    def trigger(self, editor: Editor) -> None:
        """Open completion at the cursor on demand (ctrl+space)."""
        document = self.service.document(editor)
        if document is None:
            return

        async def run() -> None:
            server = await self.service.server(editor)
            if server is None:
                return
            row, column = editor.cursor_location
            self.request(document, server, (row, word_start(editor.document[row], column)))

        self.service._spawn(run(), "lsp-trigger-completion")

    def request(
        self, document: TrackedDocument, server: LanguageServerClient, start: Location, trigger: str | None = None
    ) -> None:
        """Ask the server for items at the cursor (the previous request, if any, is superseded).

        The request is written before this returns: called from the keystroke's didChange, it reaches the
        server while the editor is still finishing the keystroke."""
        if self.state is not None and (self.state.document is not document or self.state.start != start):
            self.close()  # a list for another word must not stay up while the new one is fetched
        self._generation += 1
        generation = self._generation
        self._drop_request()
        at = document.editor.cursor_location
        asked = time.perf_counter()
        try:
            answer = server.send_completion(document.uri, Position(line=at[0], column=at[1]), trigger_character=trigger)
        except SymphonyError as exc:
            self._failed(server, exc)
            return
        self._answer = answer
        self._request = self.service._spawn(
            self._fetch(document, server, start, generation, answer, at, asked), "lsp-completion"
        )

    def _drop_request(self) -> None:
        """Cancel the request in flight, if any."""
        task, self._request = self._request, None
        if task is not None and not task.done():
            task.cancel()
        answer, self._answer = self._answer, None
        if answer is not None and inspect.getcoroutinestate(answer) == inspect.CORO_CREATED:
            answer.close()  # its task was cancelled before it ran: nothing will ever await it

    def _failed(self, server: LanguageServerClient, error: SymphonyError) -> None:
        log.info("completion failed: %s", error)
        self._latency[id(server)] = HOLD_MAX  # do not hold repaints for a server in trouble
        self._release()

    async def _fetch(
        self,
        document: TrackedDocument,
        server: LanguageServerClient,
        start: Location,
        generation: int,
        pending: Coroutine[Any, Any, CompletionAnswer],
        at: Location,
        asked: float,
    ) -> None:
        from core.lsp.completion import CompletionFilter

        editor = document.editor
        try:
            answer = await pending
            took = time.perf_counter() - asked
            smoothed = self._latency.get(id(server))
            self._latency[id(server)] = took if smoothed is None else 0.8 * smoothed + 0.2 * took
        except CancelledError:
            return  # a newer keystroke superseded this request
        except SymphonyError as exc:
            self._failed(server, exc)
            return
        finally:
            if self._answer is pending:
                self._answer = None
        if generation != self._generation or editor is not self.service.active_editor:
            return
        if not answer.items:
            self.close()
            return
        self._retire(self.state)
        self.state = CompletionState(
            document,
            server,
            start,
            CompletionFilter(answer.items),
            answer.is_incomplete,
            filter_start=self._filter_start(document, server, answer.items.edit_start(), at),
            editor=editor,
            asked_at=at,
        )
        await self._ensure_popup(editor)
        self.refilter()
        self._release()

    def _filter_start(
        self, document: TrackedDocument, server: LanguageServerClient, edit_start: lsp.Position | None, at: Location
    ) -> Location | None:
        """The default edit range's start as a location, if it is on the cursor's line before the cursor."""
        from lsprotocol import types as lsp

        if edit_start is None:
            return None
        converted = self.service.range_from_server(server, document.uri, lsp.Range(start=edit_start, end=edit_start))
        location = converted.start.as_tuple()
        return location if location[0] == at[0] and location <= at else None

    async def _ensure_popup(self, editor: Editor) -> None:
        if self.popup is None or not self.popup.is_attached or self.popup.screen is not editor.screen:
            popup = CompletionPopup()
            popup.display = False  # shown by refilter once it has a list and a place
            self.popup = popup
            await mount_popup(editor, popup)
            await mount_popup(editor, popup.docs)

    def typed(self) -> str:
        """The text between the completed word's start and the cursor."""
        state = self.state
        if state is None:
            return ""
        editor = state.document.editor
        row, column = editor.cursor_location
        origin = state.filter_start or state.start
        if row != origin[0] or column < origin[1]:
            return ""
        return editor.document[row][origin[1] : column]

    def refilter(self) -> None:
        """Rank the current list for what is typed now and repaint (closing when nothing matches)."""
        state, popup = self.state, self.popup
        if state is None or popup is None:
            return
        typed = self.typed()
        self._retire(state.ranked, popup.items)
        state.ranked = state.filter.rank(typed)
        if not state.ranked or (len(state.ranked) == 1 and state.ranked[0].label == typed and typed):
            self.close(keep_state=False)
            return
        selected = 0
        if not typed and (preselected := state.filter.items.preselected()):
            # Nothing typed yet (a trigger character, or asked for): the server's preselected item, as VS Code.
            selected = next((row for row, ranked in enumerate(state.ranked) if ranked.index in preselected), 0)
        # Showing or moving the popup lays out only the popup, not the workbench (symphony_tui.partial_layout).
        popup.show(state.ranked, selected)
        if not popup.display:
            popup.display = True
        popup.anchor(state.document.editor, state.start)
        # Straight to the screen, not via the popup's message queue: the held frame is painted next and must
        # hold the new list (and the popup, when it was just shown).
        hand_over_refreshes(popup.screen, popup)
        self._queue_docs()
        for callback in list(self.shown_callbacks):
            callback(popup)

    def _retire(self, *replaced: object) -> None:
        """Keep what a new answer replaces alive until the frame is painted.

        An incomplete list brings a new answer on every keystroke; dropping the previous one frees its 500 items
        and their strings (~0.2 ms) on the keystroke's path, before the paint. Freed after it, nobody waits.
        """
        if not any(item is not None for item in replaced):
            return
        if not self._retired:
            self.service.app.call_after_refresh(self._retired.clear)
        self._retired.extend(replaced)

    def close(self, keep_state: bool = False) -> None:
        """Hide the popup and forget its list."""
        self._generation += 1
        if not keep_state:
            self._retire(self.state)
            self.state = None
        popup = self.popup
        if popup is not None and popup.display:
            popup.hide()
        self._release()

    def editor_left(self, editor: Editor) -> None:
        """``editor`` lost focus (another pane, the explorer, a terminal, a modal screen): its popup, or the
        list still on its way for it, must not float over what the user went to."""
        state = self.state
        if state is None or state.editor is editor:
            self.close()

    # ----------------------------------------------------------------- keys

    def handle_key(self, editor: Editor, key: str) -> bool:
        """Keys the popup or snippet session answers instead of the editor; True when consumed."""
        if self.visible and self.state is not None and self.state.document.editor is editor:
            assert self.popup is not None
            selection = self.popup.selected
            moves = {"up": -1, "down": 1, "pageup": -VISIBLE_ROWS, "pagedown": VISIBLE_ROWS}
            if key in moves:
                count = len(self.state.ranked)
                self.popup.select((selection + moves[key]) % count if abs(moves[key]) == 1 else selection + moves[key])
                self._show_docs()
                return True
            # A new answer may be in the state but not yet ranked into the popup (its list is being mounted).
            selected = self.state.ranked[selection] if selection < len(self.state.ranked) else None
            if key in ("enter", "tab") and selected is not None:
                self.service._spawn(self.accept(selected.item), "lsp-accept-completion")
                return True
            if key in ("shift+enter", "shift+tab") and selected is not None:
                # VS Code's "accept alternative": an InsertReplaceEdit replaces the rest of the word too.
                self.service._spawn(self.accept(selected.item, replace=True), "lsp-accept-completion")
                return True
            char = key_to_character(key)
            if char is not None and selected is not None and self._commits(self.state, selected, char):
                # As VS Code does: accept the item, then type the character after it (through the editor, so
                # auto-closing and the popups react to it as to any typed character).
                self.service._spawn(self.accept(selected.item, then_type=(key, char)), "lsp-commit-completion")
                return True
            if key == "escape":
                self.close()
                return True
            if key in ("left", "right", "home", "end", "ctrl+left", "ctrl+right"):
                self.close()
        if self.snippet is not None and self.snippet.editor is editor:
            if key == "tab":
                return self.next_stop(1)
            if key == "shift+tab":
                return self.next_stop(-1)
            if key == "escape":
                self.snippet = None
                return True
        return False

    @staticmethod
    def _commits(state: CompletionState, ranked: RankedItem, char: str) -> bool:
        """Whether typing ``char`` accepts ``ranked``: its commitCharacters, else the server's
        allCommitCharacters. Word characters never commit (they keep filtering), whatever a server says."""
        if is_word_char(char):
            return False
        own = ranked.items.commit_characters(ranked.index)
        return char in (own if own is not None else state.server.commit_characters())

    # ----------------------------------------------------------------- documentation

    def _queue_docs(self) -> None:
        """Show the highlighted item's documentation once the list is on screen.

        Rendering the pane (markdown, and typing the item) takes ~1.5 ms whenever the top item changes, on the
        keystroke's path: the edit and the new list reach the terminal that much sooner, the pane a frame later
        (as VS Code fills its details pane after the list). Arrow keys show it at once.
        """
        if self._docs_queued or self.popup is None:
            return
        self._docs_queued = True
        if self._hold is None:  # while a repaint is held, the release schedules it (callbacks would run now)
            self.popup.call_after_refresh(self._show_queued_docs)

    def _show_queued_docs(self) -> None:
        self._docs_queued = False
        if self.visible:
            self._show_docs()

    def _show_docs(self) -> None:
        state, popup = self.state, self.popup
        if state is None or popup is None or not state.ranked:
            return
        item = state.ranked[popup.selected].item
        key = id(item)
        shown = state.resolved.get(key, item)
        popup.show_docs(*_documentation(shown))
        if key in state.resolved or (shown.documentation is not None and shown.additional_text_edits is not None):
            return
        provider = state.server.capabilities.completion_provider if state.server.capabilities else None
        if not provider or not provider.resolve_provider:
            return
        if self._resolve is not None and not self._resolve.done():
            self._resolve.cancel()
        self._resolve = self.service._spawn(self._resolve_docs(state, item), "lsp-resolve-completion")

    async def _resolve_docs(self, state: CompletionState, item: lsp.CompletionItem) -> None:
        await asyncio.sleep(0.05)  # do not resolve every row the user merely scrolls past
        try:
            resolved = await state.server.resolve_completion(item)
        except SymphonyError:
            return
        state.resolved[id(item)] = resolved
        popup = self.popup
        if self.state is state and popup is not None and state.ranked and state.ranked[popup.selected].item is item:
            popup.show_docs(*_documentation(resolved))

    # ----------------------------------------------------------------- accepting

    async def accept(
        self, item: lsp.CompletionItem, then_type: tuple[str, str] | None = None, replace: bool = False
    ) -> None:
        """Insert ``item``: its text edit or text (a snippet's tab stops become a session), then its
        additional edits (auto-imports), as one undo step; then type ``then_type`` (key, character), the
        commit character that accepted it. An InsertReplaceEdit inserts before the cursor (VS Code's and
        Helix's default) unless ``replace``: then it also replaces the rest of the word after the cursor."""
        from lsprotocol import types as lsp

        from core.lsp.edits import to_core_edits
        from core.lsp.snippets import expand_snippet

        state = self.state
        if state is None:
            return
        self.close()
        document, server = state.document, state.server
        editor = document.editor
        resolved = state.resolved.get(id(item))
        if resolved is None and item.additional_text_edits is None:
            provider = server.capabilities.completion_provider if server.capabilities else None
            if provider and provider.resolve_provider:
                try:
                    resolved = await asyncio.wait_for(server.resolve_completion(item), RESOLVE_TIMEOUT)
                except (SymphonyError, TimeoutError):
                    resolved = None
        item = state.filter.items.complete(resolved) if resolved is not None else item
        await self.service.synced(document)
        cursor = editor.cursor_location
        start: Location = state.start
        end: Location = cursor
        text = item.insert_text or item.label
        edit = item.text_edit
        if edit is not None:
            span = edit.range if isinstance(edit, lsp.TextEdit) else edit.insert
            converted = self.service.range_from_server(server, document.uri, span)
            start = converted.start.as_tuple()
            end = max(converted.end.as_tuple(), cursor) if converted.end.line == cursor[0] else converted.end.as_tuple()
            if replace and isinstance(edit, lsp.InsertReplaceEdit):
                # The replace range ends where the word ended when the server was asked; what was typed since
                # went in before the cursor, so the same count of characters after the cursor is replaced.
                whole = self.service.range_from_server(server, document.uri, edit.replace)
                if whole.end.line == converted.end.line == end[0]:
                    tail = max(0, whole.end.column - converted.end.column)
                    end = (end[0], min(len(editor.document[end[0]]), end[1] + tail))
            text = edit.new_text
        if item.insert_text_mode == lsp.InsertTextMode.AdjustIndentation and "\n" in text:
            line = editor.document[start[0]]
            text = text.replace("\n", "\n" + line[: len(line) - len(line.lstrip())])  # lines after the first
        stops: list[list[tuple[int, int]]] = []
        if item.insert_text_format == lsp.InsertTextFormat.Snippet:
            snippet = expand_snippet(text)
            text = snippet.text
            ordered = sorted(snippet.stops, key=lambda stop: (stop.index == 0, stop.index))
            stops = [list(stop.spans) for stop in ordered]
        extra: list[TextEdit] = []
        if item.additional_text_edits:
            mirror = server.documents.get(document.uri)
            if mirror is not None:
                try:
                    extra = to_core_edits(mirror.text, item.additional_text_edits, server.encoding)
                except SymphonyError as exc:
                    log.info("ignoring additional edits of %s: %s", item.label, exc)
        main_start, main_end = start, end
        with editor.history.group():
            result = editor.edit(Edit(text, start, end, False))
            main_end = result.end_location
            for change in extra:  # last-first; the auto-imports sit above the completed word
                s, e = change.range.start.as_tuple(), change.range.end.as_tuple()
                if s >= start:
                    continue  # overlapping the inserted text: skip rather than corrupt it
                extra_result = editor.edit(Edit(change.new_text, s, e, False))
                main_start = _map(main_start, s, e, extra_result.end_location)
                main_end = _map(main_end, s, e, extra_result.end_location)
        if stops:
            absolute = [
                [(_offset(text, main_start, a), _offset(text, main_start, b)) for a, b in spans] for spans in stops
            ]
            self.snippet = SnippetSession(editor, absolute, skip=1)
            self.service.flush(document)
            self._select_stop()
        else:
            editor.move_cursor(main_end)
            self.service.flush(document)
        if then_type is not None:
            key, char = then_type
            editor.post_message(events.Key(key, char))

    def next_stop(self, step: int) -> bool:
        """Move to the next (or previous) tab stop; leaving the last one ends the session."""
        session = self.snippet
        if session is None:
            return False
        session.current += step
        if session.current < 0:
            session.current = 0
        if session.current >= len(session.stops):
            self.snippet = None
            return True
        self._select_stop()
        return True

    def _select_stop(self) -> None:
        session = self.snippet
        if session is None:
            return
        spans = session.stops[session.current]
        if not spans:
            return
        first, last = spans[0]
        session.editor.selection = session.editor.selection.__class__(first, last)
        if session.current == len(session.stops) - 1 and len(session.stops[-1]) == 1 and first == last:
            self.snippet = None  # the final cursor position ($0): the session is over


def _offset(text: str, origin: Location, offset: int) -> Location:
    """Location of character ``offset`` of ``text`` inserted at ``origin``."""
    before = text[:offset]
    breaks = before.count("\n")
    if not breaks:
        return (origin[0], origin[1] + len(before))
    return (origin[0] + breaks, len(before) - before.rfind("\n") - 1)


def _documentation(item: lsp.CompletionItem) -> tuple[str, str, bool]:
    """(detail, documentation, documentation is markdown)."""
    from lsprotocol import types as lsp

    docs = item.documentation
    if isinstance(docs, lsp.MarkupContent):
        return item.detail or "", docs.value, docs.kind == lsp.MarkupKind.Markdown
    return item.detail or "", docs or "", False
