"""An editor tab: a code TextArea bound to one file on disk, with the metadata needed to save it faithfully."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from textual._tree_sitter import get_language
from textual.content import Content
from textual.content import Style as ContentStyle
from textual.document._document import Document
from textual.document._document_navigator import DocumentNavigator
from textual.message import Message
from textual.strip import Strip
from textual.timer import Timer
from textual.widgets import TextArea

from core.types import LineEnding
from symphony_tui.widgets.editor_document import ByteEdit, EditorDocument, FastWrappedDocument
from symphony_tui.widgets.editor_syntax import SyntaxTree
from symphony_tui.widgets.highlights import LazyHighlights

REPARSE_DELAY = 0.15
"""Seconds of quiet after an edit before the syntax tree is reparsed (edits paint at once from the shifted tree)."""

# Languages Textual's TextArea can highlight (textual[syntax] ships these tree-sitter grammars).
_HIGHLIGHTABLE = {
    "bash",
    "css",
    "go",
    "html",
    "java",
    "javascript",
    "json",
    "markdown",
    "python",
    "regex",
    "rust",
    "sql",
    "toml",
    "xml",
    "yaml",
}


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

    def saved_as(self, path: Path, mtime_ns: int) -> FileState:
        """The state after a save to ``path``."""
        return replace(self, path=path, mtime_ns=mtime_ns)


class Editor(TextArea):
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
    """

    class DirtyChanged(Message):
        """Posted when the editor's unsaved state flips."""

        def __init__(self, editor: Editor) -> None:
            super().__init__()
            self.editor = editor

    def __init__(self, text: str, state: FileState, *, theme: str, id: str | None = None) -> None:
        self._syntax: SyntaxTree | None = None
        self._reparse_timer: Timer | None = None
        self._pending_rows: list[tuple[int, int, int]] = []
        self._painted_gutter = -1
        super().__init__(
            "",
            language=None,
            theme=theme,
            soft_wrap=False,
            tab_behavior="indent",
            show_line_numbers=True,
            id=id,
        )
        self.state = state
        """The file this editor is bound to and how to write it back."""
        # Build the document once, with its language, without running the language watcher (which would
        # split and parse the whole text a second time).
        language = state.language if state.language in _HIGHLIGHTABLE else None
        self._set_document(text, language)
        self.set_reactive(TextArea.language, language)
        self._saved_lines: list[str] = list(self.document.lines)
        self._dirty = False

    @property
    def dirty(self) -> bool:
        """True while the text differs from what was last loaded or saved."""
        return self._dirty

    @property
    def display_name(self) -> str:
        """The tab label: the file name, or 'Untitled'."""
        return self.state.path.name if self.state.path else "Untitled"

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
        if language:
            tree_language = self._languages[language].language if language in self._languages else None
            tree_language = tree_language or get_language(language)
            query = (
                self._languages[language].highlight_query
                if language in self._languages
                else self._get_builtin_highlight_query(language)
            )
            if tree_language is not None and query:
                self._syntax = SyntaxTree(tree_language, query, document.text.encode("utf-8"))
                document.track_bytes = True
        document.on_replace = self._document_edited
        self._pending_rows = []
        self.document = document
        self.wrapped_document = FastWrappedDocument(document, tab_width=self.indent_width)
        self.navigator = DocumentNavigator(self.wrapped_document)
        self._build_highlight_map()
        self.move_cursor((0, 0))
        self._rewrap_and_refresh_virtual_size()

    def _document_edited(self, first: int, old_last: int, new_last: int, byte_edit: ByteEdit | None) -> None:
        # Runs inside each document edit: remember which rows changed (TextArea repaints after the edit) and move
        # the syntax tree along; the reparse waits for a pause in typing.
        self._pending_rows.append((first, old_last, new_last))
        if self._syntax is None or byte_edit is None:
            return
        self._syntax.edit(*byte_edit)
        if self._reparse_timer is not None:
            self._reparse_timer.stop()
        if self.is_attached:
            self._reparse_timer = self.set_timer(REPARSE_DELAY, self._reparse, name="reparse")

    def _reparse(self) -> None:
        """Bring the syntax tree up to date with the text, then repaint with fresh highlights."""
        self._reparse_timer = None
        if self._syntax is None or not self._syntax.stale:
            return
        self._syntax.reparse(self.document.text.encode("utf-8"))
        self._build_highlight_map()
        self.refresh()

    def _build_highlight_map(self) -> None:
        # TextArea calls this after every edit and would forget every highlight and painted line. After plain
        # edits only the edited rows (and, if lines were added or removed, the rows below) are forgotten.
        pending, self._pending_rows = self._pending_rows, []
        gutter = self.gutter_width
        if pending and not self.soft_wrap and gutter == self._painted_gutter:
            for first, old_last, new_last in pending:
                if isinstance(self._highlights, LazyHighlights):
                    self._highlights.edited(first, old_last, new_last)
                self._forget_painted_rows(first, None if old_last != new_last else new_last)
            return
        self._painted_gutter = gutter
        self._line_cache.clear()
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
        if self._syntax is None:
            return {}
        return self._syntax.captures(first, end)  # type: ignore[return-value]

    # ----------------------------------------------------------------- rendering

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

        scroll_x, scroll_y = self.scroll_offset
        absolute_y = scroll_y + y
        selection = self.selection
        _, cursor_y = self._cursor_offset
        cache_key = (
            self.size,
            scroll_x,
            absolute_y,
            (selection if selection.contains_line(absolute_y) or self.soft_wrap else selection.end[0] == absolute_y),
            (selection.end if (self._cursor_visible and self.cursor_blink and absolute_y == cursor_y) else None),
            self.theme,
            self._matching_bracket_location,
            self.match_cursor_bracket,
            self.soft_wrap,
            self.show_line_numbers,
            self.read_only,
            self.show_cursor,
            self.suggestion,
        )
        if (cached_line := self._line_cache.get(cache_key)) is not None:
            return cached_line
        line = self._render_line(y)
        self._line_cache[cache_key] = line
        return line

    # ----------------------------------------------------------------- dirty tracking

    def _on_text_area_changed(self, event: TextArea.Changed) -> None:
        # Comparing with the saved lines (not a flag) makes an undo back to the saved state clean again. Unedited
        # lines are the same string objects as in the snapshot, so this is a pointer comparison per line.
        lines = self.document.lines
        saved = self._saved_lines
        dirty = len(lines) != len(saved) or lines != saved
        if dirty != self._dirty:
            self._dirty = dirty
            self.post_message(self.DirtyChanged(self))

    def mark_saved(self, text: str, state: FileState) -> None:
        """Record a successful save of ``text``."""
        self._saved_lines = list(self.document.lines) if text == self.text else list(Document(text).lines)
        self.state = state
        if self._dirty:
            self._dirty = False
            self.post_message(self.DirtyChanged(self))
