"""The patch list: what the UI must do to a live tree, as plain dicts that travel over msgpack unchanged.

Every op names nodes by the integer id they were mounted with, never by position, so a reconciler keeps one
``id -> widget`` map and touches only the widgets named: unchanged subtrees are never remounted, and focus,
scroll and cursors survive. Ops apply in list order. Siblings are placed with ``before`` (the id of the sibling
to go in front of, or None for the end), which maps onto Textual's ``mount(before=)`` / ``move_child(before=)``.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict


class WireNode(TypedDict, total=False):
    """A mounted node on the wire; only ``type`` and ``id`` are always present."""

    type: str
    id: int
    key: str
    props: dict[str, Any]
    text: str
    on: dict[str, str]
    children: list[WireNode]


class InsertOp(TypedDict):
    """Mount ``node`` (a whole new subtree, ids included) under ``parent``, in front of sibling ``before``."""

    op: Literal["insert"]
    parent: int
    before: int | None
    node: WireNode


class RemoveOp(TypedDict):
    """Unmount node ``id`` and its subtree."""

    op: Literal["remove"]
    id: int


class MoveOp(TypedDict):
    """Move node ``id`` (subtree and widget state intact) in front of sibling ``before`` of the same parent."""

    op: Literal["move"]
    id: int
    parent: int
    before: int | None


class SetPropsOp(TypedDict):
    """Change some props of node ``id``: assign those in ``set``, reset those in ``unset`` to the default."""

    op: Literal["set_props"]
    id: int
    set: dict[str, Any]
    unset: list[str]


class SetTextOp(TypedDict):
    """Replace the text of node ``id`` (None removes it)."""

    op: Literal["set_text"]
    id: int
    text: str | None


class SetHandlersOp(TypedDict):
    """Replace node ``id``'s event -> handler id map (the widget stays; only where events go changes)."""

    op: Literal["set_handlers"]
    id: int
    on: dict[str, str]


class ReplaceOp(TypedDict):
    """Unmount node ``id`` and mount ``node`` (new ids) in its place: used when the type changed."""

    op: Literal["replace"]
    id: int
    node: WireNode


PatchOp = InsertOp | RemoveOp | MoveOp | SetPropsOp | SetTextOp | SetHandlersOp | ReplaceOp
"""One step of a patch list."""

OP_NAMES = ("insert", "remove", "move", "set_props", "set_text", "set_handlers", "replace")
"""Every ``op`` value of schema version 1."""

__all__ = [
    "OP_NAMES",
    "InsertOp",
    "MoveOp",
    "PatchOp",
    "RemoveOp",
    "ReplaceOp",
    "SetHandlersOp",
    "SetPropsOp",
    "SetTextOp",
    "WireNode",
]
