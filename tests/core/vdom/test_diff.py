"""diff(): applying its patch to the old tree yields the new one; keyed nodes keep their ids; moves are few."""

from __future__ import annotations

from itertools import combinations, pairwise

import msgpack
from hypothesis import given
from hypothesis import strategies as st

from core.vdom import IdAllocator, Node, WireTree, diff, longest_increasing_subsequence, mount, to_wire
from core.vdom.node import from_wire
from tests.core.vdom.trees import TREES, edited


def check_round_trip(old: Node, new: Node) -> list[dict[str, object]]:
    ids = IdAllocator()
    mounted = mount(old, ids)
    tree = WireTree(mounted.to_wire())
    after, ops = diff(mounted, new, ids)
    wire_ops = msgpack.unpackb(msgpack.packb(ops))  # the patch as the UI receives it
    tree.apply(wire_ops)
    assert tree.to_node() == new
    assert tree.root == after.to_wire()
    return wire_ops


@given(TREES, TREES)
def test_applying_the_diff_of_two_random_trees_yields_the_second(old: Node, new: Node) -> None:
    check_round_trip(old, new)


@given(st.data(), TREES)
def test_applying_the_diff_of_an_edited_tree_yields_the_edit(data: st.DataObject, old: Node) -> None:
    check_round_trip(old, data.draw(edited(old)))


@given(TREES)
def test_an_equal_tree_gives_an_empty_patch(tree: Node) -> None:
    ids = IdAllocator()
    assert diff(mount(tree, ids), from_wire(to_wire(tree)), ids)[1] == []


def keyed_list(keys: str) -> Node:
    return Node("vertical", children=tuple(Node("label", key=k, text=k) for k in keys))


def test_reordering_keyed_children_moves_only_those_outside_the_longest_run_and_keeps_ids() -> None:
    ids = IdAllocator()
    before = mount(keyed_list("abcdef"), ids)
    old_ids = {m.node.key: m.id for m in before.children}
    after, ops = diff(before, keyed_list("fabcde"), ids)
    assert [op["op"] for op in ops] == ["move"]
    assert ops[0] == {"op": "move", "id": old_ids["f"], "parent": before.id, "before": old_ids["a"]}
    assert {m.node.key: m.id for m in after.children} == old_ids


def test_reversing_n_keyed_children_takes_n_minus_one_moves() -> None:
    ids = IdAllocator()
    _, ops = diff(mount(keyed_list("abcdefgh"), ids), keyed_list("hgfedcba"), ids)
    assert [op["op"] for op in ops] == ["move"] * 7


def test_changing_one_prop_sends_only_that_prop() -> None:
    ids = IdAllocator()
    old = Node("vertical", children=(Node("label", props={"width": 3, "tooltip": "t"}, text="x"),))
    new = Node("vertical", children=(Node("label", props={"width": 4, "tooltip": "t"}, text="x"),))
    mounted = mount(old, ids)
    _, ops = diff(mounted, new, ids)
    assert ops == [{"op": "set_props", "id": mounted.children[0].id, "set": {"width": 4}, "unset": []}]


def test_text_handlers_and_removed_props_have_their_own_ops() -> None:
    ids = IdAllocator()
    mounted = mount(Node("button", props={"tooltip": "t"}, text="Go", handlers={"press": "h1"}), ids)
    _, ops = diff(mounted, Node("button", text="Stop", handlers={"press": "h2"}), ids)
    assert ops == [
        {"op": "set_props", "id": mounted.id, "set": {}, "unset": ["tooltip"]},
        {"op": "set_text", "id": mounted.id, "text": "Stop"},
        {"op": "set_handlers", "id": mounted.id, "on": {"press": "h2"}},
    ]


def test_a_changed_type_replaces_the_subtree_with_fresh_ids() -> None:
    ids = IdAllocator()
    mounted = mount(Node("vertical", children=(Node("label", key="a", text="x"),)), ids)
    after, ops = diff(mounted, Node("vertical", children=(Node("button", key="a", text="x"),)), ids)
    assert [op["op"] for op in ops] == ["replace"]
    assert ops[0]["id"] == mounted.children[0].id
    assert after.children[0].id not in {mounted.id, mounted.children[0].id}


def test_a_reused_subtree_object_is_skipped_without_walking_it() -> None:
    ids = IdAllocator()
    shared = keyed_list("abc")
    mounted = mount(Node("vertical", children=(shared,)), ids)
    after, ops = diff(mounted, Node("vertical", children=(shared, Node("label", text="new"))), ids)
    assert after.children[0] is mounted.children[0]
    assert [op["op"] for op in ops] == ["insert"]


@given(st.lists(st.integers(0, 20), max_size=9))
def test_lis_is_increasing_and_as_long_as_any_increasing_subsequence(values: list[int]) -> None:
    picked = longest_increasing_subsequence(values)
    chosen = [values[i] for i in picked]
    assert picked == sorted(picked)
    assert all(a < b for a, b in pairwise(chosen))
    best = max(
        (n for n in range(len(values) + 1) for combo in combinations(values, n) if list(combo) == sorted(set(combo))),
        default=0,
    )
    assert len(picked) == best
