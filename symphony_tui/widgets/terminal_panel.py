"""The bottom panel holding terminal tabs; a tab may be split into side-by-side terminals."""

from __future__ import annotations

from pathlib import Path

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import TabbedContent, TabPane

from symphony_tui.widgets.terminal_find import TerminalFindBar
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
        layout: horizontal;
    }
    TerminalPanel TerminalView.-split {
        border-left: vkey $primary 50%;
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
        self._last_focused: dict[str, TerminalView] = {}
        self._find_target: TerminalView | None = None

    def compose(self) -> ComposeResult:
        yield TabbedContent(id="terminal-tabs")
        yield TerminalFindBar(id="terminal-find-bar")

    @property
    def tabs(self) -> TabbedContent:
        """The terminal tab container."""
        return self.query_one("#terminal-tabs", TabbedContent)

    @property
    def find_bar(self) -> TerminalFindBar:
        """The scrollback search bar."""
        return self.query_one(TerminalFindBar)

    @property
    def views(self) -> list[TerminalView]:
        """Open terminals in tab order (split terminals left to right)."""
        return list(self.query(TerminalView))

    @property
    def active_view(self) -> TerminalView | None:
        """The terminal in the active tab: the focused one of a split, else the one focused last."""
        pane = self.tabs.active_pane
        if pane is None:
            return None
        in_pane = list(pane.query(TerminalView))
        if not in_pane:
            return None
        focused = self.app.focused
        if isinstance(focused, TerminalView) and focused in in_pane:
            return focused
        remembered = self._last_focused.get(pane.id or "")
        return remembered if remembered in in_pane else in_pane[0]

    def views_in_tab(self, view: TerminalView) -> list[TerminalView]:
        """The terminals sharing ``view``'s tab, left to right."""
        pane = view.parent
        return list(pane.query_children(TerminalView)) if isinstance(pane, TabPane) else [view]

    @property
    def is_open(self) -> bool:
        """Whether the panel is shown."""
        return self.has_class("-open")

    def show(self, visible: bool = True) -> None:
        """Show or hide the panel (terminals keep running while hidden)."""
        self.set_class(visible, "-open")

    def _make_view(
        self, argv: list[str] | None, scrollback: int, cwd: Path | None, env: dict[str, str] | None
    ) -> TerminalView:
        self._counter += 1
        return TerminalView(
            argv, cwd=cwd or self.cwd, env=env, scrollback=scrollback, id=f"terminal-{self._counter}-view"
        )

    async def new_terminal(
        self,
        argv: list[str] | None = None,
        *,
        scrollback: int = 10_000,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> TerminalView:
        """Start a terminal in a new tab and focus it."""
        view = self._make_view(argv, scrollback, cwd, env)
        pane_id = (view.id or "").removesuffix("-view")
        self.show(True)
        await self.tabs.add_pane(TabPane(view.title, view, id=pane_id))
        self.tabs.active = pane_id
        view.focus()
        return view

    async def split_terminal(
        self,
        argv: list[str] | None = None,
        *,
        scrollback: int = 10_000,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> TerminalView:
        """Start a terminal beside the active one, in the same tab (a new tab if there is none), and focus it."""
        beside = self.active_view
        if beside is None:
            return await self.new_terminal(argv, scrollback=scrollback, cwd=cwd, env=env)
        view = self._make_view(argv, scrollback, cwd, env)
        view.add_class("-split")
        self.show(True)
        pane = beside.parent
        assert isinstance(pane, TabPane)
        await pane.mount(view, after=beside)
        view.focus()
        self._relabel(pane)
        return view

    async def close_terminal(self, view: TerminalView) -> None:
        """Kill a terminal's program and remove it (its tab too when it was alone); hide the panel when none is left."""
        view.close()
        if self._find_target is view:
            self._find_target = None
            self.find_bar.remove_class("-open")
        pane = view.parent
        if isinstance(pane, TabPane) and pane.id is not None:
            others = [v for v in self.views_in_tab(view) if v is not view]
            if others:
                await view.remove()
                others[0].remove_class("-split")
                others[0].focus()
                self._relabel(pane)
            else:
                self._last_focused.pop(pane.id, None)
                await self.tabs.remove_pane(pane.id)
        if not self.views:
            self.show(False)
        elif (active := self.active_view) is not None:
            active.focus()

    def close_all(self) -> None:
        """Hang up every terminal (on quit)."""
        for view in self.views:
            view.close()

    # ------------------------------------------------------------------ find

    def open_find(self) -> None:
        """Show the find bar for the active terminal (its current search text kept)."""
        view = self.active_view
        if view is None:
            return
        self._find_target = view
        self.show(True)
        self.find_bar.open(view.find_needle or None)

    @on(TerminalFindBar.Search)
    def _search(self, event: TerminalFindBar.Search) -> None:
        if self._find_target is not None:
            self._find_target.find(event.needle)

    @on(TerminalFindBar.Step)
    def _step(self, event: TerminalFindBar.Step) -> None:
        if self._find_target is not None:
            if event.direction < 0:
                self._find_target.find_next()
            else:
                self._find_target.find_previous()

    @on(TerminalFindBar.Closed)
    def _find_closed(self) -> None:
        target, self._find_target = self._find_target, None
        if target is not None:
            target.clear_find()
            target.focus()

    @on(TerminalView.FindChanged)
    def _find_changed(self, event: TerminalView.FindChanged) -> None:
        if event.view is self._find_target:
            self.find_bar.show_count(event.current, event.total)

    # ------------------------------------------------------------------ labels

    @on(events.DescendantFocus)
    def _remember_focus(self, event: events.DescendantFocus) -> None:
        widget = event.widget
        if isinstance(widget, TerminalView) and isinstance(widget.parent, TabPane) and widget.parent.id:
            self._last_focused[widget.parent.id] = widget

    def _relabel(self, pane: TabPane) -> None:
        """A tab shows its terminals' titles (and exit status), split ones joined with a bar."""
        views = list(pane.query_children(TerminalView))
        if pane.id is None or not views:
            return
        width = 40 if len(views) == 1 else max(40 // len(views), 8)
        parts = []
        for view in views:
            if view.exited:
                status = f"exit {view.exit_code}" if view.exit_code is not None else f"signal {view.exit_signal}"
                parts.append(f"{view.title[: width - 10]} [{status}]")
            else:
                parts.append(view.title[:width])
        self.tabs.get_tab(pane.id).label = " | ".join(parts)

    @on(TerminalView.TitleChanged)
    def _retitle(self, event: TerminalView.TitleChanged) -> None:
        if isinstance(event.view.parent, TabPane):
            self._relabel(event.view.parent)

    @on(TerminalView.Exited)
    def _exited(self, event: TerminalView.Exited) -> None:
        if isinstance(event.view.parent, TabPane):
            self._relabel(event.view.parent)
