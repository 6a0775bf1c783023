"""Bottom panels listing places in the workspace: Problems (diagnostics of every file) and References.

Rows are grouped under their file, as in VS Code; enter (or a click) on a row posts ``LocationList.Selected``
and the app opens the place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from symphony_tui.lsp.decorations import SIGNS

_SEVERITY_STYLE = {1: "bold red", 2: "yellow", 3: "blue", 4: "dim"}
_SEVERITY_NAME = {1: "error", 2: "warning", 3: "info", 4: "hint"}


@dataclass(frozen=True, slots=True)
class LocationRow:
    """One listed place (0-based line and column) with what to say about it."""

    path: Path
    line: int
    column: int
    text: str
    severity: int | None = None
    detail: str = ""


class LocationList(Vertical):
    """A titled, grouped list of locations."""

    DEFAULT_CSS = """
    LocationList {
        height: 12;
        border-top: solid $primary;
        background: $surface;
    }
    LocationList > #location-title {
        height: 1;
        padding: 0 1;
        color: $text-muted;
        text-style: bold;
    }
    LocationList > OptionList, LocationList > OptionList:focus {
        height: 1fr;
        border: none;
        padding: 0;
        background: $surface;
    }
    """

    BINDINGS = [Binding("escape", "close", "Close panel", show=False)]

    class Selected(Message):
        """The user chose a row: open its file there."""

        def __init__(self, row: LocationRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._title = title
        self.rows: list[LocationRow | None] = []
        """Rows as listed, None for a file heading."""

    def compose(self) -> ComposeResult:
        yield Static(self._title, id="location-title")
        yield OptionList(id="location-list")

    def set_title(self, title: str) -> None:
        """Change the heading (e.g. 'References to greet (3)')."""
        self._title = title
        self.query_one("#location-title", Static).update(title)

    def show_rows(self, rows: Sequence[LocationRow], shown_path: Callable[[Path], str], empty: str) -> None:
        """Replace the listed rows, grouped by file (files in order of first appearance)."""
        option_list = self.query_one(OptionList)
        highlighted = option_list.highlighted
        groups: dict[Path, list[LocationRow]] = {}
        for row in rows:
            groups.setdefault(row.path, []).append(row)
        options: list[Option] = []
        self.rows = []
        for path, members in groups.items():
            heading = Text(shown_path(path), style="bold")
            heading.append(f"  {len(members)}", style="dim")
            options.append(Option(heading, disabled=True))
            self.rows.append(None)
            for row in members:
                options.append(Option(self._render_row(row)))
                self.rows.append(row)
        if not options:
            options.append(Option(Text(empty, style="dim"), disabled=True))
            self.rows.append(None)
        option_list.clear_options()
        option_list.add_options(options)
        if highlighted is not None and highlighted < len(options) and self.rows[highlighted] is not None:
            option_list.highlighted = highlighted
        else:
            option_list.highlighted = next((i for i, row in enumerate(self.rows) if row is not None), None)

    def _render_row(self, row: LocationRow) -> Text:
        text = Text("  ")
        if row.severity is not None:
            text.append(SIGNS.get(row.severity, "●") + " ", style=_SEVERITY_STYLE.get(row.severity, ""))
        text.append(row.text.strip().replace("\n", " "))
        if row.detail:
            text.append(f"  {row.detail}", style="dim")
        text.append(f"  [{row.line + 1}, {row.column + 1}]", style="dim")
        return text

    def focus_list(self) -> None:
        """Put the keyboard in the list."""
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        row = self.rows[event.option_index] if event.option_index < len(self.rows) else None
        if row is not None:
            self.post_message(self.Selected(row))

    def action_close(self) -> None:
        self.display = False
        editor = getattr(self.app, "active_editor", None)
        if editor is not None:
            editor.focus()


class ProblemsPanel(LocationList):
    """Diagnostics of every file, most severe first within each file."""

    def show_problems(self, problems: Sequence[object], shown_path: Callable[[Path], str]) -> None:
        from symphony_tui.lsp.service import ProblemRow

        rows = [
            LocationRow(p.path, p.line, p.column, p.message, p.severity, p.source)
            for p in sorted(
                (p for p in problems if isinstance(p, ProblemRow)),
                key=lambda p: (str(p.path), p.severity, p.line, p.column),
            )
        ]
        counts = {severity: sum(1 for r in rows if r.severity == severity) for severity in (1, 2)}
        self.set_title(f"PROBLEMS  ✖ {counts[1]}  ▲ {counts[2]}  ({len(rows)} total)")
        self.show_rows(rows, shown_path, "No problems have been detected in the workspace.")


class ReferencesPanel(LocationList):
    """Results of find references (and of go to definition when it has several answers)."""


def severity_name(severity: int) -> str:
    """'error', 'warning', 'info' or 'hint'."""
    return _SEVERITY_NAME.get(severity, "error")
