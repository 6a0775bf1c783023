"""MotifReconciler: a Motif's wire tree mounted as live Textual widgets, changed only where a patch says.

It keeps the tree as ``core.vdom.WireTree`` (which validates every op exactly as core does, before any widget is
touched) beside an ``id -> widget`` map, and applies each op to the one widget it names: a set_props changes that
widget through its own API, a move is a ``move_child``, an insert mounts one new subtree. Unchanged widgets are
never rebuilt, so focus, scroll position, cursors and selections survive updates.

A user's edit must not be undone by a stale patch: while an event from a widget is on its way to the extension,
a patch setting that widget's value (computed from an older event) is held back and applied only once every
event of that widget has been answered, and only if the extension still wants a different value.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, Final

from rich.text import Text
from textual.message import Message
from textual.widget import Widget
from textual.widgets import (
    Checkbox,
    DataTable,
    Input,
    ListView,
    OptionList,
    RadioSet,
    Select,
    Switch,
    TabbedContent,
    TabPane,
    TextArea,
    Tree,
)
from textual.widgets.tree import TreeNode

from core.errors import ProtocolError, ValidationError
from core.vdom import DEFAULT_MAX_NODES, WireNode, WireTree
from symphony_tui.vdom import widget_factory
from symphony_tui.vdom.styles import COLOUR_PROPS, STYLE_PROPS, apply_style_props

log = logging.getLogger("symphony.motif")

VALUE_PROPS: Final[Mapping[str, str]] = {
    "input": "value",
    "text_area": "value",
    "checkbox": "value",
    "switch": "value",
    "select": "value",
    "radio_set": "selected",
    "option_list": "highlighted",
    "list_view": "index",
    "tabs": "active",
}
"""The prop of each type that the user changes by acting on the widget (held back while events are in flight)."""

PROGRAMMATIC: Final[tuple[type[Message], ...]] = (
    Input.Changed,
    TextArea.Changed,
    Checkbox.Changed,
    Switch.Changed,
    RadioSet.Changed,
    Select.Changed,
    OptionList.OptionHighlighted,
    ListView.Highlighted,
    TabbedContent.TabActivated,
    DataTable.RowHighlighted,
    DataTable.CellHighlighted,
)
"""Messages that reconciler changes would post: prevented, so the extension hears only the user's actions."""

_NO_VALUE: Final = object()


class MotifReconciler:
    """Mounts a Motif's tree under ``host`` and applies its patches to the live widgets."""

    def __init__(self, host: Widget, *, max_nodes: int = DEFAULT_MAX_NODES) -> None:
        self.host = host
        """The container the root widget is mounted in."""
        self.max_nodes = max_nodes
        self.tree: WireTree | None = None
        """What is shown, as wire dicts; None before the first render."""
        self._widgets: dict[int, Widget] = {}
        self._tree_nodes: dict[int, TreeNode[int]] = {}
        self._owner: dict[Widget, int] = {}
        self._pending: dict[int, int] = {}
        self._deferred: dict[int, Any] = {}
        self._variables: dict[str, str] = {}
        self._awaiting: list[Awaitable[Any]] = []
        self._settle_now = False

    # -- queries ------------------------------------------------------------------------------------------------

    def widget(self, node_id: int) -> Widget | None:
        """The widget showing node ``node_id`` (None for tree nodes and unknown ids)."""
        return self._widgets.get(node_id)

    def node_of(self, widget: Widget) -> int | None:
        """The node id ``widget`` was built from, if it was built by this reconciler."""
        return self._owner.get(widget)

    def tree_node(self, node_id: int) -> TreeNode[int] | None:
        """The TreeNode showing a ``tree_node`` node."""
        return self._tree_nodes.get(node_id)

    def wire(self, node_id: int) -> WireNode | None:
        """The shown node ``node_id`` as a wire dict, or None when it is gone."""
        if self.tree is None or node_id not in self.tree:
            return None
        return self.tree.node(node_id)

    # -- whole trees --------------------------------------------------------------------------------------------

    async def mount_root(self, root: WireNode) -> None:
        """Show ``root`` from scratch (a ``motif.render``): validated first, then the old widgets go."""
        tree = WireTree(root, max_nodes=self.max_nodes)
        await self.clear()
        self.tree = tree
        self._variables = self.host.app.get_css_variables()
        with self.host.prevent(*PROGRAMMATIC):
            widget = self._build(tree.root)
            await self.host.mount(widget)
        await self._settle()

    async def clear(self) -> None:
        """Remove every widget (before a fresh render, or to show an error instead)."""
        self.tree = None
        self._widgets.clear()
        self._tree_nodes.clear()
        self._owner.clear()
        self._pending.clear()
        self._deferred.clear()
        await self.host.remove_children()

    def refresh_theme(self) -> None:
        """Re-resolve theme-variable colours after the app's theme changed."""
        if self.tree is None:
            return
        self._variables = self.host.app.get_css_variables()
        for node_id, widget in self._widgets.items():
            props = self.tree.node(node_id).get("props", {})
            colours = {name: value for name, value in props.items() if name in COLOUR_PROPS}
            if colours:
                apply_style_props(widget, props, colours, [], self._variables)

    # -- patches ------------------------------------------------------------------------------------------------

    async def apply(self, ops: Iterable[Mapping[str, Any]]) -> None:
        """Apply a patch list in order; each op is validated against the tree before a widget changes.

        Raises ProtocolError / ValidationError on a bad op; the ops before it stay applied.
        """
        if self.tree is None:
            raise ProtocolError("motif.patch before motif.render", hint="Send the whole tree first.")
        tree = self.tree
        with self.host.prevent(*PROGRAMMATIC):
            try:
                for number, op in enumerate(ops):
                    kind = op.get("op") if isinstance(op, Mapping) else None
                    before = self._snapshot(tree, op) if isinstance(op, Mapping) else None
                    try:
                        tree.apply([op])
                    except (ProtocolError, ValidationError) as exc:  # renumber: the tree saw one op at a time
                        message = exc.message.replace("patch op 0", f"patch op {number}", 1)
                        raise type(exc)(message, hint=exc.hint, data={**exc.data, "op_index": number}) from None
                    then = getattr(self, f"_widget_{kind}")(op, before)
                    if self._settle_now:
                        # TabbedContent re-picks its active tab as each pane goes: one at a time, or it may pick
                        # a pane this same patch removes.
                        await self._settle()
                    if then is not None:  # the second half of a move that had to wait for a removal
                        then()
                        await self._settle()
            finally:
                await self._settle()

    def _snapshot(self, tree: WireTree, op: Mapping[str, Any]) -> Any:
        """What an op's widget half needs from the tree as it was before the op."""
        kind = op.get("op")
        node_id = op.get("id")
        if not isinstance(node_id, int):
            return None
        if kind in ("remove", "replace") and node_id in tree:
            return self._subtree_ids(tree.node(node_id))
        if kind == "set_props" and node_id in tree:
            return dict(tree.node(node_id).get("props", {}))
        return None

    async def _settle(self) -> None:
        self._settle_now = False
        pending, self._awaiting = self._awaiting, []
        for awaitable in pending:
            await awaitable

    # -- op handlers (the tree already holds the op's result) ----------------------------------------------------

    def _widget_insert(self, op: Mapping[str, Any], _: Any) -> None:
        assert self.tree is not None
        node = self.tree.node(op["node"]["id"])
        self._place(op["parent"], node, op["before"])

    def _widget_remove(self, op: Mapping[str, Any], ids: list[int]) -> None:
        self._unmount(op["id"], ids)

    def _widget_move(self, op: Mapping[str, Any], _: Any) -> Callable[[], None] | None:
        assert self.tree is not None
        node_id, parent_id, before = op["id"], op["parent"], op["before"]
        parent_type = self.tree.node(parent_id)["type"]
        if parent_type in ("tree", "tree_node", "tabs"):
            # Neither TreeNode nor TabbedContent can move a child: take it out and put it back (a pane only once
            # it is gone, since the new one has the same id).
            node = self.tree.node(node_id)
            self._unmount(node_id, self._subtree_ids(node))
            if parent_type == "tabs":
                return lambda: self._place(parent_id, node, before)
            self._place(parent_id, node, before)
            return None
        parent, widget = self._widgets[parent_id], self._widgets[node_id]
        if before is not None:
            parent.move_child(widget, before=self._widgets[before])
        else:
            last = parent.children[-1]
            if last is not widget:
                parent.move_child(widget, after=last)
        return None

    def _widget_set_props(self, op: Mapping[str, Any], old: dict[str, Any]) -> None:
        assert self.tree is not None
        node_id = op["id"]
        node = self.tree.node(node_id)
        new = node.get("props", {})
        changed = set(op["set"]) | set(op["unset"])
        value_prop = VALUE_PROPS.get(node["type"])
        if value_prop is not None and value_prop in changed and self._pending.get(node_id):
            # The user acted on this widget and the extension has not answered yet: this value is stale.
            self._deferred[node_id] = new.get(value_prop, _NO_VALUE)
            changed.discard(value_prop)
        self._update(node_id, node, old, new, changed)

    def _update(
        self, node_id: int, node: WireNode, old: Mapping[str, Any], new: Mapping[str, Any], changed: set[str]
    ) -> None:
        if node["type"] == "tree_node":
            if "expanded" in changed:
                tree_node = self._tree_nodes[node_id]
                if new.get("expanded"):
                    tree_node.expand()
                else:
                    tree_node.collapse()
            return
        widget = self._widgets[node_id]
        style_changed = {name: new[name] for name in changed & STYLE_PROPS if name in new}
        style_unset = [name for name in changed & STYLE_PROPS if name not in new]
        if style_changed or style_unset:
            apply_style_props(widget, new, style_changed, style_unset, self._variables)
        own = changed - STYLE_PROPS
        if own and not widget_factory.update(node["type"], widget, old, new, own):
            self._rebuild(node_id)

    def _widget_set_text(self, op: Mapping[str, Any], _: Any) -> None:
        assert self.tree is not None
        node_id, text = op["id"], op["text"]
        node_type = self.tree.node(node_id)["type"]
        if node_type == "tree_node":
            self._tree_nodes[node_id].set_label(Text(text or ""))
            return
        widget = self._widgets[node_id]
        parent_id = self.tree.parent_of(node_id)
        parent = self._widgets.get(parent_id) if parent_id is not None else None
        pending = widget_factory.set_text(node_type, widget, text, parent)
        if pending is not None:
            self._awaiting.append(pending)

    def _widget_set_handlers(self, op: Mapping[str, Any], _: Any) -> None:
        """Nothing to do: events look their handler up in the tree when they happen."""

    def _widget_replace(self, op: Mapping[str, Any], old_ids: list[int]) -> None:
        assert self.tree is not None
        old_id, new_node = op["id"], self.tree.node(op["node"]["id"])
        parent_id = self.tree.parent_of(new_node["id"])
        if parent_id is None:
            old = self._widgets.get(old_id)
            self._forget(old_ids)
            if old is not None:
                self._awaiting.append(old.remove())
            self._awaiting.append(self.host.mount(self._build(new_node)))
            return
        siblings = self.tree.node(parent_id).get("children", [])
        index = next(i for i, child in enumerate(siblings) if child["id"] == new_node["id"])
        after = siblings[index + 1]["id"] if index + 1 < len(siblings) else None
        self._unmount(old_id, old_ids)
        self._place(parent_id, new_node, after)

    def _rebuild(self, node_id: int) -> None:
        """Replace one widget whose changed props its widget class cannot take in place (same node id)."""
        assert self.tree is not None
        node = self.tree.node(node_id)
        self._widget_replace({"id": node_id, "node": node}, self._subtree_ids(node))

    # -- building and placing ---------------------------------------------------------------------------------------

    def _build(self, node: WireNode) -> Widget:
        """The widget subtree for a non-tree_node wire subtree, registered in the maps."""
        node_type, node_id = node["type"], node["id"]
        props = node.get("props", {})
        children = node.get("children", [])
        child_widgets = [] if node_type == "tree" else [self._build(child) for child in children]
        widget = widget_factory.build(node_type, node_id, props, node.get("text"), child_widgets)
        if node_type == "tab" and "key" in node:
            widget._motif_key = node["key"]  # type: ignore[attr-defined]
        if node_type == "tabs" and props.get("active") is not None:
            for child in children:
                if child.get("key") == props["active"]:
                    # Not yet composed: TabbedContent takes its first active pane from ``initial``.
                    widget._initial = widget_factory.tab_pane_id(child["id"])  # type: ignore[attr-defined]
        widget.add_class("motif-node", f"motif-{node_type.replace('_', '-')}")
        style = {name: value for name, value in props.items() if name in STYLE_PROPS}
        if style:
            apply_style_props(widget, props, style, [], self._variables)
        self._widgets[node_id] = widget
        self._owner[widget] = node_id
        if node_type == "tree":
            tree: Tree[int] = widget  # type: ignore[assignment]
            for child in children:
                self._add_tree_node(tree.root, child, None)
        return widget

    def _add_tree_node(self, parent: TreeNode[int], node: WireNode, before: TreeNode[int] | None) -> None:
        children = node.get("children", [])
        props = node.get("props", {})
        added = parent.add(
            Text(node.get("text") or ""),
            data=node["id"],
            before=before,
            expand=bool(props.get("expanded", False)),
            allow_expand=bool(children),
        )
        parent.allow_expand = True
        self._tree_nodes[node["id"]] = added
        for child in children:
            self._add_tree_node(added, child, None)

    def _place(self, parent_id: int, node: WireNode, before: int | None) -> None:
        """Mount ``node``'s subtree as a child of ``parent_id``, in front of ``before`` (None: at the end)."""
        assert self.tree is not None
        parent_type = self.tree.node(parent_id)["type"]
        if parent_type in ("tree", "tree_node"):
            parent_node = (
                self._tree_nodes[parent_id] if parent_type == "tree_node" else self._tree_widget(parent_id).root
            )
            self._add_tree_node(parent_node, node, None if before is None else self._tree_nodes[before])
            return
        widget = self._build(node)
        parent = self._widgets[parent_id]
        if isinstance(parent, TabbedContent):
            anchor = self._widgets[before] if before is not None else None
            self._awaiting.append(parent.add_pane(widget, before=anchor))  # type: ignore[arg-type]
            self._settle_now = True
        else:
            self._awaiting.append(parent.mount(widget, before=self._widgets[before] if before is not None else None))

    def _tree_widget(self, node_id: int) -> Tree[int]:
        return self._widgets[node_id]  # type: ignore[return-value]

    def _unmount(self, node_id: int, ids: list[int]) -> None:
        tree_node = self._tree_nodes.get(node_id)
        widget = self._widgets.get(node_id)
        self._forget(ids)
        if tree_node is not None:
            parent = tree_node.parent
            tree_node.remove()
            if parent is not None and not parent.children and not parent.is_root:
                parent.allow_expand = False
            return
        if widget is None:
            return
        if isinstance(widget, TabPane):
            tabs = next((a for a in widget.ancestors if isinstance(a, TabbedContent)), None)
            if tabs is not None:
                self._awaiting.append(tabs.remove_pane(widget.id or ""))
                self._settle_now = True
                return
        self._awaiting.append(widget.remove())

    def _forget(self, ids: list[int]) -> None:
        for node_id in ids:
            widget = self._widgets.pop(node_id, None)
            if widget is not None:
                self._owner.pop(widget, None)
            self._tree_nodes.pop(node_id, None)
            self._pending.pop(node_id, None)
            self._deferred.pop(node_id, None)

    @staticmethod
    def _subtree_ids(node: WireNode) -> list[int]:
        ids: list[int] = []
        stack = [node]
        while stack:
            current = stack.pop()
            ids.append(current["id"])
            stack.extend(current.get("children", []))
        return ids

    # -- events in flight -------------------------------------------------------------------------------------------

    def events_in_flight(self) -> int:
        """How many events were sent and not yet answered."""
        return sum(self._pending.values())

    def event_started(self, node_id: int) -> None:
        """An event of ``node_id`` was sent: hold back value patches for it until it is answered."""
        self._pending[node_id] = self._pending.get(node_id, 0) + 1

    def event_finished(self, node_id: int) -> None:
        """The extension answered an event of ``node_id`` (its patches, if any, have arrived)."""
        count = self._pending.get(node_id, 0) - 1
        if count > 0:
            self._pending[node_id] = count
            return
        self._pending.pop(node_id, None)
        deferred = self._deferred.pop(node_id, None)
        node = self.wire(node_id)
        if deferred is None or node is None:
            return
        value_prop = VALUE_PROPS[node["type"]]
        props = node.get("props", {})
        old = {k: v for k, v in props.items() if k != value_prop}
        with self.host.prevent(*PROGRAMMATIC):
            try:
                self._update(node_id, node, old, props, {value_prop})
            except Exception:  # a widget refusing a value must not take the panel down
                log.exception("Motif node %s: applying the held-back %s failed", node_id, value_prop)


__all__ = ["PROGRAMMATIC", "VALUE_PROPS", "MotifReconciler"]
