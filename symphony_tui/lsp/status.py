"""Diagnostic counts and language-server state in the status bar (a field added beside the cursor position)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.css.query import NoMatches
from textual.widgets import Static

if TYPE_CHECKING:
    from core.lsp.diagnostics import DiagnosticCounts
    from symphony_tui.app import SymphonyApp


class ProblemCounts(Static):
    """'✖ 2 ▲ 1': errors and warnings across the workspace; a click opens the Problems panel."""

    DEFAULT_CSS = """
    ProblemCounts {
        width: auto;
        height: 1;
        padding: 0 1;
    }
    """

    shown: Text | None = None
    """What the field shows (None before the first :meth:`show`)."""

    def show(self, text: Text) -> None:
        """Show ``text``: nothing to do when unchanged (servers republish diagnostics after every edit), a
        repaint of this field alone when as wide as before, a layout only when its width changes."""
        if self.shown is not None and self.shown == text:
            return
        same_width = self.shown is not None and self.shown.cell_len == text.cell_len
        self.shown = text
        self.update(text, layout=not same_width)
        self.display = bool(text)

    def on_click(self, event: events.Click) -> None:
        dispatch = getattr(self.app, "dispatch", None)
        if dispatch is not None:
            dispatch("lsp.showProblems")


def format_counts(counts: DiagnosticCounts | None, state: str) -> Text:
    """The field's text: counts (always, once a server has run) then a non-running server's state."""
    text = Text()
    if counts is not None:
        text.append(f"✖ {counts.errors}", style="bold red" if counts.errors else "")
        text.append(" ")
        text.append(f"▲ {counts.warnings}", style="yellow" if counts.warnings else "")
    if state:
        text.append(("  " if text else "") + state, style="italic")
    return text


def show_lsp_status(app: SymphonyApp, counts: DiagnosticCounts | None, state: str) -> None:
    """Create or update the status-bar field."""
    from symphony_tui.widgets.status_bar import StatusBar

    try:
        bar = app.query_one(StatusBar)
    except NoMatches:
        return
    try:
        field = bar.query_one("#status-problems", ProblemCounts)
    except NoMatches:
        field = ProblemCounts("", id="status-problems")
        try:
            bar.mount(field, before=bar.query_one("#status-cursor"))
        except NoMatches:
            bar.mount(field)
    field.show(format_counts(counts, state))
