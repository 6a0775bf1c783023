"""One Textual widget per VDOM node type: how to build it from props and text, and how to change it in place.

Building takes the node's already built child widgets (containers receive them at construction, so a whole new
subtree mounts in one go). Updating changes only what a ``set_props`` / ``set_text`` op names, through the
widget's own API, so the widget (and its focus, scroll and cursor) stays. Values an extension cannot be trusted
with (a regex, a language name, a select value) are checked here and ignored with a log line when bad: a Motif
must never crash the editor.
"""

from __future__ import annotations

import logging
import re
import statistics
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Final

from rich.text import Text
from textual.containers import Grid, Horizontal, ScrollableContainer, Vertical, VerticalScroll
from textual.content import Content
from textual.coordinate import Coordinate
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Input,
    Label,
    ListItem,
    ListView,
    LoadingIndicator,
    Log,
    Markdown,
    OptionList,
    ProgressBar,
    RadioButton,
    RadioSet,
    Select,
    Sparkline,
    Static,
    Switch,
    TabbedContent,
    TabPane,
    TextArea,
    Tree,
)
from textual.widgets.text_area import Selection

log = logging.getLogger("symphony.motif")

SUMMARIES: Final[Mapping[str, Callable[[Sequence[float]], float]]] = {
    "max": max,
    "min": min,
    "mean": statistics.fmean,
}

CONTAINERS: Final = frozenset({"vertical", "horizontal", "grid", "scroll", "list_item", "tab"})
"""Types whose children are plain child widgets (mounted, moved and removed with Textual's DOM calls)."""


def tab_pane_id(node_id: int) -> str:
    """The TabPane id of a ``tab`` node (TabbedContent addresses panes by id)."""
    return f"motif-tab-{node_id}"


def rich_text(spans: Sequence[Sequence[Any]]) -> Text:
    """``[[text, style or None], ...]`` as one Rich Text (no markup parsing: extension text is literal)."""
    text = Text()
    for chunk, style in spans:
        text.append(str(chunk), style=style or "")
    return text


def _restrict(value: Any) -> str | None:
    if value is None:
        return None
    try:
        re.compile(value)
    except re.error as exc:
        log.warning("Motif input: restrict %r is not a valid regular expression (%s); ignored", value, exc)
        return None
    return str(value)


def _language(widget: TextArea | None, value: Any) -> str | None:
    if value is None:
        return None
    available = widget.available_languages if widget is not None else TextArea().available_languages
    if value not in available:
        log.warning("Motif text_area: language %r is not available; shown as plain text", value)
        return None
    return str(value)


def _options(raw: Any) -> list[tuple[str, str]]:
    return [(str(label), str(value)) for label, value in raw or []]


def _select_value(widget: Select[str], value: Any) -> None:
    if value is None:
        widget.clear()
        return
    if value not in {v for _, v in widget._options}:
        log.warning("Motif select: value %r is not among its options; ignored", value)
        return
    widget.value = value


def build(node_type: str, node_id: int, props: Mapping[str, Any], text: str | None, children: list[Widget]) -> Widget:
    """A new widget for one node, its child widgets inside it."""
    p = props
    if node_type == "vertical":
        return Vertical(*children)
    if node_type == "horizontal":
        return Horizontal(*children)
    if node_type == "grid":
        grid = Grid(*children)
        _grid_props(grid, p)
        return grid
    if node_type == "scroll":
        return ScrollableContainer(*children) if p.get("horizontal") else VerticalScroll(*children)
    if node_type == "tabs":
        tabs = TabbedContent()
        tabs._tab_content = list(children)  # what `with TabbedContent():` in compose would collect
        return tabs
    if node_type == "tab":
        return TabPane(Content(text or ""), *children, id=tab_pane_id(node_id))
    if node_type == "static":
        return Static(text or "", markup=False)
    if node_type == "label":
        return Label(text or "", markup=False, variant=p.get("variant"))
    if node_type == "markdown":
        return Markdown(text or "")
    if node_type == "rich_text":
        return Static(rich_text(p.get("spans", [])), markup=False)
    if node_type == "button":
        return Button(Content(text or ""), variant=p.get("variant", "default"))
    if node_type == "input":
        return Input(
            value=p.get("value", ""),
            placeholder=p.get("placeholder", ""),
            password=p.get("password", False),
            restrict=_restrict(p.get("restrict")),
        )
    if node_type == "text_area":
        return TextArea(
            p.get("value", ""),
            language=_language(None, p.get("language")),
            read_only=p.get("read_only", False),
            soft_wrap=p.get("soft_wrap", True),
        )
    if node_type == "checkbox":
        return Checkbox(Content(text or ""), p.get("value", False))
    if node_type == "switch":
        return Switch(p.get("value", False))
    if node_type == "radio_set":
        selected = p.get("selected")
        return RadioSet(*(RadioButton(Content(o), i == selected) for i, o in enumerate(p.get("options", []))))
    if node_type == "select":
        choices = _options(p.get("options"))
        value = p.get("value")
        if value is not None and value not in {v for _, v in choices}:
            log.warning("Motif select: value %r is not among its options; ignored", value)
            value = None
        return Select(choices, prompt=p.get("prompt", "Select"), value=Select.BLANK if value is None else value)
    if node_type == "option_list":
        options = OptionList(*p.get("options", []))
        if p.get("highlighted") is not None:
            options.highlighted = p["highlighted"]
        return options
    if node_type == "list_view":
        return ListView(*children, initial_index=p.get("index", 0))  # type: ignore[arg-type]
    if node_type == "list_item":
        return ListItem(*children)
    if node_type == "data_table":
        table: DataTable[Any] = DataTable(
            cursor_type=p.get("cursor_type", "row"), zebra_stripes=p.get("zebra_stripes", False)
        )
        table.add_columns(*p.get("columns", []))
        _add_rows(table, p.get("rows", []))
        return table
    if node_type == "tree":
        tree: Tree[int] = Tree(Text(text or ""), data=node_id)
        tree.show_root = p.get("show_root", True)
        tree.root.expand()
        return tree
    if node_type == "progress_bar":
        bar = ProgressBar(
            total=p.get("total"), show_eta=p.get("show_eta", False), show_percentage=p.get("show_percentage", True)
        )
        bar.update(progress=p.get("progress", 0))
        return bar
    if node_type == "sparkline":
        return Sparkline(p.get("data", []), summary_function=SUMMARIES[p.get("summary", "max")])
    if node_type == "log":
        return MotifLog(p.get("lines", []), max_lines=p.get("max_lines"))
    if node_type == "loading_indicator":
        return LoadingIndicator()
    raise KeyError(node_type)  # unreachable: validation rejects unknown types first


class MotifLog(Log):
    """A Log given its first lines at construction: Log can only write once mounted (it measures in a worker)."""

    def __init__(self, lines: Sequence[str], *, max_lines: int | None) -> None:
        super().__init__(max_lines=max_lines)
        self._initial_lines = list(lines)

    def on_mount(self) -> None:
        self.write_lines(self._initial_lines)
        self._initial_lines = []


def _grid_props(grid: Grid, props: Mapping[str, Any]) -> None:
    styles = grid.styles
    if props.get("columns"):
        styles.grid_size_columns = props["columns"]
    else:
        styles.clear_rule("grid_size_columns")
    if props.get("rows"):
        styles.grid_size_rows = props["rows"]
    else:
        styles.clear_rule("grid_size_rows")
    if "gutter" in props:
        styles.grid_gutter_horizontal = props["gutter"]
        styles.grid_gutter_vertical = props["gutter"]
    else:
        styles.clear_rule("grid_gutter_horizontal")
        styles.clear_rule("grid_gutter_vertical")


def _add_rows(table: DataTable[Any], rows: Sequence[Sequence[Any]]) -> None:
    width = len(table.columns)
    for index, row in enumerate(rows):
        cells = ["" if cell is None else cell for cell in row][:width]
        cells += [""] * (width - len(cells))
        table.add_row(*cells, key=str(index))


def _update_table(table: DataTable[Any], old: Mapping[str, Any], new: Mapping[str, Any], changed: set[str]) -> None:
    if "cursor_type" in changed:
        table.cursor_type = new.get("cursor_type", "row")
    table.zebra_stripes = new.get("zebra_stripes", False)
    if not changed & {"columns", "rows"}:
        return
    old_rows, rows = old.get("rows", []), new.get("rows", [])
    same_shape = "columns" not in changed and len(old_rows) == len(rows)
    if same_shape:
        # Cell by cell: the cursor, scroll and row keys stay exactly where they were.
        for r, (before, after) in enumerate(zip(old_rows, rows, strict=True)):
            if before != after:
                for c in range(len(table.columns)):
                    value = after[c] if c < len(after) and after[c] is not None else ""
                    if c >= len(before) or before[c] != value:
                        table.update_cell_at(Coordinate(r, c), value)
        return
    cursor, scroll = table.cursor_coordinate, table.scroll_offset
    table.clear(columns="columns" in changed)
    if "columns" in changed:
        table.add_columns(*new.get("columns", []))
    _add_rows(table, rows)
    if rows:
        table.move_cursor(row=min(cursor.row, len(rows) - 1), column=cursor.column, scroll=False)
    table.scroll_to(scroll.x, scroll.y, animate=False)


def update(
    node_type: str,
    widget: Widget,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    changed: set[str],
) -> bool:
    """Apply changed type-specific props in place; False when the widget cannot change and must be rebuilt."""
    if node_type == "grid":
        _grid_props(widget, new)  # type: ignore[arg-type]
    elif node_type == "scroll":
        return "horizontal" not in changed
    elif node_type == "tabs":
        if "active" in changed and new.get("active") is not None:
            _activate_tab(widget, new["active"])  # type: ignore[arg-type]
    elif node_type == "label":
        label = widget
        for variant in ("success", "error", "warning", "primary"):
            label.remove_class(variant)
        if new.get("variant"):
            label.add_class(new["variant"])
    elif node_type == "rich_text":
        widget.update(rich_text(new.get("spans", [])))  # type: ignore[attr-defined]
    elif node_type == "button":
        widget.variant = new.get("variant", "default")  # type: ignore[attr-defined]
    elif node_type == "input":
        _update_input(widget, new, changed)  # type: ignore[arg-type]
    elif node_type == "text_area":
        _update_text_area(widget, new, changed)  # type: ignore[arg-type]
    elif node_type in ("checkbox", "switch"):
        widget.value = new.get("value", False)  # type: ignore[attr-defined]
    elif node_type == "radio_set":
        return _update_radio_set(widget, old, new, changed)  # type: ignore[arg-type]
    elif node_type == "select":
        select: Select[str] = widget  # type: ignore[assignment]
        if "options" in changed:
            select.set_options(_options(new.get("options")))
        if "prompt" in changed:
            select.prompt = new.get("prompt", "Select")
        if changed & {"value", "options"}:
            _select_value(select, new.get("value"))
    elif node_type == "option_list":
        _update_option_list(widget, new, changed)  # type: ignore[arg-type]
    elif node_type == "list_view":
        if "index" in changed:
            widget.index = new.get("index", 0)  # type: ignore[attr-defined]
    elif node_type == "data_table":
        _update_table(widget, old, new, changed)  # type: ignore[arg-type]
    elif node_type == "tree":
        widget.show_root = new.get("show_root", True)  # type: ignore[attr-defined]
    elif node_type == "progress_bar":
        bar: ProgressBar = widget  # type: ignore[assignment]
        bar.update(total=new.get("total"), progress=new.get("progress", 0))
        if changed & {"show_eta", "show_percentage"}:
            return False  # fixed at construction
    elif node_type == "sparkline":
        spark: Sparkline = widget  # type: ignore[assignment]
        spark.data = list(new.get("data", []))
        spark.summary_function = SUMMARIES[new.get("summary", "max")]
    elif node_type == "log":
        _update_log(widget, old, new, changed)  # type: ignore[arg-type]
    return True


def set_text(node_type: str, widget: Widget, text: str | None, tab_parent: Widget | None) -> Awaitable[Any] | None:
    """New text for a text node; an awaitable when the widget finishes the change later (markdown)."""
    value = text or ""
    if node_type == "markdown":
        return widget.update(value)  # type: ignore[attr-defined, no-any-return]
    if node_type in ("static", "label"):
        widget.update(value)  # type: ignore[attr-defined]
    elif node_type in ("button", "checkbox"):
        widget.label = Content(value)  # type: ignore[attr-defined]
    elif node_type == "tab" and isinstance(tab_parent, TabbedContent):
        tab_parent.get_tab(widget.id or "").label = Content(value)
    elif node_type == "tree":
        widget.root.set_label(Text(value))  # type: ignore[attr-defined]
    return None


def _activate_tab(tabs: TabbedContent, active: str) -> None:
    for pane in tabs.query(TabPane):  # panes sit in the TabbedContent's ContentSwitcher
        if getattr(pane, "_motif_key", None) == active and pane.parent is not None and pane.parent.parent is tabs:
            tabs.active = pane.id or ""
            return


def _update_input(widget: Input, new: Mapping[str, Any], changed: set[str]) -> None:
    if "value" in changed:
        value = new.get("value", "")
        if widget.value != value:
            widget.value = value
            widget.cursor_position = len(value)
    if "placeholder" in changed:
        widget.placeholder = new.get("placeholder", "")
    if "password" in changed:
        widget.password = new.get("password", False)
    if "restrict" in changed:
        widget.restrict = _restrict(new.get("restrict"))


def _update_text_area(widget: TextArea, new: Mapping[str, Any], changed: set[str]) -> None:
    if "value" in changed:
        value = new.get("value", "")
        if widget.text != value:
            selection = widget.selection
            widget.load_text(value)
            widget.selection = Selection(_clamp(widget, selection.start), _clamp(widget, selection.end))
    if "language" in changed:
        widget.language = _language(widget, new.get("language"))
    if "read_only" in changed:
        widget.read_only = new.get("read_only", False)
    if "soft_wrap" in changed:
        widget.soft_wrap = new.get("soft_wrap", True)


def _clamp(widget: TextArea, location: tuple[int, int]) -> tuple[int, int]:
    """``location`` moved inside the text (the cursor stays where it was when it still exists)."""
    row = max(0, min(location[0], widget.document.line_count - 1))
    return row, min(location[1], len(widget.document.get_line(row)))


def _update_radio_set(widget: RadioSet, old: Mapping[str, Any], new: Mapping[str, Any], changed: set[str]) -> bool:
    if "options" in changed or ("options" in old) != ("options" in new):
        return False  # RadioSet has no API to change its buttons: rebuild (only this leaf)
    buttons = list(widget.query_children(RadioButton))
    selected = new.get("selected")
    if selected is None:
        for button in buttons:
            button.value = False
    elif 0 <= selected < len(buttons):
        buttons[selected].value = True
    return True


def _update_option_list(widget: OptionList, new: Mapping[str, Any], changed: set[str]) -> None:
    if "options" in changed:
        highlighted = widget.highlighted
        widget.set_options(new.get("options", []))
        if highlighted is not None and widget.option_count:
            widget.highlighted = min(highlighted, widget.option_count - 1)
    if "highlighted" in changed:
        widget.highlighted = new.get("highlighted")


def _update_log(widget: Log, old: Mapping[str, Any], new: Mapping[str, Any], changed: set[str]) -> None:
    if "max_lines" in changed:
        widget.max_lines = new.get("max_lines")
    if "lines" not in changed:
        return
    before, after = old.get("lines", []), new.get("lines", [])
    if after[: len(before)] == before:
        widget.write_lines(after[len(before) :])  # appended: the log keeps following its tail
    else:
        widget.clear()
        widget.write_lines(after)


__all__ = ["CONTAINERS", "SUMMARIES", "build", "rich_text", "set_text", "tab_pane_id", "update"]
