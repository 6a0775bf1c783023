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

    def compose(self) -> ComposeResult:
        yield Static("", id="status-dirty")
        yield Static("", id="status-path")
        yield Static("", id="status-cursor")
        yield Static("", id="status-language")
        yield Static("", id="status-encoding")
        yield Static("", id="status-eol")

    def watch_info(self, info: StatusInfo) -> None:
        self.query_one("#status-dirty", Static).update("●" if info.dirty else "")
        self.query_one("#status-dirty", Static).display = info.dirty
        self.query_one("#status-path", Static).update(info.path)
        has_file = bool(info.language)
        cursor = f"Ln {info.line}, Col {info.column}" if has_file else ""
        for widget_id, value in (
            ("#status-cursor", cursor),
            ("#status-language", info.language),
            ("#status-encoding", info.encoding.upper().replace("_", "-")),
            ("#status-eol", info.line_ending),
        ):
            widget = self.query_one(widget_id, Static)
            widget.update(value)
            widget.display = has_file
