"""The status bar: what the user needs to know about the active file at a glance."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Static


@dataclass(frozen=True)
class StatusInfo:
    """Everything the status bar shows; an empty path means no editor is active."""

    path: str = ""
    line: int = 0
    column: int = 0
    language: str = ""
    encoding: str = ""
    line_ending: str = ""
    dirty: bool = False


class StatusBar(Horizontal):
    """One line at the bottom: path and dirty marker on the left, cursor and file facts on the right."""

    DEFAULT_CSS = """
    StatusBar {
        dock: bottom;
        height: 1;
        background: $primary-background;
        color: $foreground;
    }
    StatusBar > Static {
        width: auto;
        height: 1;
        padding: 0 1;
    }
    StatusBar > #status-path {
        width: 1fr;
    }
    StatusBar > #status-dirty {
        color: $warning;
        text-style: bold;
    }
    """

    info: reactive[StatusInfo] = reactive(StatusInfo, init=False)
    """The facts shown; replaced as a whole so the bar repaints once per change."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="status-dirty")
        yield Static("", id="status-path")
        yield Static("", id="status-cursor")
        yield Static("", id="status-language")
        yield Static("", id="status-encoding")
        yield Static("", id="status-eol")

    def on_mount(self) -> None:
        # Until a file is active only the (empty) path field takes room.
        for widget_id in ("#status-dirty", "#status-cursor", "#status-language", "#status-encoding", "#status-eol"):
            self.query_one(widget_id, Static).display = False

    def watch_info(self, old: StatusInfo, info: StatusInfo) -> None:
        # Only touch the fields that changed: each update of an auto-width Static re-lays out the bar, which
        # cost ~4 ms per keystroke when all six were refreshed for a cursor move.
        dirty = self.query_one("#status-dirty", Static)
        if old.dirty != info.dirty:
            dirty.update("●" if info.dirty else "")
            dirty.display = info.dirty
        has_file = bool(info.language)
        fields = {
            "#status-path": info.path,
            "#status-cursor": f"Ln {info.line}, Col {info.column}" if has_file else "",
            "#status-language": info.language,
            "#status-encoding": info.encoding.upper().replace("_", "-"),
            "#status-eol": info.line_ending,
        }
        for widget_id, value in fields.items():
            previous = self._shown.get(widget_id)
            if value != previous:
                self._shown[widget_id] = value
                widget = self.query_one(widget_id, Static)
                # Same length, same width: repaint the field without re-laying out the screen (a layout repaints
                # every widget, which cost most of a keystroke's time when only the column number changed).
                widget.update(value, layout=previous is None or len(value) != len(previous) or not value.isascii())
                widget.display = has_file or widget_id == "#status-path"
