"""Keyed diff of a mounted tree against a new render, producing the minimal patch list.

Children are matched by key (unkeyed ones by their order among the unkeyed), unmatched old children are
removed, unmatched new ones inserted, and of the matched ones only those outside a longest increasing
subsequence of old positions are moved: the fewest moves that put them in order. A render that reuses an
unchanged subtree object skips it in O(1); otherwise the cost is O(n) plus O(m log m) for m reordered children.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from collections.abc import Iterator, Sequence

from core.vdom.node import Node, node_to_wire
from core.vdom.patch import PatchOp, WireNode


class IdAllocator:
    """Hands out node ids (1, 2, 3 ...); one per Motif, so ids stay unique across all its renders."""

    __slots__ = ("_counter",)

    def __init__(self, start: int = 1) -> None:
        self._counter: Iterator[int] = itertools.count(start)

    def next(self) -> int:
        """A fresh id."""
        return next(self._counter)


class Mounted:
    """A node as the UI holds it: the node value, its id, and its mounted children."""

    __slots__ = ("children", "id", "node")

    def __init__(self, node: Node, node_id: int, children: list[Mounted]) -> None:
        self.node = node
        self.id = node_id
        self.children = children

    def to_wire(self) -> WireNode:
        """The whole mounted subtree on the wire, ids included (what an ``insert`` op carries)."""
        wire: WireNode = node_to_wire(self.node, self.id)  # type: ignore[assignment]
        if self.children:
            wire["children"] = [child.to_wire() for child in self.children]
        return wire

    def find(self, node_id: int) -> Mounted | None:
        """The mounted node with ``node_id`` in this subtree (for handlers and tests)."""
        stack = [self]
        while stack:
            current = stack.pop()
            if current.id == node_id:
                return current
            stack.extend(current.children)
        return None


def mount(node: Node, ids: IdAllocator) -> Mounted:
    """Give ``node`` and its subtree fresh ids."""
    return Mounted(node, ids.next(), [mount(child, ids) for child in node.children])


def longest_increasing_subsequence(values: Sequence[int]) -> list[int]:
    """Indices into ``values`` of one longest strictly increasing subsequence (patience sorting, O(n log n))."""
    tails: list[int] = []  # tails[k]: smallest tail value of an increasing run of length k + 1
    tail_index: list[int] = []
    previous = [-1] * len(values)
    for index, value in enumerate(values):
        slot = bisect_left(tails, value)
        if slot == len(tails):
            tails.append(value)
            tail_index.append(index)
        else:
            tails[slot] = value
            tail_index[slot] = index
        previous[index] = tail_index[slot - 1] if slot else -1
    result: list[int] = []
    cursor = tail_index[-1] if tail_index else -1
    while cursor != -1:
        result.append(cursor)
        cursor = previous[cursor]
    result.reverse()
    return result


def diff(old: Mounted, new: Node, ids: IdAllocator) -> tuple[Mounted, list[PatchOp]]:
    """Patch ops turning the UI's ``old`` tree into ``new``, and ``new`` as mounted after applying them."""
    ops: list[PatchOp] = []
    return _diff_node(old, new, ids, ops), ops


def _diff_node(old: Mounted, new: Node, ids: IdAllocator, ops: list[PatchOp]) -> Mounted:
    before = old.node
    if before is new:
        return old
    if before.type != new.type or before.key != new.key:
        mounted = mount(new, ids)
        ops.append({"op": "replace", "id": old.id, "node": mounted.to_wire()})
        return mounted
    if before.props != new.props:
        old_props, new_props = before.props, new.props
        changed = {
            name: value
            for name, value in new_props.items()
            if name not in old_props or old_props[name] != value or type(old_props[name]) is not type(value)
        }
        removed = [name for name in old_props if name not in new_props]
        if changed or removed:
            ops.append({"op": "set_props", "id": old.id, "set": changed, "unset": removed})
    if before.text != new.text:
        ops.append({"op": "set_text", "id": old.id, "text": new.text})
    if before.handlers != new.handlers:
        ops.append({"op": "set_handlers", "id": old.id, "on": dict(new.handlers)})
    if before.children is new.children:
        children = old.children
    else:
        children = _diff_children(old.id, old.children, new.children, ids, ops)
    return Mounted(new, old.id, children)


def _diff_children(
    parent: int, old: list[Mounted], new: tuple[Node, ...], ids: IdAllocator, ops: list[PatchOp]
) -> list[Mounted]:
    if not new:
        ops.extend({"op": "remove", "id": child.id} for child in old)
        return []
    if not old:
        fresh = [mount(child, ids) for child in new]
        ops.extend({"op": "insert", "parent": parent, "before": None, "node": m.to_wire()} for m in fresh)
        return fresh
    # Fast path, the typical update: same length and the same key in every position (a plain loop: this runs
    # once per container, and a generator costs more than the comparisons).
    if len(old) == len(new):
        for mounted_child, child in zip(old, new, strict=True):
            if mounted_child.node.key != child.key:
                break
        else:
            return [_diff_node(o, n, ids, ops) for o, n in zip(old, new, strict=True)]

    keyed: dict[str, int] = {}
    unkeyed: list[int] = []
    for index, previous in enumerate(old):
        key = previous.node.key
        if key is None:
            unkeyed.append(index)
        else:
            keyed[key] = index
    sources: list[int] = []  # new position -> matched old position, or -1 for a new node
    next_unkeyed = 0
    for node in new:
        if node.key is None:
            if next_unkeyed < len(unkeyed):
                sources.append(unkeyed[next_unkeyed])
                next_unkeyed += 1
            else:
                sources.append(-1)
        else:
            sources.append(keyed.pop(node.key, -1))
    used = [False] * len(old)
    for source in sources:
        if source >= 0:
            used[source] = True
    ops.extend({"op": "remove", "id": gone.id} for gone, kept in zip(old, used, strict=True) if not kept)

    matched = [position for position, source in enumerate(sources) if source >= 0]
    order = [sources[position] for position in matched]
    if all(a < b for a, b in itertools.pairwise(order)):
        stays = set(matched)
    else:
        stays = {matched[index] for index in longest_increasing_subsequence(order)}

    # Right to left, each node is placed in front of its already placed right neighbour.
    result: list[Mounted] = [old[0]] * len(new)
    anchor: int | None = None
    for position in range(len(new) - 1, -1, -1):
        source = sources[position]
        if source < 0:
            mounted = mount(new[position], ids)
            ops.append({"op": "insert", "parent": parent, "before": anchor, "node": mounted.to_wire()})
        else:
            mounted = _diff_node(old[source], new[position], ids, ops)
            if position not in stays:
                ops.append({"op": "move", "id": mounted.id, "parent": parent, "before": anchor})
        result[position] = mounted
        anchor = mounted.id
    return result


__all__ = ["IdAllocator", "Mounted", "diff", "longest_increasing_subsequence", "mount"]
