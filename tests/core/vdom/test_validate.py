"""validate_tree(): every rejection names the node path and what is wrong with it."""

from __future__ import annotations

import pytest
from hypothesis import given

from core.errors import ValidationError
from core.vdom import NODE_TYPES, Node, validate_tree
from tests.core.vdom.trees import TREES


def rejection(tree: Node, **kwargs: int) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_tree(tree, **kwargs)
    return caught.value


def test_unknown_node_type_names_its_path_and_the_known_types() -> None:
    tree = Node("vertical", key="main", children=(Node("label", text="a"), Node("blink", key="x")))
    error = rejection(tree)
    assert error.data["path"] == "vertical#main/blink[1]#x"
    assert "unknown node type 'blink'" in error.message
    assert "label" in error.hint


def test_bad_prop_type_names_prop_value_and_expectation() -> None:
    tree = Node("vertical", children=(Node("progress_bar", props={"progress": "half"}),))
    error = rejection(tree)
    assert error.data == {"path": "vertical/progress_bar[0]", "prop": "progress"}
    assert "'half'" in error.message and "expected a number" in error.message


def test_unknown_prop_and_raw_colours_are_rejected() -> None:
    assert "unknown prop 'colour'" in rejection(Node("label", props={"colour": "$primary"})).message
    assert "theme variable" in rejection(Node("label", props={"color": "#ff0000"})).message
    validate_tree(Node("label", props={"color": "$text-muted", "text_style": "bold italic"}))


def test_non_plain_prop_values_are_rejected_because_they_do_not_survive_the_wire() -> None:
    assert "plain data" in rejection(Node("log", props={"lines": ("a", "b")})).message


def test_duplicate_sibling_keys_name_both_positions() -> None:
    tree = Node("list_view", children=(Node("list_item", key="t1"), Node("list_item", key="t1")))
    error = rejection(tree)
    assert error.data["path"] == "list_view/list_item[1]#t1"
    assert "duplicate key 't1'" in error.message and "child 0" in error.message


def test_equal_keys_in_different_parents_are_fine() -> None:
    item = Node("list_item", key="same")
    validate_tree(Node("vertical", children=(Node("list_view", children=(item,)), Node("list_view", children=(item,)))))


def test_trees_over_the_node_limit_are_rejected_with_the_limit_named() -> None:
    tree = Node("vertical", children=tuple(Node("label", text=str(i)) for i in range(10)))
    assert validate_tree(tree, max_nodes=11) == 11
    error = rejection(tree, max_nodes=10)
    assert error.data["limit"] == 10 and "more than 10 nodes" in error.message


def test_the_default_limit_is_twenty_thousand_nodes() -> None:
    wide = Node("vertical", children=tuple(Node("static") for _ in range(20_000)))
    assert rejection(wide).data["limit"] == 20_000


def test_unknown_events_and_child_types_and_leaf_children_are_rejected() -> None:
    assert "no event 'click'" in rejection(Node("button", handlers={"click": "h1"})).message
    assert "cannot be a child of 'list_view'" in rejection(Node("list_view", children=(Node("label"),))).message
    assert (
        "takes no children" in rejection(Node("vertical", children=(Node("label", children=(Node("label"),)),))).message
    )
    assert "takes no text" in rejection(Node("input", text="oops")).message


def test_every_catalog_type_validates_bare() -> None:
    for node_type in NODE_TYPES:
        validate_tree(Node(node_type))


def test_deep_trees_do_not_hit_the_recursion_limit() -> None:
    tree = Node("label")
    for _ in range(5_000):
        tree = Node("vertical", children=(tree,))
    assert validate_tree(tree) == 5_001


@given(TREES)
def test_generated_trees_are_valid(tree: Node) -> None:
    assert validate_tree(tree) == tree.count()
