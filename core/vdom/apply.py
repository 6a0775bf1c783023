"""Apply a patch list to a tree held as wire dicts: the reference semantics a reconciler must match.

Core keeps one ``WireTree`` per open Motif so a UI that (re)attaches can be sent the current tree whole, and
tests use it to check that ``diff`` is right. It trusts nothing: a patch that names an unknown node or breaks the
tree's shape raises ProtocolError naming the op; one that would make the tree invalid (unknown type or prop, bad
value, child type or sibling key clash, over the node limit) raises ValidationError naming the op and node path.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from core.errors import ProtocolError, ValidationError
from core.vdom.catalog import ANY_CHILD, NODE_TYPES
from core.vdom.node import Node, from_wire
from core.vdom.patch import OP_NAMES, WireNode
from core.vdom.validate import DEFAULT_MAX_NODES, validate_props, validate_tree


class WireTree:
    """A mounted tree as plain dicts, indexed by node id."""

    def __init__(self, root: WireNode, *, max_nodes: int = DEFAULT_MAX_NODES) -> None:
        self.max_nodes = max_nodes
        """Largest tree accepted, as in ``validate_tree``."""
        validate_tree(from_wire(root), max_nodes=max_nodes)
        self.root: WireNode = copy.deepcopy(root)
        """The current tree, ids included."""
        self._nodes: dict[int, WireNode] = {}
        self._parent: dict[int, int | None] = {}
        self._register(self.root, None, "root")

    def to_node(self) -> Node:
        """The current tree as a Node value (ids dropped)."""
        return from_wire(self.root)

    def ids(self) -> set[int]:
        """Ids of every mounted node."""
        return set(self._nodes)

    def node(self, node_id: int) -> WireNode:
        """The mounted node ``node_id`` (the live dict: read it, do not change it); KeyError if absent."""
        return self._nodes[node_id]

    def parent_of(self, node_id: int) -> int | None:
        """The id of ``node_id``'s parent, None for the root; KeyError if absent."""
        return self._parent[node_id]

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._nodes

    def apply(self, ops: Iterable[Mapping[str, Any]]) -> None:
        """Apply ``ops`` in order; on a ProtocolError the ops before the bad one stay applied."""
        for number, op in enumerate(ops):
            kind = op.get("op") if isinstance(op, Mapping) else None
            if kind not in OP_NAMES:
                raise ProtocolError(
                    f"patch op {number} has unknown kind {kind!r}",
                    data={"op_index": number, "kind": repr(kind)},
                )
            try:
                getattr(self, f"_op_{kind}")(op)
            except ValidationError as exc:
                raise ValidationError(
                    f"patch op {number} ({kind}): {exc.message}", hint=exc.hint, data={"op_index": number, **exc.data}
                ) from None
            except (KeyError, TypeError, ValueError) as exc:
                raise ProtocolError(
                    f"patch op {number} ({kind}) is malformed or names a node not in the tree: {exc!r}",
                    data={"op_index": number, "kind": kind},
                ) from None

    # --- ops -----------------------------------------------------------------------------------------------
    def _op_insert(self, op: Mapping[str, Any]) -> None:
        parent = self._node(op["parent"])
        slot = self._slot(parent, op["before"])
        node: WireNode = copy.deepcopy(op["node"])
        self._check_subtree(node, parent, None)
        self._register(node, parent["id"], "insert")
        parent.setdefault("children", []).insert(slot, node)

    def _op_remove(self, op: Mapping[str, Any]) -> None:
        node = self._node(op["id"])
        parent_id = self._parent[node["id"]]
        if parent_id is None:
            raise ValueError("the root cannot be removed, only replaced")
        self._detach(self._nodes[parent_id], node)
        self._unregister(node)

    def _op_move(self, op: Mapping[str, Any]) -> None:
        node = self._node(op["id"])
        parent = self._node(op["parent"])
        if self._parent[node["id"]] != parent["id"]:
            raise ValueError(f"node {node['id']} is not a child of {parent['id']}")
        self._detach(parent, node)
        parent.setdefault("children", []).insert(self._slot(parent, op["before"]), node)

    def _op_set_props(self, op: Mapping[str, Any]) -> None:
        node = self._node(op["id"])
        if not isinstance(op["set"], dict) or not all(isinstance(name, str) for name in op["unset"]):
            raise TypeError("'set' must be a map and 'unset' a list of prop names")
        validate_props(self.path(node["id"]), NODE_TYPES[node["type"]], node["type"], op["set"])
        props = node.setdefault("props", {})
        props.update(copy.deepcopy(op["set"]))
        for name in op["unset"]:
            props.pop(name, None)
        if not props:
            del node["props"]

    def _op_set_text(self, op: Mapping[str, Any]) -> None:
        node = self._node(op["id"])
        if op["text"] is None:
            node.pop("text", None)
        elif not isinstance(op["text"], str) or not NODE_TYPES[node["type"]].text:
            raise ValidationError(
                f"Motif node {self.path(node['id'])}: text {op['text']!r} is not allowed on {node['type']!r}",
                hint="Only text node types take a string text.",
                data={"path": self.path(node["id"])},
            )
        else:
            node["text"] = op["text"]

    def _op_set_handlers(self, op: Mapping[str, Any]) -> None:
        node = self._node(op["id"])
        self._check_events(node, from_wire({"type": node["type"], "on": op["on"]}))
        node.pop("on", None)
        if op["on"]:
            node["on"] = dict(op["on"])

    def _op_replace(self, op: Mapping[str, Any]) -> None:
        old = self._node(op["id"])
        new: WireNode = copy.deepcopy(op["node"])
        parent_id = self._parent[old["id"]]
        self._check_subtree(new, None if parent_id is None else self._nodes[parent_id], old)
        self._unregister(old)
        self._register(new, parent_id, "replace")
        if parent_id is None:
            self.root = new
            return
        siblings = self._nodes[parent_id]["children"]
        siblings[next(i for i, child in enumerate(siblings) if child is old)] = new

    # --- checks --------------------------------------------------------------------------------------------------
    def path(self, node_id: int) -> str:
        """The display path of a mounted node, as validation errors write it."""
        steps: list[str] = []
        current: int | None = node_id
        while current is not None:
            node, parent = self._nodes[current], self._parent[current]
            step = node["type"]
            if parent is not None:
                index = next(i for i, c in enumerate(self._nodes[parent]["children"]) if c is node)
                step = f"{step}[{index}]"
            steps.append(step if "key" not in node else f"{step}#{node['key']}")
            current = parent
        return "/".join(reversed(steps))

    def _check_subtree(self, node: WireNode, parent: WireNode | None, replacing: WireNode | None) -> None:
        """Validate a subtree about to be mounted under ``parent`` (in place of ``replacing``, if given)."""
        subtree = from_wire(node)
        removed = 0 if replacing is None else from_wire(replacing).count()
        validate_tree(subtree, max_nodes=self.max_nodes - len(self._nodes) + removed)
        if parent is None:
            return
        where = self.path(parent["id"])
        allowed = NODE_TYPES[parent["type"]].children
        if ANY_CHILD not in allowed and subtree.type not in allowed:
            raise ValidationError(
                f"Motif node {where}: {subtree.type!r} cannot be a child of {parent['type']!r}",
                hint=f"Children allowed in {parent['type']!r}: {', '.join(sorted(allowed)) or 'none'}.",
                data={"path": where},
            )
        if subtree.key is not None and any(
            child.get("key") == subtree.key and child is not replacing for child in parent.get("children", [])
        ):
            raise ValidationError(
                f"Motif node {where}: a child with key {subtree.key!r} is already mounted there",
                hint="Give siblings distinct keys.",
                data={"path": where, "key": subtree.key},
            )

    def _check_events(self, node: WireNode, probe: Node) -> None:
        events = NODE_TYPES[node["type"]].events
        for event in probe.handlers:
            if event not in events:
                raise ValidationError(
                    f"Motif node {self.path(node['id'])}: {node['type']!r} has no event {event!r}",
                    hint=f"Events of {node['type']!r}: {', '.join(sorted(events)) or 'none'}.",
                    data={"path": self.path(node["id"]), "event": event},
                )

    # --- bookkeeping -----------------------------------------------------------------------------------------
    def _node(self, node_id: Any) -> WireNode:
        if not isinstance(node_id, int) or node_id not in self._nodes:
            raise KeyError(f"no node with id {node_id!r}")
        return self._nodes[node_id]

    def _slot(self, parent: WireNode, before: Any) -> int:
        siblings = parent.get("children", [])
        if before is None:
            return len(siblings)
        for index, child in enumerate(siblings):
            if child["id"] == before:
                return index
        raise ValueError(f"node {before!r} is not a child of {parent['id']}")

    @staticmethod
    def _detach(parent: WireNode, node: WireNode) -> None:
        siblings = parent["children"]
        siblings.pop(next(i for i, child in enumerate(siblings) if child is node))
        if not siblings:
            del parent["children"]

    def _register(self, node: WireNode, parent: int | None, where: str) -> None:
        stack: list[tuple[WireNode, int | None]] = [(node, parent)]
        while stack:
            current, parent_id = stack.pop()
            node_id = current.get("id") if isinstance(current, dict) else None
            if not isinstance(node_id, int):
                raise ProtocolError(f"{where}: a node has no integer 'id'", data={"where": where})
            if node_id in self._nodes:
                raise ProtocolError(f"{where}: node id {node_id} is already mounted", data={"id": node_id})
            self._nodes[node_id] = current
            self._parent[node_id] = parent_id
            stack.extend((child, node_id) for child in current.get("children", []))

    def _unregister(self, node: WireNode) -> None:
        stack = [node]
        while stack:
            current = stack.pop()
            del self._nodes[current["id"]]
            del self._parent[current["id"]]
            stack.extend(current.get("children", []))


__all__ = ["WireTree"]
