"""Deep merge of layers and the key-path helpers used to drop single keys."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.config.merge import (
    deep_merge,
    dotted,
    existing_prefix,
    get_path,
    iter_leaves,
    remove_path,
    tree_from_dotted,
)

_MISSING = object()

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=3), st.lists(st.integers(), max_size=2))
# Few distinct keys, so random layers overlap a lot and the interesting cases (dict over scalar...) happen.
trees = st.dictionaries(
    st.sampled_from("abcd"),
    st.recursive(
        scalars, lambda children: st.dictionaries(st.sampled_from("abcd"), children, max_size=3), max_leaves=8
    ),
    max_size=4,
)


def test_nested_mappings_merge_and_scalars_and_lists_are_replaced() -> None:
    base = {"editor": {"tab_size": 4, "soft_wrap": False}, "explorer": {"exclude": [".git", ".venv"]}}
    override = {"editor": {"tab_size": 2}, "explorer": {"exclude": ["dist"]}}
    assert deep_merge(base, override) == {
        "editor": {"tab_size": 2, "soft_wrap": False},
        "explorer": {"exclude": ["dist"]},
    }


@given(trees, trees)
def test_merge_keeps_every_leaf_of_the_higher_layer(low: dict[str, Any], high: dict[str, Any]) -> None:
    merged = deep_merge(low, high)
    for path, value in iter_leaves(high):
        assert get_path(merged, path, _MISSING) == value


@given(trees, trees)
def test_merge_keeps_lower_leaves_that_the_higher_layer_does_not_shadow(
    low: dict[str, Any], high: dict[str, Any]
) -> None:
    merged = deep_merge(low, high)
    for path, value in iter_leaves(low):
        # Shadowed: the higher layer has a value at this leaf, or a non-mapping at one of its ancestors.
        above = [get_path(high, path[:depth], _MISSING) for depth in range(1, len(path) + 1)]
        shadowed = above[-1] is not _MISSING or any(
            node is not _MISSING and not isinstance(node, dict) for node in above
        )
        if not shadowed:
            assert get_path(merged, path, _MISSING) == value


@given(trees, trees)
def test_merge_invents_no_leaves_and_leaves_its_inputs_alone(low: dict[str, Any], high: dict[str, Any]) -> None:
    low_before, high_before = copy.deepcopy(low), copy.deepcopy(high)
    merged = deep_merge(low, high)
    low_leaves, high_leaves = dict(iter_leaves(low)), dict(iter_leaves(high))
    for path, value in iter_leaves(merged):
        assert high_leaves.get(path, _MISSING) == value or low_leaves.get(path, _MISSING) == value
    assert (low, high) == (low_before, high_before)


def test_merge_result_shares_no_mutable_value_with_its_inputs() -> None:
    base = {"explorer": {"exclude": [".git"]}}
    merged = deep_merge(base, {})
    merged["explorer"]["exclude"].append("x")
    assert base == {"explorer": {"exclude": [".git"]}}


def test_dotted_names_list_entries_with_brackets() -> None:
    assert dotted(("editor", "tab_size")) == "editor.tab_size"
    assert dotted(("keybindings", 2, "key")) == "keybindings[2].key"


def test_existing_prefix_stops_at_the_list_entry_holding_an_error() -> None:
    data = {"keybindings": [{"key": "a"}, {"key": "b", "command": "x"}], "editor": {"tab_size": 0}}
    assert existing_prefix(data, ("keybindings", 1, "command")) == ("keybindings", 1)
    assert existing_prefix(data, ("keybindings", 0, "command")) == ("keybindings", 0)
    assert existing_prefix(data, ("editor", "tab_size")) == ("editor", "tab_size")
    assert existing_prefix(data, ("theme",)) == ()


def test_remove_path_prunes_sections_it_empties_but_keeps_emptied_lists() -> None:
    data: dict[str, Any] = {"editor": {"tab_size": 0}, "theme": "x", "keybindings": [{"key": "a"}]}
    remove_path(data, ("editor", "tab_size"))
    remove_path(data, ("keybindings", 0))
    assert data == {"theme": "x", "keybindings": []}


def test_tree_from_dotted_nests_keys_and_later_pairs_win() -> None:
    tree = tree_from_dotted({"editor.tab_size": 2, "editor.soft_wrap": True, "theme": "a", "editor": {"tab_size": 3}})
    assert tree == {"editor": {"tab_size": 3, "soft_wrap": True}, "theme": "a"}


@pytest.mark.parametrize("key", ["", "editor.", ".tab_size", "editor..tab_size", " . "])
def test_tree_from_dotted_rejects_empty_segments(key: str) -> None:
    with pytest.raises(ValueError, match="not a dotted key"):
        tree_from_dotted({key: 1})
