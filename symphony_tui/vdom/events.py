"""Widget messages -> Motif events: which node, which event name, and the value the extension receives.

Values are plain data: input text, a checkbox's bool, an index, or for list items, tabs and tree nodes the key
the extension gave them (a tree node's ``data`` prop first), so handlers need no ids to know what was picked.
"""

from __future__ import annotations

from typing import Any

from textual.message import Message
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Input,
    ListView,
    OptionList,
    RadioSet,
    Select,
    Switch,
    TabbedContent,
    TextArea,
    Tree,
)

from symphony_tui.vdom.reconciler import MotifReconciler

MotifEventData = tuple[int, str, Any]
"""(node id, event name, value)."""

FORWARDED: tuple[type[Message], ...] = (
    Button.Pressed,
    Input.Changed,
    Input.Submitted,
    TextArea.Changed,
    Checkbox.Changed,
    Switch.Changed,
    RadioSet.Changed,
    Select.Changed,
    OptionList.OptionSelected,
    OptionList.OptionHighlighted,
    ListView.Selected,
    DataTable.RowSelected,
    DataTable.CellSelected,
    Tree.NodeSelected,
    Tree.NodeExpanded,
    Tree.NodeCollapsed,
    TabbedContent.TabActivated,
)
"""Every message a Motif widget turns into an event."""


def _key_or_index(reconciler: MotifReconciler, node_id: int | None, index: int | None) -> Any:
    """A list item's key, or its index when it has none."""
    node = reconciler.wire(node_id) if node_id is not None else None
    if node is not None and "key" in node:
        return node["key"]
    return index


def _tree_value(reconciler: MotifReconciler, node_id: int) -> Any:
    node = reconciler.wire(node_id)
    if node is None:
        return node_id
    data = node.get("props", {}).get("data")
    if data is not None:
        return data
    return node.get("key", node_id)


def translate(message: Message, reconciler: MotifReconciler) -> MotifEventData | None:
    """The event ``message`` means for the Motif, or None when it is not one (an inner widget's message)."""
    control = getattr(message, "control", None)
    if control is None:
        return None
    node_id = reconciler.node_of(control)
    if node_id is None:
        return None
    match message:
        case Button.Pressed():
            return node_id, "press", None
        case Input.Changed(value=value):
            return node_id, "changed", value
        case Input.Submitted(value=value):
            return node_id, "submitted", value
        case TextArea.Changed():
            return node_id, "changed", message.text_area.text
        case Checkbox.Changed() | Switch.Changed():
            return node_id, "changed", message.value
        case RadioSet.Changed():
            return node_id, "changed", message.index
        case Select.Changed():
            return node_id, "changed", None if message.value is Select.NULL else message.value
        case OptionList.OptionSelected():
            return node_id, "selected", message.option_index
        case OptionList.OptionHighlighted():
            return node_id, "highlighted", message.option_index
        case ListView.Selected():
            item = reconciler.node_of(message.item) if message.item is not None else None
            return node_id, "selected", _key_or_index(reconciler, item, message.list_view.index)
        case DataTable.RowSelected():
            return node_id, "row_selected", message.cursor_row
        case DataTable.CellSelected():
            return node_id, "cell_selected", [message.coordinate.row, message.coordinate.column]
        case Tree.NodeSelected() | Tree.NodeExpanded() | Tree.NodeCollapsed():
            name = {Tree.NodeSelected: "selected", Tree.NodeExpanded: "expanded"}.get(type(message), "collapsed")
            data = message.node.data
            return node_id, name, _tree_value(reconciler, data if data is not None else node_id)
        case TabbedContent.TabActivated():
            pane_node = reconciler.node_of(message.pane) if message.pane is not None else None
            wire = reconciler.wire(pane_node) if pane_node is not None else None
            if wire is None:
                return None
            return node_id, "changed", wire.get("key", wire.get("text", ""))
    return None


__all__ = ["FORWARDED", "MotifEventData", "translate"]
