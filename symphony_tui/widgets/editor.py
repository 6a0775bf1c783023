"""An editor tab: a code TextArea bound to one file on disk, with the metadata needed to save it faithfully."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from textual.message import Message
from textual.widgets import TextArea

from core.types import LineEnding
from symphony_tui.widgets.highlights import LazyHighlights

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
    """A code editor for one document. Tracks dirtiness against the text last loaded or saved."""

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
        super().__init__(
            text,
            language=None,
            theme=theme,
            soft_wrap=False,
            tab_behavior="indent",
            show_line_numbers=True,
            id=id,
        )
        self.state = state
        """The file this editor is bound to and how to write it back."""
        # Set after construction: TextArea.__init__ with a language parses and highlights the whole text
        # twice (once directly, once from the language watcher); this way it happens once.
        if state.language in _HIGHLIGHTABLE:
            self.language = state.language
        self._saved_text = text
        self._dirty = False

    @property
    def dirty(self) -> bool:
        """True while the text differs from what was last loaded or saved."""
        return self._dirty

    @property
    def display_name(self) -> str:
        """The tab label: the file name, or 'Untitled'."""
        return self.state.path.name if self.state.path else "Untitled"

    def _build_highlight_map(self) -> None:
        # Replaces TextArea's whole-file query with a map that queries only the blocks being painted.
        self._line_cache.clear()
        if not isinstance(self._highlights, LazyHighlights):
            self._highlights = LazyHighlights(self._query_lines)
        self._highlights.clear()

    def _query_lines(self, first: int, end: int) -> dict[str, list[object]]:
        if not self._highlight_query:
            return {}
        return self.document.query_syntax_tree(self._highlight_query, (first, 0), (end, 0))  # type: ignore[return-value]

    def _on_text_area_changed(self, event: TextArea.Changed) -> None:
        # Comparing with the saved text (rather than setting a flag) makes an undo back to the saved state
        # clean again, as users expect. It is O(n) per edit; the editor issue moves this to version tracking.
        text = self.text
        dirty = len(text) != len(self._saved_text) or text != self._saved_text
        if dirty != self._dirty:
            self._dirty = dirty
            self.post_message(self.DirtyChanged(self))

    def mark_saved(self, text: str, state: FileState) -> None:
        """Record a successful save of ``text``."""
        self._saved_text = text
        self.state = state
        if self._dirty:
            self._dirty = False
            self.post_message(self.DirtyChanged(self))
