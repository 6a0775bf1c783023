"""The bottom panel holding terminal tabs."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import TabbedContent, TabPane

from symphony_tui.widgets.terminal_view import TerminalView


class TerminalPanel(Vertical):
    """Terminal tabs below the editors; hidden until the first terminal is opened."""

    DEFAULT_CSS = """
    TerminalPanel {
        height: 40%;
        min-height: 6;
        border-top: solid $primary 50%;
        display: none;
    }
    TerminalPanel.-open {
        display: block;
    }
    TerminalPanel TabPane {
        padding: 0;
    }
    TerminalPanel > TabbedContent {
        height: 1fr;
    }
    """

    def __init__(self, *, cwd: Path, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cwd = cwd
        """Where new terminals start."""
        self._counter = 0

    def compose(self) -> ComposeResult:
        yield TabbedContent(id="terminal-tabs")

    @property
    def tabs(self) -> TabbedContent:
        """The terminal tab container."""
        return self.query_one("#terminal-tabs", TabbedContent)

    @property
    def views(self) -> list[TerminalView]:
        """Open terminals in tab order."""
        return list(self.query(TerminalView))

    @property
    def active_view(self) -> TerminalView | None:
        """The terminal in the active tab."""
        pane = self.tabs.active_pane
        if pane is None:
            return None
        found = pane.query(TerminalView)
        return found.first() if found else None

    @property
    def is_open(self) -> bool:
        """Whether the panel is shown."""
        return self.has_class("-open")

    def show(self, visible: bool = True) -> None:
        """Show or hide the panel (terminals keep running while hidden)."""
        self.set_class(visible, "-open")

    async def new_terminal(
        self,
        argv: list[str] | None = None,
        *,
        scrollback: int = 10_000,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> TerminalView:
        """Start a terminal in a new tab and focus it."""
        self._counter += 1
        pane_id = f"terminal-{self._counter}"
        view = TerminalView(argv, cwd=cwd or self.cwd, env=env, scrollback=scrollback, id=f"{pane_id}-view")
        self.show(True)
        await self.tabs.add_pane(TabPane(view.title, view, id=pane_id))
        self.tabs.active = pane_id
        view.focus()
        return view

    async def close_terminal(self, view: TerminalView) -> None:
        """Kill a terminal's program and remove its tab; hide the panel when none is left."""
        view.close()
        pane = view.parent
        if isinstance(pane, TabPane) and pane.id is not None:
            await self.tabs.remove_pane(pane.id)
        if not self.views:
            self.show(False)

    @on(TerminalView.TitleChanged)
    def _retitle(self, event: TerminalView.TitleChanged) -> None:
        pane = event.view.parent
        if isinstance(pane, TabPane) and pane.id is not None:
            self.tabs.get_tab(pane.id).label = event.view.title[:40]

    @on(TerminalView.Exited)
    def _exited(self, event: TerminalView.Exited) -> None:
        pane = event.view.parent
        if isinstance(pane, TabPane) and pane.id is not None:
            status = f"exit {event.code}" if event.code is not None else f"signal {event.signal}"
            self.tabs.get_tab(pane.id).label = f"{event.view.title[:30]} [{status}]"

    def close_all(self) -> None:
        """Hang up every terminal (on quit)."""
        for view in self.views:
            view.close()
