"""The find bar under the terminal panel: type to search the active terminal's scrollback, step through matches.

It is an ordinary input outside the terminal, so its keys (enter, up/down, escape) never reach the program and
need none of Symphony's keybindings, which a focused terminal holds back.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Label


class TerminalFindBar(Horizontal):
    """Search text plus an 'n of m' count; posts what the user asks for, the panel applies it to a terminal."""

    DEFAULT_CSS = """
    TerminalFindBar {
        height: 1;
        display: none;
        background: $boost;
    }
    TerminalFindBar.-open {
        display: block;
    }
    TerminalFindBar > Input {
        width: 1fr;
        height: 1;
        border: none;
        padding: 0 1;
    }
    TerminalFindBar > Label {
        width: auto;
        padding: 0 1;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "Close find", show=False),
        Binding("up", "older", "Older match", show=False),
        Binding("down", "newer", "Newer match", show=False),
    ]

    class Search(Message):
        """The search text changed (an empty needle ends the search)."""

        def __init__(self, needle: str) -> None:
            super().__init__()
            self.needle = needle

    class Step(Message):
        """Move to the next older (``direction == -1``) or newer (``+1``) match."""

        def __init__(self, direction: int) -> None:
            super().__init__()
            self.direction = direction

    class Closed(Message):
        """The user closed the bar; the terminal gets focus back."""

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Find in terminal (enter/up: older, down: newer, esc: close)", id="terminal-find")
        yield Label("", id="terminal-find-count")

    @property
    def input(self) -> Input:
        """The search text box."""
        return self.query_one(Input)

    @property
    def is_open(self) -> bool:
        """Whether the bar is shown."""
        return self.has_class("-open")

    def open(self, needle: str | None = None) -> None:
        """Show the bar and focus its input (optionally pre-filled)."""
        self.add_class("-open")
        if needle is not None:
            self.input.value = needle
        self.input.focus()

    def show_count(self, current: int, total: int) -> None:
        """Show where the highlighted match is among all of them."""
        text = "" if not self.input.value else (f"{current} of {total}" if total else "no matches")
        self.query_one(Label).update(text)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Search(event.value))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Step(-1))

    def action_older(self) -> None:
        self.post_message(self.Step(-1))

    def action_newer(self) -> None:
        self.post_message(self.Step(1))

    def action_close(self) -> None:
        self.remove_class("-open")
        self.post_message(self.Closed())
