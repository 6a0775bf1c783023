"""The status bar: what the user needs to know about the active file at a glance, plus items others add.

Besides the built-in fields it holds two item areas (left after the path, right before the cursor fields) where
extensions put their items; an item with a command runs it when clicked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
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


@dataclass(frozen=True)
class StatusItemSpec:
    """An item someone else (an extension) shows in the status bar."""

    key: str
    """Unique in the bar, e.g. ``symphony.wordcount/wordcount``."""
    text: str
    tooltip: str = ""
    command: str | None = None
    """Run when the item is clicked."""
    alignment: Literal["left", "right"] = "right"
    priority: int = 0
    """Higher shows further left within its area (as in VS Code)."""


class PlainField(Static):
    """A built-in field: its text verbatim (no markup: a file named ``a[b].py`` shows as it is), drawn as one
    segment. A Static turns its text into content and renders that on every paint: ~0.3 ms for the cursor
    field, on every keystroke."""

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(text, id=id, markup=False)
        self._plain = text

    def update(self, content: object = "", *, layout: bool = True) -> None:  # type: ignore[override]
        self._plain = str(content)
        super().update(content, layout=layout)  # type: ignore[arg-type]

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        style = self.rich_style
        if y or not width:
            return Strip.blank(width, style)
        return Strip([Segment(self._plain, style)]).crop_extend(0, width, style)


class StatusItem(Static):
    """One contributed item; clicking it asks the app to run its command."""

    def __init__(self, spec: StatusItemSpec, order: int) -> None:
        super().__init__(spec.text, classes="status-item" + (" -clickable" if spec.command else ""))
        self.spec = spec
        """What the item shows and runs."""
        self.order = order
        """Creation order: ties in priority keep it."""
        self.tooltip = spec.tooltip or None

    def update_spec(self, spec: StatusItemSpec) -> None:
        """Show new text/tooltip/command without remounting."""
        if spec.text != self.spec.text:
            self.update(spec.text)
        self.spec = spec
        self.tooltip = spec.tooltip or None
        self.set_class(bool(spec.command), "-clickable")

    def on_click(self, event: events.Click) -> None:
        if self.spec.command:
            event.stop()
            self.post_message(StatusBar.ItemClicked(self.spec))


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
        width: auto;
    }
    StatusBar > #status-branch {
        color: $text-muted;
    }
    StatusBar > #status-blame {
        color: $text-muted;
        max-width: 40;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    StatusBar > #status-dirty {
        color: $warning;
        text-style: bold;
    }
    StatusBar > .status-items {
        width: auto;
        height: 1;
    }
    StatusBar > #status-left-items {
        width: 1fr;
    }
    StatusBar .status-item {
        width: auto;
        height: 1;
        padding: 0 1;
    }
    StatusBar .status-item.-clickable:hover {
        background: $primary 40%;
    }
    """

    class ItemClicked(Message):
        """A contributed item with a command was clicked."""

        def __init__(self, spec: StatusItemSpec) -> None:
            super().__init__()
            self.spec = spec

    info: reactive[StatusInfo] = reactive(StatusInfo, init=False, repaint=False)
    """The facts shown; replaced as a whole. The watcher updates only the fields whose text changed: a repaint
    of the bar itself would re-render all of its ~11 fields on every keystroke."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: dict[str, str] = {}
        self._fields: dict[str, Static] = {}
        self._cursor_width = 0
        self._items: dict[str, StatusItem] = {}
        self._order = 0

    def compose(self) -> ComposeResult:
        yield Static("", id="status-branch")
        yield PlainField(id="status-dirty")
        yield PlainField(id="status-path")
        yield Horizontal(id="status-left-items", classes="status-items")
        yield Static("", id="status-blame")
        yield Horizontal(id="status-right-items", classes="status-items")
        yield PlainField(id="status-cursor")
        yield PlainField(id="status-language")
        yield PlainField(id="status-encoding")
        yield PlainField(id="status-eol")

    def on_mount(self) -> None:
        # Until a file is active only the (empty) path field takes room.
        for widget_id in (
            "#status-branch",
            "#status-blame",
            "#status-dirty",
            "#status-cursor",
            "#status-language",
            "#status-encoding",
            "#status-eol",
        ):
            self.query_one(widget_id, Static).display = False

    def _field(self, widget_id: str) -> Static:
        """A built-in field (looked up once: the cursor field changes on every keystroke)."""
        field = self._fields.get(widget_id)
        if field is None or not field.is_attached:
            field = self._fields[widget_id] = self.query_one(widget_id, Static)
        return field

    def _cursor_text(self, info: StatusInfo) -> str:
        # Padded to the widest position shown so far: moving between a long and a short line ("Col 205" and
        # "Col 31") then keeps the field's width, and so needs no layout pass of the whole screen (~10 ms a key).
        text = f"Ln {info.line}, Col {info.column}"
        self._cursor_width = max(self._cursor_width, len(text))
        return text.ljust(self._cursor_width)

    def watch_info(self, old: StatusInfo, info: StatusInfo) -> None:
        # Only touch the fields that changed: each update of an auto-width Static re-lays out the bar, which
        # cost ~4 ms per keystroke when all six were refreshed for a cursor move.
        dirty = self._field("#status-dirty")
        if old.dirty != info.dirty:
            dirty.update("●" if info.dirty else "")
            dirty.display = info.dirty
        has_file = bool(info.language)
        fields = {
            "#status-path": info.path,
            "#status-cursor": self._cursor_text(info) if has_file else "",
            "#status-language": info.language,
            "#status-encoding": info.encoding.upper().replace("_", "-"),
            "#status-eol": info.line_ending,
        }
        for widget_id, value in fields.items():
            previous = self._shown.get(widget_id)
            if value != previous:
                self._shown[widget_id] = value
                widget = self._field(widget_id)
                # A value as wide as the last one (the cursor moving from Col 12 to Col 13) needs no layout pass,
                # which would re-render the whole screen on every keystroke. Wide characters make length lie.
                same_width = (
                    previous is not None
                    and len(previous) == len(value)
                    and value.isascii()
                    and previous.isascii()
                    and widget_id != "#status-path"
                )
                widget.update(value, layout=not same_width)
                widget.display = has_file or widget_id == "#status-path"

    # ----------------------------------------------------------------- contributed items

    @property
    def items(self) -> dict[str, StatusItemSpec]:
        """The contributed items shown now, by key."""
        return {key: item.spec for key, item in self._items.items()}

    def set_item(self, spec: StatusItemSpec) -> None:
        """Show or update an item; a changed alignment or priority moves it."""
        current = self._items.get(spec.key)
        if current is not None and (current.spec.alignment, current.spec.priority) == (spec.alignment, spec.priority):
            current.update_spec(spec)
            return
        order = current.order if current is not None else self._next_order()
        if current is not None:
            current.remove()
        item = StatusItem(spec, order)
        self._items[spec.key] = item
        area = self.query_one(f"#status-{spec.alignment}-items", Horizontal)
        siblings = [i for i in self._items.values() if i is not item and i.spec.alignment == spec.alignment]
        rank = (-spec.priority, order)
        after = [i for i in siblings if (-i.spec.priority, i.order) > rank and i.parent is area]
        if after:
            area.mount(item, before=min(after, key=lambda i: (-i.spec.priority, i.order)))
        else:
            area.mount(item)

    def remove_item(self, key: str) -> None:
        """Remove an item; unknown keys are ignored."""
        item = self._items.pop(key, None)
        if item is not None:
            item.remove()

    def remove_items(self, prefix: str) -> None:
        """Remove every item whose key starts with ``prefix`` (e.g. all of one extension's)."""
        for key in [k for k in self._items if k.startswith(prefix)]:
            self.remove_item(key)

    def _next_order(self) -> int:
        self._order += 1
        return self._order

    def show_branch(self, text: str) -> None:
        """The git branch and ahead/behind counts ("" outside git hides the field)."""
        self._show_extra("#status-branch", text)

    def show_blame(self, text: str) -> None:
        """Who last changed the cursor's line ("" hides the field)."""
        self._show_extra("#status-blame", text)

    def _show_extra(self, widget_id: str, text: str) -> None:
        if self._shown.get(widget_id, "") == text:
            return
        self._shown[widget_id] = text
        widget = self.query_one(widget_id, Static)
        widget.update(Text(text))  # commit summaries may contain '[': never markup
        widget.display = bool(text)

    @property
    def branch_text(self) -> str:
        """What the branch field shows."""
        return self._shown.get("#status-branch", "")

    @property
    def blame_text(self) -> str:
        """What the blame field shows."""
        return self._shown.get("#status-blame", "")
