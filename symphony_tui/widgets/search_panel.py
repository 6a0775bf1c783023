"""Find and replace in files: a side view with the query, its toggles (alt+c case, alt+w whole word, alt+r
regex), replacement and include/exclude globs; results stream in grouped by file, with context lines, kept in
path order by ``SearchResults``. Moving over a result previews it in the editor; enter opens it."""

from __future__ import annotations

import asyncio
from functools import partial
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static, Tree
from textual.widgets.tree import TreeNode
from textual.worker import Worker

from core.errors import SymphonyError
from core.workspace.search import FileResult, ResultLine, SearchQuery, SearchResults, search_workspace

SEARCH_DEBOUNCE_S = 0.3
"""Typing pauses this long before the search starts, as in VS Code."""

ResultData = tuple[FileResult, ResultLine | None]
"""A tree node's data: the file, and the line for line rows (None for the file row)."""


class SearchResultsTree(Tree[ResultData]):
    """Results grouped by file; highlighting a line previews it, enter opens it."""

    OWN_KEYS_WIN = True
    """Keys this view binds beat the global keymap while it has focus (see ``panel_owns_key``)."""

    BINDINGS = [Binding("enter", "select_cursor", "Open", show=False)]


class SearchPanel(Vertical):
    """The find-in-files view: fields on top, a summary line, then the results tree."""

    DEFAULT_CSS = """
    SearchPanel {
        width: 30;
        height: 1fr;
        background: $panel;
        border-right: solid $panel-lighten-2;
    }
    SearchPanel > .side-title {
        height: 1;
        padding: 0 1;
        text-style: bold;
        color: $text-muted;
    }
    SearchPanel > Input, SearchPanel > Input:focus {
        border: none;
        height: 1;
        padding: 0 1;
        margin: 0 1;
        background: $surface;
    }
    SearchPanel > #search-toggles, SearchPanel > #search-summary {
        height: 1;
        padding: 0 1;
        color: $text-muted;
    }
    SearchPanel > #search-summary {
        margin-top: 1;
    }
    SearchPanel > SearchResultsTree {
        height: 1fr;
        overflow-x: hidden;
        background: $panel;
        scrollbar-size-vertical: 1;
    }
    """

    BINDINGS = [
        Binding("alt+c", "toggle('case_sensitive')", "Match case", show=False),
        Binding("alt+w", "toggle('whole_word')", "Whole word", show=False),
        Binding("alt+r", "toggle('regex')", "Regex", show=False),
    ]

    class Preview(Message):
        """Show ``path`` at 1-based ``line`` in the editor; ``focus`` moves the focus there (enter)."""

        def __init__(self, path: Path, line: int, column: int, *, focus: bool) -> None:
            super().__init__()
            self.path = path
            self.line = line
            self.column = column
            self.focus = focus

    def __init__(self, root: Path, *, exclude: tuple[str, ...] = (), id: str | None = None) -> None:
        super().__init__(id=id)
        self.root = root
        """The workspace folder searched."""
        self.exclude = exclude
        """The workspace's exclude setting, applied on top of .gitignore."""
        self.options = {"case_sensitive": False, "whole_word": False, "regex": False}
        """The toggles."""
        self.results = SearchResults()
        """What the last search found (the panel's model)."""
        self.query_used: SearchQuery | None = None
        """The query that produced ``results``."""
        self.searching = False
        self._worker: Worker[None] | None = None
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static("SEARCH", classes="side-title")
        yield Input(placeholder="Search", id="search-query")
        yield Static(self._toggles_text(), id="search-toggles")
        yield Input(placeholder="Replace", id="search-replace")
        yield Input(placeholder="files to include (e.g. *.py, src/)", id="search-include")
        yield Input(placeholder="files to exclude", id="search-exclude")
        yield Static("", id="search-summary")
        tree: SearchResultsTree = SearchResultsTree("results", id="search-results")
        tree.show_root = False
        tree.guide_depth = 2
        yield tree

    def focus_target(self) -> Input:
        return self.query_one("#search-query", Input)

    # ----------------------------------------------------------------- fields

    def _toggles_text(self) -> Text:
        text = Text()
        for key, label in (("case_sensitive", "Aa"), ("whole_word", "ab"), ("regex", ".*")):
            text.append(f" {label} ", style="reverse bold" if self.options[key] else "dim")
            text.append(" ")
        text.append(" alt+c/w/r", style="dim")
        return text

    def action_toggle(self, option: str) -> None:
        self.options[option] = not self.options[option]
        self.query_one("#search-toggles", Static).update(self._toggles_text())
        self.schedule_search(0)

    @property
    def replacement(self) -> str:
        return self.query_one("#search-replace", Input).value

    def set_fields(
        self, pattern: str, *, replace: str | None = None, include: str | None = None, exclude: str | None = None
    ) -> None:
        """Fill the fields (commands and tests use this); the search starts right away."""
        self.query_one("#search-query", Input).value = pattern
        if replace is not None:
            self.query_one("#search-replace", Input).value = replace
        if include is not None:
            self.query_one("#search-include", Input).value = include
        if exclude is not None:
            self.query_one("#search-exclude", Input).value = exclude
        self.start_search()

    def current_query(self) -> SearchQuery | None:
        pattern = self.query_one("#search-query", Input).value
        if not pattern:
            return None
        return SearchQuery(
            pattern,
            regex=self.options["regex"],
            case_sensitive=self.options["case_sensitive"],
            whole_word=self.options["whole_word"],
            include=_globs(self.query_one("#search-include", Input).value),
            exclude=_globs(self.query_one("#search-exclude", Input).value),
            context=1,
        )

    @on(Input.Changed, "#search-query, #search-include, #search-exclude")
    def _fields_changed(self) -> None:
        self.schedule_search(SEARCH_DEBOUNCE_S)

    @on(Input.Submitted, "#search-query, #search-include, #search-exclude")
    def _submitted(self) -> None:
        self.start_search()

    def schedule_search(self, delay: float) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(delay, self.start_search) if delay else None
        if not delay:
            self.start_search()

    # ----------------------------------------------------------------- searching

    def start_search(self) -> Worker[None] | None:
        """Search now with the fields' values, replacing the results as new ones stream in."""
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        query = self.current_query()
        if query is not None and query == self.query_used and not self.searching and self._worker is not None:
            return self._worker
        # A partial, not a coroutine: a search replaced before it started leaves no un-awaited coroutine behind.
        self._worker = self.run_worker(
            partial(self._search, query), name="find-in-files", group="search", exclusive=True
        )
        return self._worker

    async def _search(self, query: SearchQuery | None) -> None:
        tree = self.query_one(SearchResultsTree)
        tree.clear()
        self.results = SearchResults()
        self.query_used = query
        summary = self.query_one("#search-summary", Static)
        if query is None:
            summary.update("")
            return
        self.searching = True
        summary.update("Searching…")
        try:
            async for item in search_workspace(self.root, query, exclude=self.exclude):
                index = self.results.add(item)
                self._add_file(tree, item, index)
                summary.update(self._summary() + " …")
        except SymphonyError as exc:
            summary.update(Text(f"{exc.message}", style="bold red"))
            return
        except asyncio.CancelledError:
            raise
        finally:
            self.searching = False
        summary.update(self._summary() if self.results.files else "No results.")

    def _summary(self) -> str:
        files, matches = self.results.file_count, self.results.match_count
        return f"{matches} result{'s' * (matches != 1)} in {files} file{'s' * (files != 1)}"

    def _add_file(self, tree: SearchResultsTree, item: FileResult, index: int) -> None:
        label = Text.assemble(item.path, (f"  {item.match_count}", "dim"))
        node = tree.root.add(label, data=(item, None), expand=True, before=index)
        width = max(len(str(line.number)) for line in item.lines)
        for line in item.lines:
            node.add_leaf(_line_label(line, width), data=(item, line))

    # ----------------------------------------------------------------- preview and open

    @on(Tree.NodeHighlighted, "#search-results")
    def _highlighted(self, event: Tree.NodeHighlighted[ResultData]) -> None:
        self._post_preview(event.node, focus=False)

    @on(Tree.NodeSelected, "#search-results")
    def _selected(self, event: Tree.NodeSelected[ResultData]) -> None:
        event.stop()
        self._post_preview(event.node, focus=True)

    def _post_preview(self, node: TreeNode[ResultData], *, focus: bool) -> None:
        if node.data is None:
            return
        item, line = node.data
        if line is None:
            line = item.matches[0] if item.matches else item.lines[0]
        column = line.spans[0][0] if line.spans else 0
        self.post_message(self.Preview(self.root / item.path, line.number, column, focus=focus))


SHOWN_BEFORE_MATCH = 12
"""A line whose first match starts further in is shown from this many characters before it, after an ellipsis."""


def _line_label(line: ResultLine, width: int) -> Text:
    """``NUMBER text`` with the matches highlighted; leading indentation is dropped so the match shows."""
    raw = line.text.replace("\t", " ")  # same length: the match spans still line up
    start = len(raw) - len(raw.lstrip(" "))
    if line.spans and line.spans[0][0] - start > SHOWN_BEFORE_MATCH:
        start = line.spans[0][0] - SHOWN_BEFORE_MATCH
        prefix = "…"
    else:
        prefix = ""
    shown = Text(f"{line.number:>{width}} ", style="dim")
    body = Text(prefix + raw[start : start + 300], style="" if line.is_match else "dim")
    for begin, end in line.spans:
        if end > start:
            body.stylize("reverse", len(prefix) + max(begin - start, 0), len(prefix) + min(end - start, 300))
    shown.append_text(body)
    return shown


def _globs(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())
