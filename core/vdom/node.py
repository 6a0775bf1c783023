"""The VDOM node: what an extension says a piece of UI is, as an immutable value.

A node is data only (type, key, props, text, handler ids, children); it has no identity. Identities (the node ids
patches refer to) are given when a tree is mounted (see ``core.vdom.tree_diff``), so the same node value can be reused
freely by a render function.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from core.errors import ProtocolError

SCHEMA_VERSION: Final = 1
"""Version of the node and patch wire forms documented in docs/motifs.md; bumped on any incompatible change."""

_EMPTY: Final[Mapping[str, Any]] = {}


@dataclass(frozen=True, slots=True)
class Node:
    """One element of a Motif's UI tree."""

    type: str
    """A key of ``core.vdom.catalog.NODE_TYPES`` (``vertical``, ``label``, ``data_table`` ...)."""
    key: str | None = None
    """Identifies the node among its siblings across renders, so reordering moves it instead of rebuilding it."""
    props: Mapping[str, Any] = field(default_factory=dict)
    """Plain values (str, int, float, bool, None, lists, dicts) checked against the catalog."""
    text: str | None = None
    """The node's text for types that carry one (label, button caption, markdown source, tab title)."""
    handlers: Mapping[str, str] = field(default_factory=dict)
    """Event name (``press``, ``changed`` ...) -> handler id; the UI sends events back with that id."""
    children: tuple[Node, ...] = ()

    def count(self) -> int:
        """How many nodes the tree rooted here has (itself included)."""
        total = 0
        stack: list[Node] = [self]
        while stack:
            node = stack.pop()
            total += 1
            stack.extend(node.children)
        return total


def node_to_wire(node: Node, node_id: int | None = None) -> dict[str, Any]:
    """The wire form of one node without children (``children`` is filled by the caller); empty fields left out."""
    wire: dict[str, Any] = {"type": node.type}
    if node_id is not None:
        wire["id"] = node_id
    if node.key is not None:
        wire["key"] = node.key
    if node.props:
        wire["props"] = dict(node.props)
    if node.text is not None:
        wire["text"] = node.text
    if node.handlers:
        wire["on"] = dict(node.handlers)
    return wire


def to_wire(node: Node) -> dict[str, Any]:
    """A whole tree as plain dicts and lists (no ids), e.g. for snapshots and tests."""
    wire = node_to_wire(node)
    if node.children:
        wire["children"] = [to_wire(child) for child in node.children]
    return wire


def from_wire(wire: Any, path: str = "root") -> Node:
    """Rebuild a tree from its wire form (ids, if present, are ignored); ProtocolError names the bad spot."""
    if not isinstance(wire, dict):
        raise ProtocolError(f"VDOM node at {path} is {type(wire).__name__}, not a map", data={"path": path})
    node_type = wire.get("type")
    if not isinstance(node_type, str):
        raise ProtocolError(f"VDOM node at {path} has no string 'type'", data={"path": path})
    unknown = set(wire) - {"type", "id", "key", "props", "text", "on", "children"}
    if unknown:
        raise ProtocolError(
            f"VDOM node at {path} has unknown fields {sorted(unknown)}", data={"path": path, "fields": sorted(unknown)}
        )
    key, props, text = wire.get("key"), wire.get("props", _EMPTY), wire.get("text")
    handlers, children = wire.get("on", _EMPTY), wire.get("children", [])
    if key is not None and not isinstance(key, str):
        raise ProtocolError(f"VDOM node at {path}: 'key' must be a string", data={"path": path})
    if text is not None and not isinstance(text, str):
        raise ProtocolError(f"VDOM node at {path}: 'text' must be a string", data={"path": path})
    if not isinstance(props, dict) or not all(isinstance(k, str) for k in props):
        raise ProtocolError(f"VDOM node at {path}: 'props' must be a map with string keys", data={"path": path})
    if not isinstance(handlers, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in handlers.items()
    ):
        raise ProtocolError(f"VDOM node at {path}: 'on' must map event names to handler ids", data={"path": path})
    if not isinstance(children, list):
        raise ProtocolError(f"VDOM node at {path}: 'children' must be a list", data={"path": path})
    return Node(
        node_type,
        key,
        dict(props),
        text,
        dict(handlers),
        tuple(from_wire(child, f"{path}/{index}") for index, child in enumerate(children)),
    )


__all__ = ["SCHEMA_VERSION", "Node", "from_wire", "node_to_wire", "to_wire"]
