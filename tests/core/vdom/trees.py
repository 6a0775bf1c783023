"""Hypothesis strategies for random VDOM trees with keys, shared by the vdom tests."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import strategies as st

from core.vdom import Node

KEYS = st.one_of(st.none(), st.sampled_from("abcdefgh"))
LEAF = st.builds(
    lambda kind, key, props, text, handlers: Node(kind, key, props, text, handlers if kind == "button" else {}),
    st.sampled_from(["label", "button", "static"]),
    KEYS,
    st.fixed_dictionaries(
        {}, optional={"width": st.sampled_from([1, 2, "auto"]), "tooltip": st.sampled_from(["a", "b"])}
    ),
    st.one_of(st.none(), st.sampled_from(["a", "b", "c"])),
    st.sampled_from([{}, {"press": "h1"}, {"press": "h2"}]),
)


def unique_keys(children: list[Node]) -> tuple[Node, ...]:
    """Siblings with duplicate keys made unkeyed (the diff requires distinct sibling keys)."""
    seen: set[str] = set()
    result = []
    for child in children:
        if child.key is not None and child.key in seen:
            child = replace(child, key=None)
        if child.key is not None:
            seen.add(child.key)
        result.append(child)
    return tuple(result)


def _container(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    return st.builds(
        lambda kind, key, width, kids: Node(kind, key, {"width": width} if width else {}, children=unique_keys(kids)),
        st.sampled_from(["vertical", "horizontal"]),
        KEYS,
        st.sampled_from([None, 1, "50%"]),
        st.lists(children, max_size=8),
    )


TREES: st.SearchStrategy[Node] = st.recursive(LEAF, _container, max_leaves=40)
"""Random trees of containers and leaves, keyed and unkeyed children mixed."""


@st.composite
def edited(draw: st.DrawFn, tree: Node, depth: int = 0) -> Node:
    """``tree`` after a random edit of its children: shuffle, drop, insert, and edits further down."""
    if not tree.children or depth > 4:
        return tree
    kids = list(draw(st.permutations(tree.children)))
    kids = [kid for kid in kids if draw(st.integers(0, 5)) != 0]
    for _ in range(draw(st.integers(0, 2))):
        kids.insert(draw(st.integers(0, len(kids))), draw(LEAF))
    kids = [draw(edited(kid, depth + 1)) if draw(st.booleans()) else kid for kid in kids]
    return replace(tree, children=unique_keys(kids))
