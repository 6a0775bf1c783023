"""An editor tab: a code TextArea bound to one file on disk, with the metadata needed to save it faithfully."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.content import Style as ContentStyle
from textual.document._document import Document
from textual.document._document_navigator import DocumentNavigator
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import TextArea
from textual.widgets.text_area import Selection

from core.errors import SymphonyError
from core.text.backups import BackupStore, BufferBackup
from core.types import LineEnding
from core.workspace.editorconfig import EditorConfig
from core.workspace.textfile import read_text_file
from symphony_tui.debounce import Debounce
from symphony_tui.key_parsing import BURST_ATTRIBUTE
from symphony_tui.lsp.editor_mixin import LanguageFeaturesMixin
from symphony_tui.widgets.editor_cursors import GroupingHistory
from symphony_tui.widgets.editor_decorations import EditorDecorationsMixin
from symphony_tui.widgets.editor_document import ByteEdit, EditorDocument, FastWrappedDocument
from symphony_tui.widgets.editor_lines import LineCommandsMixin
from symphony_tui.widgets.editor_multicursor import MultiCursorMixin
from symphony_tui.widgets.editor_render import WindowedRenderMixin
from symphony_tui.widgets.editor_repaint import DirtyRowsMixin, merged_spans
from symphony_tui.widgets.editor_row import EditorStylesCache, OnePassRowMixin
from symphony_tui.widgets.editor_split import SplitPeersMixin
from symphony_tui.widgets.editor_syntax import ParseJob, SyntaxTree
from symphony_tui.widgets.editor_typing import SmartTypingMixin
from symphony_tui.widgets.editor_watch import FileWatch, unified_diff
from symphony_tui.widgets.grammars import grammar_for
from symphony_tui.widgets.highlights import LazyHighlights

if TYPE_CHECKING:
    from symphony_tui.lsp.sync import DocumentSync

log = logging.getLogger(__name__)

PREFIX_PARSE_LINES = 1000
"""Lines parsed before the first frame of a large file."""

BACKUP_DELAY = 1.0
"""Seconds after the last edit before unsaved text is backed up (the issue asks for at most 2 s)."""

FULL_PARSE_DELAY = 0.1
"""Seconds after a large file is shown before its whole-file parse starts."""

MAX_HIGHLIGHT_LINE_LENGTH = 20_000
"""Longer rows are shown without syntax colours (VS Code's ``maxTokenizationLineLength``)."""

REPARSE_DELAY = 0.15
"""Seconds of quiet after an edit before the syntax tree is reparsed (edits paint at once from the shifted tree)."""


@dataclass(frozen=True)
class FileState:
    """What we must remember about the file on disk to save it back exactly as it was (encoding, EOL...)."""

    path: Path | None
    language: str = "text"
    encoding: str = "utf-8"
    line_ending: LineEnding = LineEnding.LF
    has_bom: bool = False
    mtime_ns: int | None = None
    encoding_guessed: bool = False
    line_endings: tuple[LineEnding, ...] | None = None
    """For a file that mixed line endings: the ending of each line break as read (None otherwise)."""
    binary: bool = False
    """The buffer is a read-only hex view of a binary file (saving is refused: the bytes are never rewritten)."""
    highlight: bool = True
    """False for files over the large-file limit: shown without syntax highlighting."""

    def saved_as(self, path: Path, mtime_ns: int) -> FileState:
        """The state after a save to ``path``."""
        return replace(self, path=path, mtime_ns=mtime_ns)


class Editor(
    OnePassRowMixin,
    LanguageFeaturesMixin,
    EditorDecorationsMixin,
    SmartTypingMixin,
    MultiCursorMixin,
    LineCommandsMixin,
    DirtyRowsMixin,
    SplitPeersMixin,
    WindowedRenderMixin,
    TextArea,
):
    """A code editor for one document. Tracks dirtiness against the text last loaded or saved.

    It is Textual's TextArea with the hot path replaced: the document, wrapping and syntax tree cost time in
    proportion to the edit and the painted lines, not to the file (see ``editor_document`` and ``editor_syntax``).
    """

    DEFAULT_CSS = """
    Editor {
        border: none;
        padding: 0;
        height: 1fr;
    }
    Editor:focus {
        border: none;
    }
    Editor.-split-pane, Editor.-split-pane:focus {
        border-left: vkey $panel-lighten-2;
    }
    """

    BINDINGS = [
        Binding("ctrl+home", "cursor_document_start", "Document start", show=False),
        Binding("ctrl+end", "cursor_document_end", "Document end", show=False),
        Binding("ctrl+shift+home", "cursor_document_start(True)", "Select to document start", show=False),
        Binding("ctrl+shift+end", "cursor_document_end(True)", "Select to document end", show=False),
        Binding("ctrl+a", "select_all", "Select all", show=False),
    ]

    sync_reparse_lines = 3000
    """Documents up to this many lines reparse on each edit; longer ones reparse after a pause in typing."""

    class DirtyChanged(Message):
        """Posted when the editor's unsaved state flips."""

        def __init__(self, editor: Editor) -> None:
            super().__init__()
            self.editor = editor

    class LanguageChanged(Message):
        """Posted when the buffer's language was changed by the user (the status bar shows it)."""

        def __init__(self, editor: Editor) -> None:
            super().__init__()
            self.editor = editor

    def __init__(self, text: str, state: FileState, *, theme: str, id: str | None = None) -> None:
        self._init_split()
        self._syntax: SyntaxTree | None = None
        self._reparse_timer: Timer | None = None
        self._parse_in_flight: ParseJob | None = None
        self._edits_in_flight: list[ByteEdit] = []
        self._rows_in_flight: list[tuple[int, int]] = []
        self._pending_rows: list[tuple[int, int, int]] = []
        self._edited_since_parse: list[tuple[int, int]] = []
        self._painted_gutter = -1
        self._file_watch: FileWatch | None = None
        self._conflict_open = False
        self._backup_timer = Debounce(BACKUP_DELAY, self.write_backup, name="hot-exit backup")
        self._backup_order = time.time_ns()
        self.document_sync: DocumentSync | None = None
        """Told about every text change (a language server's incremental sync); set by the LSP service."""
        self.buffer_id = uuid.uuid4().hex
        """Identifies this buffer's hot-exit backup (and the document for extensions)."""
        self.version = 0
        """Counts every change of the text, so extensions can tell which text an edit was computed against."""
        self.deleted_on_disk = False
        """The bound file was deleted outside Symphony (the buffer is kept; saving recreates it)."""
        super().__init__(
            "",
            language=None,
            theme=theme,
            soft_wrap=False,
            tab_behavior="indent",
            show_line_numbers=True,
            id=id,
        )
        self._styles_cache = EditorStylesCache()
        self.state = state
        """The file this editor is bound to and how to write it back."""
        # Build the document once, with its language, without running the language watcher (which would
        # split and parse the whole text a second time).
        language = state.language if state.highlight and grammar_for(state.language) is not None else None
        self._set_document(text, language)
        self.set_reactive(TextArea.language, language)
        self._adopt_line_endings(state.line_endings)
        self._saved_lines: list[str] = list(self.document.lines)
        self._css_applied_to: object = None
        self._dirty = False
        self.history = GroupingHistory(
            max_checkpoints=self.history.max_checkpoints,
            checkpoint_timer=self.history.checkpoint_timer,
            checkpoint_max_characters=self.history.checkpoint_max_characters,
        )
        self.extra_selections: list[Selection] = []
        """Secondary cursors/selections; ``selection`` stays the primary one the view follows."""
        self.editorconfig = EditorConfig()
        """The .editorconfig properties for this file (indentation, whitespace on save)."""
        self.language_overridden = False
        """True once the user picked this buffer's language (session restore brings the choice back)."""
        if state.binary:
            self.read_only = True

    def on_mount(self) -> None:
        if self._syntax is not None and self._syntax.partial:
            self._schedule_full_parse()
        self._watch_file()

    async def on_unmount(self) -> None:
        self.unlink_split()
        # Closing a tab or quitting only happens once the user saved or chose to discard: no backup is needed.
        self._backup_timer.cancel()
        self._discard_backup()
        if self._file_watch is not None:
            await self._file_watch.stop()
            self._file_watch = None

    # ----------------------------------------------------------------- the file on disk

    def _watch_file(self) -> None:
        """Watch the bound file (again, after a save-as) for outside changes."""
        path = self.state.path
        if self.is_split_pane:
            return  # the first pane of the split watches the file
        if self._file_watch is not None and self._file_watch.path == path:
            return
        if self._file_watch is not None:
            self.run_worker(self._file_watch.stop(), group="file-watch-stop")
            self._file_watch = None
        if path is not None and self.is_attached:
            self._file_watch = FileWatch(path, self._disk_changed)
            self._file_watch.start()

    @property
    def file_watch(self) -> FileWatch | None:
        """The watch on the bound file, if any."""
        return self._file_watch

    def _disk_changed(self) -> None:
        """The file changed outside: reload if clean, ask if dirty, mark the tab if it is gone."""
        path = self.state.path
        if path is None:
            return
        try:
            info = path.stat()
        except FileNotFoundError:
            if not self.deleted_on_disk:
                self.deleted_on_disk = True
                # Nothing left to conflict with: saving simply writes the file again.
                self.state = replace(self.state, mtime_ns=None)
                self.post_message(self.DirtyChanged(self))  # the tab label shows "(deleted)"
            return
        except OSError:
            return
        if self.deleted_on_disk:
            self.deleted_on_disk = False
            self.post_message(self.DirtyChanged(self))
        if info.st_mtime_ns == self.state.mtime_ns:
            return  # our own save
        if not self.dirty:
            self.reload_from_disk()
        elif not self._conflict_open:
            self._ask_about_conflict()

    def reload_from_disk(self) -> bool:
        """Replace the text with the file's, keeping the cursor and scroll position; False if unreadable."""
        path = self.state.path
        if path is None:
            return False
        if self.state.binary:
            return self._reload_hex_view(path)
        try:
            loaded = read_text_file(path, default_encoding=self.state.encoding)
        except SymphonyError as exc:
            self.notify(f"{exc.message}\n{exc.hint}", title="Cannot reload", severity="warning")
            return False
        cursor, scroll = self.cursor_location, self.scroll_offset
        self.load_text(loaded.text)
        self.state = replace(
            self.state,
            mtime_ns=loaded.mtime_ns,
            encoding=loaded.encoding,
            has_bom=loaded.has_bom,
            line_ending=loaded.line_ending,
            line_endings=loaded.line_endings,
        )
        self._adopt_line_endings(loaded.line_endings)
        self.mark_saved(loaded.text, self.state)
        row = min(cursor[0], self.document.line_count - 1)
        self.move_cursor((row, min(cursor[1], len(self.document[row]))))
        self.scroll_to(scroll.x, scroll.y, animate=False)
        return True

    def _reload_hex_view(self, path: Path) -> bool:
        from core.workspace.hexdump import read_hex_view

        try:
            text, _, _ = read_hex_view(path)
            mtime_ns = path.stat().st_mtime_ns
        except OSError as exc:
            self.notify(f"{path}: {exc.strerror or exc}", title="Cannot reload", severity="warning")
            return False
        cursor = self.cursor_location
        self.load_text(text)
        self.state = replace(self.state, mtime_ns=mtime_ns)
        self.mark_saved(text, self.state)
        row = min(cursor[0], self.document.line_count - 1)
        self.move_cursor((row, min(cursor[1], len(self.document[row]))))
        return True

    def _ask_about_conflict(self) -> None:
        from symphony_tui.widgets.dialogs import Choice, ChoiceDialog

        name = self.display_name
        choices = [
            Choice("mine", "Keep Mine", "k", "primary"),
            Choice("theirs", "Take Theirs", "t", "warning"),
            Choice("compare", "Compare", "c"),
        ]

        def answered(choice: str | None) -> None:
            self._conflict_open = False
            path = self.state.path
            if choice == "theirs":
                self.reload_from_disk()
            elif choice == "compare" and path is not None:
                try:
                    theirs = read_text_file(path, default_encoding=self.state.encoding).text
                except SymphonyError:
                    theirs = ""
                self._conflict_open = True
                self.app.push_screen(
                    ChoiceDialog(f"{name}: your version → disk", unified_diff(self.text, theirs, name), choices[:2]),
                    answered,
                )
            elif path is not None:
                # Keep mine: the next save overwrites the outside version without asking again.
                with contextlib.suppress(OSError):
                    self.state = replace(self.state, mtime_ns=path.stat().st_mtime_ns)

        self._conflict_open = True
        self.app.push_screen(
            ChoiceDialog(
                f"{name} changed on disk",
                "You have unsaved changes. Keep your version, take the one on disk, or compare them?",
                choices,
                cancel="mine",
            ),
            answered,
        )

    def _schedule_full_parse(self) -> None:
        # A few frames after mounting, so the first screen (highlighted from the prefix parse) is painted first.
        self._reparse_timer = self.set_timer(FULL_PARSE_DELAY, self._reparse, name="full-parse")

    @property
    def dirty(self) -> bool:
        """True while the text differs from what was last loaded or saved."""
        return self._dirty

    @property
    def display_name(self) -> str:
        """The tab label: the file name (marked when deleted on disk), or 'Untitled'."""
        if self.state.path is None:
            return "Untitled"
        return self.state.path.name + (" (deleted)" if self.deleted_on_disk else "")

    @property
    def line_endings(self) -> tuple[LineEnding, ...] | None:
        """The ending of each line break for a file that mixed them (pass to ``save_text_file``), else None."""
        endings = getattr(self.document, "line_endings", None)
        return None if endings is None else tuple(LineEnding(e) for e in endings)

    def _adopt_line_endings(self, endings: tuple[LineEnding, ...] | None) -> None:
        document = self.document
        if not isinstance(document, EditorDocument) or not endings:
            return
        breaks = document.line_count - 1
        values = [e.value for e in endings[:breaks]]
        document.default_line_ending = self.state.line_ending.value
        document.line_endings = values + [document.default_line_ending] * (breaks - len(values))

    def load_text(self, text: str) -> None:
        """Replace the whole text (e.g. after a save that trimmed whitespace); mixed line endings carry over."""
        endings = self.line_endings
        self.version += 1
        super().load_text(text)
        self._adopt_line_endings(endings)
        if self._peers and not self._mirroring:
            for peer in self._peers:  # the other pane of a split shows the same text
                peer._mirroring = True
                try:
                    peer.load_text(text)
                finally:
                    peer._mirroring = False

    @property
    def language_id(self) -> str:
        """The file's language id, highlighted or not (decides the comment token)."""
        return self.state.language

    @property
    def is_syntax_aware(self) -> bool:
        """True when the document is parsed for highlighting."""
        return self._syntax is not None

    # ----------------------------------------------------------------- document and syntax

    def _set_document(self, text: str, language: str | None) -> None:
        # Replaces TextArea's version: our document and wrapping model, and a syntax tree we reparse ourselves.
        self._highlight_query = None
        document = EditorDocument(text)
        self._syntax = None
        self._attach_syntax(document, language)
        document.on_replace = self._document_edited
        document.on_text_replaced = self._text_replaced
        if self.document_sync is not None:
            self.document_sync.replaced(self)
        self._pending_rows = []
        self.document = document
        self.wrapped_document = FastWrappedDocument(document, tab_width=self.indent_width)
        self.navigator = DocumentNavigator(self.wrapped_document)
        self._build_highlight_map()
        self.extra_selections = []
        self.move_cursor((0, 0))
        self._rewrap_and_refresh_virtual_size()

    def _attach_syntax(self, document: EditorDocument, language: str | None) -> None:
        """Parse ``document`` with ``language``'s grammar (none: plain text)."""
        grammar = grammar_for(language) if language else None
        self._syntax = None
        self._parse_in_flight = None  # a parse of the old tree, if running, lands on nothing
        document.track_bytes = False
        if grammar is None:
            return
        # A large file is first parsed only as far as the first screens need; the whole parse runs right after
        # the first frame.
        prefix = None
        if document.line_count > self.sync_reparse_lines:
            prefix = document.byte_offsets.offset((PREFIX_PARSE_LINES, 0))
        source = document.text.encode("utf-8")
        self._syntax = SyntaxTree(grammar.language, grammar.highlight_query, source, prefix=prefix)
        document.track_bytes = True
        if self._syntax.partial and self.is_attached:
            self._schedule_full_parse()

    def set_language(self, language_id: str) -> None:
        """Switch this buffer to ``language_id`` (highlighting, comment token); the text and history stay."""
        self.state = replace(self.state, language=language_id)
        self.language_overridden = True
        highlighted = language_id if grammar_for(language_id) is not None else None
        self.set_reactive(TextArea.language, highlighted)
        if self._reparse_timer is not None:
            self._reparse_timer.stop()
            self._reparse_timer = None
        document = self.document
        if isinstance(document, EditorDocument):
            self._attach_syntax(document, highlighted)
        self._pending_rows = []
        self._build_highlight_map()
        self.refresh()
        self.post_message(self.LanguageChanged(self))

    def _document_edited(self, first: int, old_last: int, new_last: int, byte_edit: ByteEdit | None) -> None:
        # Runs inside each document edit: remember which rows changed (TextArea repaints after the edit) and move
        # the syntax tree along. Small documents reparse at once (it costs less than a frame, and what is painted
        # is then always exact); large ones wait for a pause in typing.
        self.version += 1
        self._pending_rows.append((first, old_last, new_last))
        if self._syntax is None or byte_edit is None:
            return
        # Rows typed into since the last parse were highlighted from the shifted tree; the reparse must redo them
        # even where the syntax did not change.
        shift = new_last - old_last
        edited = self._edited_since_parse
        if shift:
            edited = [(a + shift, b + shift) if a > old_last else (a, b) for a, b in edited]
        if not edited or edited[-1] != (first, new_last):  # typing along one row adds it once
            edited.append((first, new_last))
        self._edited_since_parse = edited
        self._syntax.edit(*byte_edit)
        if self._parse_in_flight is not None:
            self._edits_in_flight.append(byte_edit)
        if self._reparse_timer is not None:
            self._reparse_timer.stop()
            self._reparse_timer = None
        if self.document.line_count <= self.sync_reparse_lines:
            self._parse_in_flight = None  # parsed here and now: a threaded parse still running is outdated
            changed = self._syntax.reparse(self.document.text.encode("utf-8"))
            self._edited_since_parse = []
            if changed is None:
                self._pending_rows = []  # the next highlight rebuild must be a full one
            else:  # rows whose syntax changed (an opened string...) are forgotten along with the edited ones
                self._pending_rows.extend((first, last, last) for first, last in changed)
        elif self.is_attached:
            self._reparse_timer = self.set_timer(REPARSE_DELAY, self._reparse, name="reparse")

    async def on_event(self, event: events.Event) -> None:
        await super().on_event(event)
        sync = (self.split_of or self).document_sync  # a split pane's edits reach the server through its owner
        if (
            sync is not None
            and isinstance(event, (events.Key, events.Paste))
            and not getattr(event, BURST_ATTRIBUTE, 0)  # more keys of the same terminal read follow: one change
        ):
            # The keystroke's didChange (and completion request) go out now, so the language server works while
            # Textual finishes the keystroke (bubbling, watchers, messages) instead of after it.
            sync.input_handled(self)

    def _text_replaced(self, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
        if self.document_sync is not None:
            self.document_sync.edited(self, start, end, text)
        if self._peers:
            self._forward_to_split_peers(start, end, text)

    def _reparse(self) -> None:
        """Bring the syntax tree up to date with the text in a worker thread (see ``editor_syntax``); the repaint
        with fresh highlights follows when it lands."""
        self._reparse_timer = None
        syntax = self._syntax
        if syntax is None or not syntax.stale or self._parse_in_flight is not None:
            return  # a parse running now is followed by another if edits made the tree stale again
        document = self.document
        job = syntax.snapshot()
        self._parse_in_flight = job
        self._edits_in_flight = []
        self._rows_in_flight, self._edited_since_parse = self._edited_since_parse, []
        lines = list(document.lines)  # copying the references is cheap; joining 5 MB is done in the thread
        self.run_worker(self._parse_in_thread(job, lines, document.newline), group="reparse", exit_on_error=False)

    async def _parse_in_thread(self, job: ParseJob, lines: list[str], newline: str) -> None:
        try:
            await asyncio.to_thread(job.run, lines, newline)
        except Exception:
            # The highlights stay those of the shifted old tree; the next pause in typing tries again.
            log.exception("reparse failed")
            if job is self._parse_in_flight:
                self._parse_in_flight = None
                self._edited_since_parse = self._rows_in_flight + self._edited_since_parse
            return
        syntax = self._syntax
        if job is not self._parse_in_flight or syntax is None:
            return  # the language or text was replaced meanwhile
        self._parse_in_flight = None
        first_full_parse = syntax.partial
        later, self._edits_in_flight = self._edits_in_flight, []
        syntax.adopt(job, later)
        edited, self._rows_in_flight = self._rows_in_flight, []
        changed = job.changed
        if changed is not None and later:
            changed = None  # rows moved under the parse: repaint the view from the new tree
        if changed is not None:
            changed = changed + edited
        self._pending_rows = [] if changed is None else [(first, last, last) for first, last in changed]
        if syntax.stale and self.is_attached:  # edits while it parsed: parse them after the next pause
            self._reparse_timer = self.set_timer(REPARSE_DELAY, self._reparse, name="reparse")
        if changed == []:
            return
        self._build_highlight_map()
        if changed is None:
            self.refresh()
        if first_full_parse:
            # Sum the byte offsets of every line now, while the user is looking, not on the first edit far down.
            document = self.document
            if isinstance(document, EditorDocument):
                document.byte_offsets.offset((document.line_count - 1, 0))
            # A large file has just finished loading. A full (generation 2) garbage collection walks every object
            # the app holds and took 60-80 ms, landing on a random keystroke every ~15 keys; freezing what exists
            # (after collecting what is already garbage) keeps those walks short. Both wait for a pause in input:
            # this parse often lands while the user types.
            idle_gc = getattr(self.app, "_idle_gc", None)
            if idle_gc is not None:
                idle_gc.freeze_when_idle()
            else:
                gc.collect()
                gc.freeze()

    def _build_highlight_map(self) -> None:
        # TextArea calls this after every edit and would forget every highlight and painted line. After plain
        # edits only the edited rows (and, if lines were added or removed, the rows below) are forgotten.
        pending, self._pending_rows = self._pending_rows, []
        gutter = self.gutter_width
        wrapped = self.wrapped_document
        soft_wrap = self.soft_wrap
        if soft_wrap and (not isinstance(wrapped, FastWrappedDocument) or wrapped._width != self.wrap_width):
            pending = []  # wrapped anew at another width: every section may have changed
        if pending and gutter == self._painted_gutter:
            # With soft wrap, an edit that changed how many rows its lines take moves the rows below on screen;
            # they stay cached (painted rows are keyed by document row and section), the view is recomposed.
            rows_moved = soft_wrap and isinstance(wrapped, FastWrappedDocument) and wrapped.rows_moved
            in_place: list[tuple[int, int]] = []  # rows changed without moving the rows below
            for first, old_last, new_last in pending:
                if isinstance(self._highlights, LazyHighlights):
                    self._highlights.edited(first, old_last, new_last)
                if old_last == new_last:
                    in_place.append((first, new_last))
                else:
                    self._forget_painted_rows(first, None)
                    self.repaint_rows([(first, new_last)], to_bottom=True)
            # A reparse reports a span per changed range and per row typed into: forget and repaint them merged
            # (each pass over the painted rows cost a walk of the whole line cache).
            for first, last in merged_spans(in_place):
                self._forget_painted_rows(first, last)
            if rows_moved:
                self.refresh()
            elif in_place:
                self.repaint_rows(in_place)
            return
        self._painted_gutter = gutter
        self._line_cache.clear()
        self.refresh()
        if self._syntax is None:
            self._highlights = defaultdict(list)
            return
        if not isinstance(self._highlights, LazyHighlights):
            self._highlights = LazyHighlights(self._query_lines)
        self._highlights.clear()

    def _forget_painted_rows(self, first: int, last: int | None) -> None:
        """Drop cached rendered lines for document rows first..last (or to the end)."""
        cache = self._line_cache
        for key in list(cache.keys()):
            row = key[2]
            if row >= first and (last is None or row <= last):
                cache.discard(key)

    def _query_lines(self, first: int, end: int) -> dict[str, list[object]]:
        syntax = self._syntax
        if syntax is None:
            return {}
        # Rows longer than MAX_HIGHLIGHT_LINE_LENGTH are left plain (as VS Code does): querying one costs a node
        # per token, tens of thousands of them, on every edit of that row.
        lines = self.document.lines
        ranges: list[tuple[int, int]] = []
        start = first
        for row in range(first, min(end, len(lines))):
            if len(lines[row]) > MAX_HIGHLIGHT_LINE_LENGTH:
                if row > start:
                    ranges.append((start, row))
                start = row + 1
        if start < end:
            ranges.append((start, end))
        if len(ranges) == 1 and ranges[0] == (first, end):
            return syntax.captures(first, end)  # type: ignore[return-value]
        merged: dict[str, list[object]] = {}
        for range_first, range_end in ranges:
            for name, nodes in syntax.captures(range_first, range_end).items():
                merged.setdefault(name, []).extend(nodes)
        return merged

    # ----------------------------------------------------------------- rendering

    def render_lines(self, crop: Region) -> list[Strip]:
        # TextArea derives its theme's fallback styles from CSS again on every paint (~0.1 ms a keystroke);
        # they change only when the theme or the styles do (notify_style_update, which focus changes call too).
        theme = self._theme
        if theme is not None and self._css_applied_to is not theme:
            theme.apply_css(self)
            self._css_applied_to = theme
        # Every row of this paint shares one reading of the widget's state (nothing can change it meanwhile).
        self._frame = self._read_frame() if self.fast_render else None
        try:
            return Widget.render_lines(self, crop)
        finally:
            self._frame = None

    def _row_and_section(self, absolute_y: int, soft_wrap: bool) -> tuple[int, int]:
        """The document row and wrapped section shown on view row ``absolute_y`` ((-1, y) past the end)."""
        if not soft_wrap:
            return absolute_y, 0
        try:
            row, section = self.wrapped_document._offset_to_line_info[absolute_y]
        except IndexError:
            return -1, absolute_y
        return row, section

    def _layered_cache_key(self, y: int) -> tuple[object, ...]:
        """The row cache key as the layered path builds it (``fast_render = False``)."""
        scroll_x, scroll_y = self.scroll_offset
        absolute_y = scroll_y + y
        selection = self.selection
        _, cursor_y = self._cursor_offset
        row, section = self._row_and_section(absolute_y, self.soft_wrap)
        return (
            self.size,
            scroll_x,
            row,
            (selection if selection.contains_line(row) else selection.end[0] == row),
            (selection.end if (self._cursor_visible and self.cursor_blink and absolute_y == cursor_y) else None),
            self.theme,
            self._matching_bracket_location,
            self.match_cursor_bracket,
            self.soft_wrap,
            self.show_line_numbers,
            self.read_only,
            self.show_cursor,
            self.suggestion,
            self._extras_on_row(row),
            section,
        )

    def notify_style_update(self) -> None:
        self._css_applied_to = None
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        # TextArea.render_line with the placeholder test reordered: it evaluated `self.text` (joining the whole
        # document) for every painted line before looking at the placeholder.
        if self.placeholder and self.document.line_count == 1 and not self.document[0]:
            placeholder_lines = Content.from_text(self.placeholder).wrap(self.content_size.width)
            if y < len(placeholder_lines):
                style = self.get_visual_style("text-area--placeholder")
                content = placeholder_lines[y].stylize(style)
                if self._draw_cursor and y == 0:
                    theme = self._theme
                    cursor_style = theme.cursor_style if theme else None
                    if cursor_style:
                        content = content.stylize(ContentStyle.from_rich_style(cursor_style), 0, 1)
                return Strip(content.render_segments(self.visual_style), content.cell_length)

        if not self.fast_render:
            cache_key = self._layered_cache_key(y)
        else:
            frame = self._row_frame()
            scroll_x = frame.scroll_x
            absolute_y = frame.scroll_y + y
            selection = frame.selection
            # Painted rows are keyed by document row (and wrapped section), not by screen row: a wrapped line that
            # takes one more row moves the rows below on screen without changing them.
            row, section = self._row_and_section(absolute_y, frame.soft_wrap)
            cursor_shown = self._cursor_visible and self.cursor_blink and absolute_y == self._cursor_offset[1]
            extras = self._extras_on_row(row) if frame.extras else ()
            cache_key = (
                frame.cache_key,
                scroll_x,
                row,
                (selection if selection.contains_line(row) else selection.end[0] == row),
                (selection.end if cursor_shown else None),
                extras,
                section,
            )
        if (cached_line := self._line_cache.get(cache_key)) is not None:
            return cached_line
        # The same row at another horizontal scroll is the same styled text, cropped elsewhere: keyed without
        # scroll_x (None) in the same cache, so every invalidation of painted rows drops it too.
        self._unscrolled_key = (cache_key[0], None, *cache_key[2:])
        self._row_extras = cache_key[5] if self.fast_render else None
        line = self._render_line(y)
        self._line_cache[cache_key] = line
        return line

    # ----------------------------------------------------------------- dirty tracking

    # ----------------------------------------------------------------- hot exit

    def _backup_store(self) -> BackupStore | None:
        workspace = getattr(self.app, "workspace", None)
        return BackupStore(workspace) if isinstance(workspace, Path) else None

    def _schedule_backup(self) -> None:
        """Back up unsaved text shortly after the last edit (hot exit restores it after a crash or kill)."""
        if self.is_attached and not self.is_split_pane:  # the first pane backs the shared text up
            self._backup_timer.restart()
        else:
            self._backup_timer.cancel()

    def write_backup(self) -> None:
        """Write this buffer's backup now if it is dirty, remove it if clean."""
        self._backup_timer.cancel()
        if not self._dirty:
            self._discard_backup()
            return
        store = self._backup_store()
        if store is None:
            return
        path = self.state.path
        backup = BufferBackup(
            buffer_id=self.buffer_id,
            path=str(path) if path is not None else None,
            text=self.text,
            cursor=self.cursor_location,
            saved_mtime_ns=self.state.mtime_ns,
            order=self._backup_order,
        )
        try:
            store.save(backup)
        except SymphonyError as exc:
            self.notify(f"{exc.message}\n{exc.hint}", title="Backup failed", severity="warning")

    def discard_backup(self) -> None:
        """Forget this buffer's hot-exit backup (its text was saved or the user chose to discard it)."""
        self._backup_timer.cancel()
        self._discard_backup()

    def _discard_backup(self) -> None:
        store = self._backup_store() if self.is_attached else None
        if store is not None:
            store.discard(self.buffer_id)

    # An edit and a cursor move go straight to the app, which is where they are handled: bubbling through the
    # ~8 containers in between cost a message-queue hop each, ~0.6 ms a keystroke for the two of them.

    def _on_text_area_changed(self, event: TextArea.Changed) -> None:
        # Comparing with the saved lines (not a flag) makes an undo back to the saved state clean again. Unedited
        # lines are the same string objects as in the snapshot, so this is a pointer comparison per line.
        lines = self.document.lines
        saved = self._saved_lines
        dirty = len(lines) != len(saved) or lines != saved
        if dirty != self._dirty:
            self._dirty = dirty
            self.post_message(self.DirtyChanged(self))
        if dirty or self._backup_timer.pending:
            self._schedule_backup()
        else:
            self._discard_backup()
        event.stop()
        self.app.post_message(TextArea.Changed(self))

    def _on_text_area_selection_changed(self, event: TextArea.SelectionChanged) -> None:
        event.stop()
        self.app.post_message(TextArea.SelectionChanged(event.selection, self))

    def follow_move(self, path: Path) -> None:
        """The file was renamed or moved (by the explorer): bind the buffer, unsaved text and all, to ``path``."""
        self.state = replace(self.state, path=path)
        self.deleted_on_disk = False
        self._watch_file()
        if self._dirty:
            self.write_backup()  # else a kill now restores the unsaved text as Untitled, apart from its file
        self.post_message(self.DirtyChanged(self))  # the tab label and status bar show the new name

    def mark_saved(self, text: str, state: FileState) -> None:
        """Record a successful save of ``text``."""
        self._saved_lines = list(self.document.lines) if text == self.text else list(Document(text).lines)
        self.state = replace(state, line_endings=self.line_endings)
        self._discard_backup()
        if self.deleted_on_disk and state.path is not None and state.path.exists():
            self.deleted_on_disk = False
            self.post_message(self.DirtyChanged(self))
        self._watch_file()
        if self._dirty:
            self._dirty = False
            self.post_message(self.DirtyChanged(self))
        if self._peers and not self._mirroring:
            for peer in self._peers:  # the other pane of a split shows the same, now saved, text
                peer._mirroring = True
                try:
                    peer.mark_saved(text, self.state)
                finally:
                    peer._mirroring = False
