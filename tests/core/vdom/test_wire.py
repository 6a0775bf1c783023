"""Wire forms: nodes and patches are plain data that survive msgpack; malformed input is a ProtocolError."""

from __future__ import annotations

import msgpack
import pytest
from hypothesis import given

from core.errors import ProtocolError
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
