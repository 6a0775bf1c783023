"""A VS Code-style quick pick: an input over a filtered list, used by quick open, the palette and pickers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option


@dataclass(frozen=True)
class PickItem:
    """One row: a label with matched character positions to highlight, an optional detail, and a value."""

    label: str
    value: Any
    detail: str = ""
    positions: Sequence[int] = ()
    hint: str = ""
    """Right-aligned extra text, e.g. a keybinding."""


Source = Callable[[str], Sequence[PickItem]]
"""Maps the current query to the rows to show (already ranked)."""


@dataclass(frozen=True)
class PickResult:
    """What the user chose: the item, and the query text at that moment."""

    item: PickItem
    query: str


class QuickPick(ModalScreen[PickResult | None]):
    """Modal list filtered as you type. Escape dismisses with None; enter dismisses with the highlighted item."""

    DEFAULT_CSS = """
    QuickPick {
        align: center top;
        background: $background 40%;
    }
    QuickPick > Vertical {
        width: 80%;
        max-width: 100;
        height: auto;
        max-height: 70%;
        margin-top: 2;
        background: $surface;
        border: round $primary;
        padding: 0 1;
    }
    QuickPick Input, QuickPick Input:focus {
        border: none;
        height: 1;
        padding: 0 1;
        margin: 0 0 1 0;
        background: $panel;
    }
    QuickPick OptionList {
        border: none;
        height: auto;
        max-height: 20;
        padding: 0;
        background: $surface;
    }
    QuickPick #quick-pick-title {
        color: $text-muted;
        height: 1;
    }
    QuickPick #quick-pick-empty {
        color: $text-muted;
        height: 1;
        display: none;
    }
    """

    BINDINGS = [
        Binding("escape", "dismiss_none", "Close", show=False),
        Binding("down", "cursor_down", show=False, priority=True),
        Binding("up", "cursor_up", show=False, priority=True),
        Binding("pagedown", "page_down", show=False, priority=True),
        Binding("pageup", "page_up", show=False, priority=True),
    ]

    def __init__(
        self,
        source: Source,
        *,
        title: str = "",
        placeholder: str = "",
        initial: str = "",
        on_highlight: Callable[[PickItem], None] | None = None,
        title_for: Callable[[str], str] | None = None,
    ) -> None:
        super().__init__()
        self._source = source
        self._title = title
        self._placeholder = placeholder
        self._initial = initial
        self._on_highlight = on_highlight
        self._title_for = title_for
        self._items: list[PickItem] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title, id="quick-pick-title")
            # Not select-on-focus: typing after F1 must extend its ">", not replace it.
            yield Input(
                value=self._initial, placeholder=self._placeholder, id="quick-pick-input", select_on_focus=False
            )
            yield Static("No matching results", id="quick-pick-empty")
            yield OptionList(id="quick-pick-list")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.refresh_items(self._initial)

    @property
    def query_text(self) -> str:
        """The text currently typed."""
        return self.query_one(Input).value

    def refresh_items(self, query: str) -> None:
        """Re-run the source for ``query`` and show its rows."""
        if self._title_for is not None:
            self.query_one("#quick-pick-title", Static).update(self._title_for(query))
        self._items = list(self._source(query))
        option_list = self.query_one(OptionList)
        option_list.clear_options()
        option_list.add_options([Option(self._render_item(item)) for item in self._items])
        self.query_one("#quick-pick-empty").display = not self._items
        if self._items:
            option_list.highlighted = 0

    def _render_item(self, item: PickItem) -> Text:
        text = Text(item.label)
        for index in item.positions:
            if 0 <= index < len(item.label):
                text.stylize("bold underline", index, index + 1)
        if item.detail:
            text.append("  " + item.detail, style="dim")
        if item.hint:
            text.append("  " + item.hint, style="italic dim")
        return text

    @on(Input.Changed, "#quick-pick-input")
    def _query_changed(self, event: Input.Changed) -> None:
        self.refresh_items(event.value)

    @on(Input.Submitted, "#quick-pick-input")
    def _submitted(self) -> None:
        self._accept(self.query_one(OptionList).highlighted)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._accept(event.option_index)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self._on_highlight is not None and 0 <= event.option_index < len(self._items):
            self._on_highlight(self._items[event.option_index])

    def _accept(self, index: int | None) -> None:
        if index is None or not (0 <= index < len(self._items)):
            return
        self.dismiss(PickResult(self._items[index], self.query_text))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)

    def _move(self, action: str) -> None:
        getattr(self.query_one(OptionList), f"action_{action}")()

    def action_cursor_down(self) -> None:
        self._move("cursor_down")

    def action_cursor_up(self) -> None:
        self._move("cursor_up")

    def action_page_down(self) -> None:
        self._move("page_down")

    def action_page_up(self) -> None:
        self._move("page_up")
