"""Reject a VDOM tree the reconciler could not render, naming the node path and what is wrong.

Paths read like ``vertical#main/list_view[1]/list_item[3]#task-7``: each step is the node type, its index among
its siblings in brackets, and ``#key`` when it has one; the root has no index.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from core.errors import ValidationError
from core.vdom.catalog import ANY_CHILD, LAYOUT_PROPS, NODE_TYPES, NodeSpec
from core.vdom.node import Node

DEFAULT_MAX_NODES: Final = 20_000
"""Largest tree accepted unless the caller configures another limit."""

_PLAIN = (str, int, float, bool, type(None))


def node_path(parent: str | None, node: Node, index: int) -> str:
    """The display path of ``node``, child number ``index`` of the node at ``parent`` (None for the root)."""
    step = node.type if parent is None else f"{parent}/{node.type}[{index}]"
    return step if node.key is None else f"{step}#{node.key}"


def _fail(path: str, problem: str, hint: str, **data: Any) -> ValidationError:
    return ValidationError(f"Motif node {path}: {problem}", hint=hint, data={"path": path, **data})


def _is_plain(value: Any, depth: int = 0) -> bool:
    """Whether ``value`` survives msgpack and JSON unchanged (no tuples, sets, objects)."""
    if isinstance(value, _PLAIN):
        return True
    if depth > 32:
        return False
    if isinstance(value, list):
        return all(_is_plain(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain(v, depth + 1) for k, v in value.items())
    return False


def validate_props(path: str, spec: NodeSpec, node_type: str, props: Mapping[str, Any]) -> None:
    """Check each prop name and value of a ``node_type`` node against the catalog."""
    for name, value in props.items():
        check = spec.props.get(name) or LAYOUT_PROPS.get(name)
        if check is None:
            known = sorted({*spec.props, *LAYOUT_PROPS})
            raise _fail(
                path,
                f"unknown prop {name!r} for {node_type!r}",
                "Known props: " + ", ".join(known) + ".",
                prop=name,
            )
        problem = check(value) if _is_plain(value) else "expected plain data (str, number, bool, null, list, map)"
        if problem is not None:
            raise _fail(path, f"prop {name!r} is {value!r}: {problem}", "Correct the prop value.", prop=name)


def _check_node(node: Node, path: str, parent_spec: NodeSpec | None, parent_type: str) -> NodeSpec:
    spec = NODE_TYPES.get(node.type) if isinstance(node.type, str) else None
    if spec is None:
        raise _fail(
            path,
            f"unknown node type {node.type!r}",
            "Use one of: " + ", ".join(sorted(NODE_TYPES)) + ".",
            type=node.type,
        )
    if parent_spec is not None and ANY_CHILD not in parent_spec.children and node.type not in parent_spec.children:
        allowed = ", ".join(sorted(parent_spec.children)) or "none (it is a leaf)"
        raise _fail(
            path,
            f"{node.type!r} cannot be a child of {parent_type!r}",
            f"Children allowed in {parent_type!r}: {allowed}.",
            type=node.type,
        )
    if node.key is not None and not isinstance(node.key, str):
        raise _fail(path, f"key {node.key!r} is not a string", "Use string keys.")
    if node.text is not None:
        if not spec.text:
            raise _fail(path, f"{node.type!r} takes no text", "Put the text in a label or static child.")
        if not isinstance(node.text, str):
            raise _fail(path, f"text {node.text!r} is not a string", "Pass text as a str.")
    validate_props(path, spec, node.type, node.props)
    for event, handler in node.handlers.items():
        if event not in spec.events:
            accepted = ", ".join(sorted(spec.events)) or "none"
            raise _fail(
                path,
                f"{node.type!r} has no event {event!r}",
                f"Events of {node.type!r}: {accepted}.",
                event=event,
            )
        if not isinstance(handler, str) or not handler:
            raise _fail(path, f"handler of {event!r} is {handler!r}, not a handler id", "Use a non-empty string id.")
    return spec


def validate_tree(root: Node, *, max_nodes: int = DEFAULT_MAX_NODES) -> int:
    """Check a whole tree (types, props, events, child types, sibling keys, size); returns its node count.

    Raises ValidationError whose ``data["path"]`` names the first offending node.
    """
    count = 0
    # Iterative walk: deep trees must not hit Python's recursion limit.
    stack: list[tuple[Node, str, NodeSpec | None, str]] = [(root, node_path(None, root, 0), None, "")]
    while stack:
        node, path, parent_spec, parent_type = stack.pop()
        count += 1
        if count > max_nodes:
            raise ValidationError(
                f"Motif tree has more than {max_nodes:,} nodes (exceeded at {path})",
                hint="Render fewer nodes (paginate, or use a data_table's rows instead of one node per cell), "
                "or raise the Motif node limit in settings.",
                data={"path": path, "limit": max_nodes},
            )
        spec = _check_node(node, path, parent_spec, parent_type)
        if node.children and not spec.children:
            raise _fail(path, f"{node.type!r} takes no children", "Wrap it and its siblings in a container.")
        seen: dict[str, int] = {}
        for index, child in enumerate(node.children):
            if not isinstance(child, Node):
                raise _fail(
                    f"{path}/[{index}]", f"child is {type(child).__name__}, not a Node", "Build children with h.*."
                )
            if child.key is not None:
                if child.key in seen:
                    raise _fail(
                        node_path(path, child, index),
                        f"duplicate key {child.key!r} among the children of {path} (also child {seen[child.key]})",
                        "Give siblings distinct keys.",
                        key=child.key,
                    )
                seen[child.key] = index
        for index in range(len(node.children) - 1, -1, -1):
            child = node.children[index]
            stack.append((child, node_path(path, child, index), spec, node.type))
    return count


__all__ = ["DEFAULT_MAX_NODES", "node_path", "validate_props", "validate_tree"]
