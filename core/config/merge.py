"""Deep merge of settings layers and the key paths used to name, find and drop single settings.

A key path is a tuple of mapping keys and list indices, e.g. ``("keybindings", 2, "key")``; it is shown to
users in dotted form, ``keybindings[2].key``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

KeyPath = tuple[Any, ...]
"""Mapping keys (usually str) and list indices (int) leading from the root of a layer to one value."""

_MISSING = object()


def deep_merge(base: Mapping[Any, Any], override: Mapping[Any, Any]) -> dict[Any, Any]:
    """A new mapping: ``override`` on top of ``base``; nested mappings merge, anything else is replaced.

    Neither input is modified, and no nested mapping of the result is shared with the inputs.
    """
    merged: dict[Any, Any] = {key: _copy(value) for key, value in base.items()}
    for key, value in override.items():
        below = merged.get(key)
        if isinstance(value, Mapping) and isinstance(below, dict):
            merged[key] = deep_merge(below, value)
        else:
            merged[key] = _copy(value)
    return merged


def _copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def iter_leaves(tree: Mapping[Any, Any], prefix: KeyPath = ()) -> Iterator[tuple[KeyPath, Any]]:
    """Every (path, value) whose value is not a mapping; lists are leaves (a layer replaces them whole)."""
    for key, value in tree.items():
        path = (*prefix, key)
        if isinstance(value, Mapping):
            yield from iter_leaves(value, path)
        else:
            yield path, value


def get_path(tree: Any, path: KeyPath, default: Any = None) -> Any:
    """The value at ``path`` in nested mappings/lists, or ``default`` if any step is missing."""
    node = tree
    for step in path:
        node = _step(node, step)
        if node is _MISSING:
            return default
    return node


def existing_prefix(tree: Any, path: KeyPath) -> KeyPath:
    """The longest prefix of ``path`` that exists in ``tree``, stopping at the first list element.

    Used to map a validation error location (which may name missing fields or union members) onto the
    smallest part of a layer that must be dropped: an invalid list element is dropped whole.
    """
    node = tree
    found: list[Any] = []
    for step in path:
        is_list = isinstance(node, list)
        node = _step(node, step)
        if node is _MISSING:
            break
        found.append(step)
        if is_list:
            break
    return tuple(found)


def remove_path(tree: dict[Any, Any], path: KeyPath) -> None:
    """Delete the value at ``path`` (a non-empty existing path) in place, pruning mappings it leaves empty."""
    parents: list[Any] = [tree]
    for step in path[:-1]:
        parents.append(parents[-1][step])
    del parents[-1][path[-1]]
    # An emptied section would otherwise still replace nothing but count as "set" in provenance.
    for depth in range(len(path) - 1, 0, -1):
        node = parents[depth]
        if isinstance(node, dict) and not node:
            del parents[depth - 1][path[depth - 1]]
        else:
            break


def _step(node: Any, step: Any) -> Any:
    if isinstance(node, Mapping):
        return node.get(step, _MISSING) if _hashable(step) else _MISSING
    if isinstance(node, list) and isinstance(step, int) and not isinstance(step, bool) and 0 <= step < len(node):
        return node[step]
    return _MISSING


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def dotted(path: KeyPath) -> str:
    """A path as users write it: ``editor.tab_size``, ``keybindings[2].key``."""
    text = ""
    for step in path:
        if isinstance(step, int) and not isinstance(step, bool):
            text += f"[{step}]"
        else:
            text += f".{step}" if text else str(step)
    return text


def tree_from_dotted(pairs: Mapping[str, Any]) -> dict[str, Any]:
    """Nested mappings from dotted keys: ``{"editor.tab_size": 2}`` -> ``{"editor": {"tab_size": 2}}``.

    Later pairs win; a mapping value merges with what earlier pairs built at the same place.
    Raises ValueError naming a key with an empty segment.
    """
    tree: dict[str, Any] = {}
    for key, value in pairs.items():
        parts = key.split(".")
        if not all(part.strip() for part in parts):
            raise ValueError(f"{key!r} is not a dotted key (expected e.g. 'editor.tab_size')")
        parts = [part.strip() for part in parts]
        node = tree
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        leaf = parts[-1]
        if isinstance(value, Mapping) and isinstance(node.get(leaf), dict):
            node[leaf] = deep_merge(node[leaf], value)
        else:
            node[leaf] = _copy(value)
    return tree


__all__ = [
    "KeyPath",
    "deep_merge",
    "dotted",
    "existing_prefix",
    "get_path",
    "iter_leaves",
    "remove_path",
    "tree_from_dotted",
]
