"""The find/replace bar shown above an editor: regex, case, whole word, in selection, match count, replace all.

Matching is ``core.text.search``; this widget only turns offsets into editor locations and drives the selection.
Replace-all applies every replacement as one undo step.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Static
from textual.widgets.text_area import Selection

from core.errors import ValidationError
from core.text.search import Match, SearchQuery, find_matches, replacement_for
from symphony_tui.widgets.editor import Editor
from symphony_tui.widgets.editor_cursors import Location


class LineIndex:
    """Offsets in ``"\\n".join(lines)`` to (row, column) and back."""

    def __init__(self, lines: list[str]) -> None:
        self.starts = [0, *accumulate(len(line) + 1 for line in lines)]

    def location(self, offset: int) -> Location:
        """The (row, column) of a code-point offset."""
        row = bisect_right(self.starts, offset) - 1
        return row, offset - self.starts[row]

    def offset(self, location: Location) -> int:
        """The code-point offset of a (row, column)."""
        return self.starts[location[0]] + location[1]


class FindBar(Vertical):
    """Find (and optionally replace) in one editor. Escape closes it and returns focus to the editor."""

    DEFAULT_CSS = """
    FindBar {
        height: auto;
        background: $panel;
        padding: 0 1;
    }
    FindBar > Horizontal {
        height: auto;
    }
    FindBar Input, FindBar Input:focus {
        width: 1fr;
        border: none;
        height: 1;
        padding: 0 1;
    }
    FindBar .find-flags {
        width: auto;
        padding: 0 1;
        color: $text-muted;
    }
    FindBar #find-count {
        width: 16;
        padding: 0 1;
    }
    FindBar #find-error {
        color: $error;
        height: auto;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "Close", show=False),
        Binding("f3", "next", "Next match", show=False),
        Binding("shift+f3", "previous", "Previous match", show=False),
        Binding("alt+c", "toggle('case_sensitive')", "Match case", show=False),
        Binding("alt+r", "toggle('regex')", "Regex", show=False),
        Binding("alt+w", "toggle('whole_word')", "Whole word", show=False),
        Binding("alt+l", "toggle('in_selection')", "In selection", show=False),
        Binding("ctrl+alt+enter,alt+a", "replace_all", "Replace all", show=False),
    ]

    case_sensitive: reactive[bool] = reactive(False)
    """Match case (alt+c)."""
    regex: reactive[bool] = reactive(False)
    """Treat the pattern as a regular expression (alt+r)."""
    whole_word: reactive[bool] = reactive(False)
    """Match whole words only (alt+w)."""
    in_selection: reactive[bool] = reactive(False)
    """Search only inside the selection the bar was opened on (alt+l)."""

    class Closed(Message):
        """Posted when the bar closes."""

    def __init__(self, editor: Editor, *, replace: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.editor = editor
        """The editor searched."""
        self.replace_mode = replace
        """Whether the replace row is shown."""
        self.matches: list[Match] = []
        """Matches of the current query, in document order."""
        self.current = -1
        """Index of the selected match, or -1."""
        self._scope: tuple[int, int] | None = None
        self._index = LineIndex([])

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Input(placeholder="Find", id="find-input")
            yield Static("", id="find-flags", classes="find-flags")
            yield Static("", id="find-count")
        with Horizontal(id="replace-row"):
            yield Input(placeholder="Replace (enter: one, alt+a: all)", id="replace-input")
        yield Static("", id="find-error")

    def on_mount(self) -> None:
        self.query_one("#replace-row").display = self.replace_mode
        self._show_flags()
        selected = self.editor.selected_text
        if selected and "\n" not in selected:
            self.query_one("#find-input", Input).value = selected
        self.query_one("#find-input", Input).focus()

    # ----------------------------------------------------------------- state

    @property
    def query_text(self) -> str:
        """The pattern typed in the find box."""
        return self.query_one("#find-input", Input).value

    def search_query(self) -> SearchQuery:
        """The query as the toggles say."""
        return SearchQuery(self.query_text, self.regex, self.case_sensitive, self.whole_word)

    def _show_flags(self) -> None:
        flags = [
            ("Aa", self.case_sensitive),
            (".*", self.regex),
            ("ab", self.whole_word),
            ("≡", self.in_selection),
        ]
        text = " ".join(f"[b reverse]{label}[/]" if on else f"[dim]{label}[/]" for label, on in flags)
        self.query_one("#find-flags", Static).update(text)

    def _show_count(self) -> None:
        count = len(self.matches)
        label = "No results" if not count else f"{self.current + 1 if self.current >= 0 else '?'} of {count}"
        self.query_one("#find-count", Static).update(label)

    def refresh_matches(self, *, select: bool = True) -> None:
        """Search again (text or options changed); selects the first match at or after the cursor."""
        error = self.query_one("#find-error", Static)
        lines = self.editor.document.lines
        self._index = LineIndex(lines)
        text = "\n".join(lines)
        within = [self._scope] if self.in_selection and self._scope else []
        try:
            self.matches = find_matches(text, self.search_query(), within)
        except ValidationError as exc:
            self.matches = []
            error.update(f"{exc.message} — {exc.hint}")
        else:
            error.update("")
        self.current = -1
        if self.matches and select:
            cursor = self._index.offset(min(self.editor.selection))
            self.current = next((i for i, m in enumerate(self.matches) if m.start >= cursor), 0)
            self._select_current()
        self._show_count()

    def _select_current(self) -> None:
        match = self.matches[self.current]
        self.editor.clear_extra_cursors()
        self.editor.selection = Selection(self._index.location(match.start), self._index.location(match.end))
        self.editor.scroll_cursor_visible(center=True)

    # ----------------------------------------------------------------- events and actions

    @on(Input.Changed, "#find-input")
    def _find_changed(self) -> None:
        self.refresh_matches()

    @on(Input.Submitted, "#find-input")
    def _find_submitted(self) -> None:
        self.action_next()

    @on(Input.Submitted, "#replace-input")
    def _replace_submitted(self) -> None:
        self.action_replace_one()

    def watch_case_sensitive(self) -> None:
        self._options_changed()

    def watch_regex(self) -> None:
        self._options_changed()

    def watch_whole_word(self) -> None:
        self._options_changed()

    def watch_in_selection(self, on: bool) -> None:
        if on:
            start, end = sorted(self.editor.selection)
            index = LineIndex(self.editor.document.lines)
            self._scope = (index.offset(start), index.offset(end)) if start != end else None
        self._options_changed()

    def _options_changed(self) -> None:
        if self.is_mounted:
            self._show_flags()
            self.refresh_matches(select=not self.in_selection)

    def action_toggle(self, flag: str) -> None:
        """Flip one of the search options."""
        setattr(self, flag, not getattr(self, flag))

    def action_next(self) -> None:
        """Select the next match (wrapping)."""
        if not self.matches:
            return
        self.current = (self.current + 1) % len(self.matches)
        self._select_current()
        self._show_count()

    def action_previous(self) -> None:
        """Select the previous match (wrapping)."""
        if not self.matches:
            return
        self.current = (self.current - 1) % len(self.matches)
        self._select_current()
        self._show_count()

    def action_replace_one(self) -> None:
        """Replace the selected match and move to the next one."""
        if not self.matches or self.current < 0:
            self.action_next()
            return
        match = self.matches[self.current]
        new = self._replacement(match)
        if new is None:
            return
        self.editor.replace(new, self._index.location(match.start), self._index.location(match.end))
        position = match.start + len(new)
        self.refresh_matches(select=False)
        if self.matches:
            self.current = next((i for i, m in enumerate(self.matches) if m.start >= position), 0)
            self._select_current()
        self._show_count()

    def action_replace_all(self) -> None:
        """Replace every match as one undo step."""
        self.refresh_matches(select=False)
        if not self.matches:
            return
        replacements = []
        for match in self.matches:
            new = self._replacement(match)
            if new is None:
                return
            replacements.append((match, new))
        editor = self.editor
        editor.clear_extra_cursors()
        count = len(replacements)
        with editor.history.group():
            for match, new in reversed(replacements):
                editor.replace(new, self._index.location(match.start), self._index.location(match.end))
        self.refresh_matches(select=False)
        self.query_one("#find-count", Static).update(f"Replaced {count}")

    def _replacement(self, match: Match) -> str | None:
        try:
            return replacement_for(match, self.search_query(), self.query_one("#replace-input", Input).value)
        except ValidationError as exc:
            self.query_one("#find-error", Static).update(f"{exc.message} — {exc.hint}")
            return None

    def action_close(self) -> None:
        """Close the bar and return to the editor."""
        editor = self.editor
        self.post_message(self.Closed())
        self.remove()
        editor.focus()


async def open_find_bar(editor: Editor, *, replace: bool = False) -> FindBar:
    """Show (or focus) the find bar above ``editor``; ``replace`` shows the replace row too."""
    parent = editor.parent
    assert parent is not None
    existing = parent.query(FindBar)
    if existing:
        bar = existing.first()
        if replace and not bar.replace_mode:
            bar.replace_mode = True
            bar.query_one("#replace-row").display = True
        selected = editor.selected_text
        find_input = bar.query_one("#find-input", Input)
        if selected and "\n" not in selected:
            find_input.value = selected
        (bar.query_one("#replace-input", Input) if replace else find_input).focus()
        return bar
    bar = FindBar(editor, replace=replace)
    await parent.mount(bar, before=editor)
    return bar
