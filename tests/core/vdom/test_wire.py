"""Wire forms: nodes and patches are plain data that survive msgpack; malformed input is a ProtocolError."""

from __future__ import annotations

import msgpack
import pytest
from hypothesis import given

from core.errors import ProtocolError, ValidationError
from core.vdom import IdAllocator, Node, WireTree, from_wire, mount, to_wire
from tests.core.vdom.trees import TREES


@given(TREES)
def test_a_tree_survives_msgpack_and_back(tree: Node) -> None:
    assert from_wire(msgpack.unpackb(msgpack.packb(to_wire(tree)))) == tree


def test_empty_fields_are_left_out_of_the_wire_form() -> None:
    assert to_wire(Node("label", text="hi")) == {"type": "label", "text": "hi"}
    assert mount(Node("vertical", key="k"), IdAllocator()).to_wire() == {"type": "vertical", "id": 1, "key": "k"}


@pytest.mark.parametrize(
    ("wire", "fragment"),
    [
        ([1], "not a map"),
        ({"children": []}, "no string 'type'"),
        ({"type": "label", "colour": 1}, "unknown fields ['colour']"),
        ({"type": "vertical", "children": [{"type": "label", "on": {"press": 3}}]}, "root/0: 'on'"),
    ],
)
def test_malformed_wire_nodes_name_the_spot(wire: object, fragment: str) -> None:
    with pytest.raises(ProtocolError, match=fragment.replace("[", r"\[").replace("]", r"\]")):
        from_wire(wire)


def test_patches_naming_unknown_nodes_are_protocol_errors_naming_the_op() -> None:
    tree = WireTree(mount(Node("vertical", children=(Node("label"),)), IdAllocator()).to_wire())
    with pytest.raises(ProtocolError, match="patch op 1 \\(set_text\\)"):
        tree.apply([{"op": "set_text", "id": 2, "text": "ok"}, {"op": "set_text", "id": 99, "text": "x"}])
    assert tree.to_node() == Node("vertical", children=(Node("label", text="ok"),))
    with pytest.raises(ProtocolError, match="unknown kind 'explode'"):
        tree.apply([{"op": "explode"}])
    with pytest.raises(ProtocolError, match="already mounted"):
        tree.apply([{"op": "insert", "parent": 1, "before": None, "node": {"type": "label", "id": 2}}])
    with pytest.raises(ProtocolError, match="root cannot be removed"):
        tree.apply([{"op": "remove", "id": 1}])


def mounted_list() -> WireTree:
    items = tuple(Node("list_item", key=k, children=(Node("label", text=k),)) for k in "ab")
    return WireTree(
        mount(Node("vertical", children=(Node("list_view", key="list", children=items),)), IdAllocator()).to_wire()
    )


@pytest.mark.parametrize(
    ("op", "fragment", "path"),
    [
        (
            {"op": "set_props", "id": 2, "set": {"index": "first"}, "unset": []},
            "prop 'index'",
            "vertical/list_view[0]#list",
        ),
        ({"op": "set_text", "id": 2, "text": "hi"}, "not allowed on 'list_view'", "vertical/list_view[0]#list"),
        (
            {"op": "set_handlers", "id": 6, "on": {"press": "h1"}},
            "no event 'press'",
            "vertical/list_view[0]#list/list_item[1]#b/label[0]",
        ),
        (
            {"op": "insert", "parent": 2, "before": None, "node": {"type": "label", "id": 9}},
            "cannot be a child",
            "vertical/list_view[0]#list",
        ),
        (
            {"op": "insert", "parent": 2, "before": 3, "node": {"type": "list_item", "id": 9, "key": "b"}},
            "key 'b' is already",
            "vertical/list_view[0]#list",
        ),
        (
            {"op": "replace", "id": 1, "node": {"type": "vertical", "id": 9, "props": {"color": "red"}}},
            "theme variable",
            "vertical",
        ),
    ],
    ids=["bad-prop", "text-on-container", "unknown-event", "wrong-child-type", "duplicate-key", "raw-colour"],
)
def test_patches_that_would_make_the_tree_invalid_are_rejected_naming_op_and_path(
    op: dict[str, object], fragment: str, path: str
) -> None:
    tree = mounted_list()
    before = tree.to_node()
    with pytest.raises(ValidationError) as caught:
        tree.apply([op])
    assert fragment in caught.value.message and "patch op 0" in caught.value.message
    assert caught.value.data["path"] == path
    assert tree.to_node() == before


def test_patches_may_not_grow_the_tree_past_the_node_limit() -> None:
    tree = WireTree(mount(Node("vertical", children=(Node("label"),)), IdAllocator()).to_wire(), max_nodes=3)
    tree.apply([{"op": "insert", "parent": 1, "before": None, "node": {"type": "label", "id": 3}}])
    with pytest.raises(ValidationError, match="more than 0 nodes"):
        tree.apply([{"op": "insert", "parent": 1, "before": None, "node": {"type": "label", "id": 4}}])
