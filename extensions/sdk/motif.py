"""Motifs for extension authors: ``h`` builders that read like the UI, and components with local state.

    class Tasks(Motif):
        id = "acme.tasks"

        def initial_state(self) -> dict[str, Any]:
            return {"items": ["write docs"], "picked": None}

        def render(self) -> Node:
            items = [h.list_item(h.label(t), key=t) for t in self.state["items"]]
            return h.vertical(h.label("Tasks"), h.list_view(*items, on_selected=self.pick), key="main")

        async def pick(self, event: MotifEvent) -> None:
            self.set_state(picked=event.value)

``set_state`` re-renders, diffs against what the UI shows and sends only the patch (one per handler run, however
many ``set_state`` calls it made). Handler callables never cross the wire: each gets a handler id that stays the
same across renders as long as the same callable (e.g. the same bound method) is passed.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from core.errors import ExtensionError, NotFoundError, ProtocolError, ValidationError
from core.vdom import (
    DEFAULT_MAX_NODES,
    NODE_TYPES,
    SCHEMA_VERSION,
    IdAllocator,
    Mounted,
    Node,
    PatchOp,
    WireNode,
    WireTree,
    diff,
    mount,
    validate_tree,
)

Handler = Callable[["MotifEvent"], Awaitable[None]]
"""What ``on_<event>=`` takes: ``async def handler(event: MotifEvent) -> None``."""

Child = Node | str | Iterable["Child"] | None | bool
"""What builders take positionally: nodes, lists/generators of nodes (flattened), None/False (skipped, for
``cond and h.label(...)``), and for text types one leading string."""


@dataclass(frozen=True, slots=True)
class MotifEvent:
    """What a handler receives when the user acts on a widget."""

    node_id: int
    """The node the widget was rendered from."""
    key: str | None
    """That node's key, handy to tell list items apart."""
    event: str
    """``press``, ``changed``, ``submitted``, ``selected`` ..."""
    value: Any = None
    """The widget's new value (input text, checkbox state, selected index or key ...), if it has one."""


class MotifView(Protocol):
    """Where a Motif's UI goes: the extension host sends these to core over IPC; tests record them."""

    async def render(self, params: dict[str, Any]) -> None:
        """Show a whole tree: ``{"schema", "motif", "revision", "root"}`` (method ``motif.render``)."""

    async def patch(self, params: dict[str, Any]) -> None:
        """Apply a patch list: ``{"schema", "motif", "revision", "ops"}`` (method ``motif.patch``)."""


class LocalView:
    """A MotifView that keeps the tree in-process exactly as the UI would, for tests of Motifs.

    Renders and patches go through ``core.vdom.WireTree`` (which validates them as core does), and revisions must
    follow each other: what a reconciler receives, minus the widgets.
    """

    def __init__(self) -> None:
        self.messages: list[tuple[str, dict[str, Any]]] = []
        """Every ``("render" | "patch", params)`` received, in order."""
        self._tree: WireTree | None = None
        self._revision = 0

    async def render(self, params: dict[str, Any]) -> None:
        """Replace the tree."""
        self.messages.append(("render", params))
        self._check_revision(params)
        self._tree = WireTree(params["root"])

    async def patch(self, params: dict[str, Any]) -> None:
        """Apply a patch to the tree."""
        self.messages.append(("patch", params))
        if self._tree is None:
            raise ProtocolError("motif.patch before motif.render", hint="Call Motif.show() first.")
        self._check_revision(params)
        self._tree.apply(params["ops"])

    def _check_revision(self, params: dict[str, Any]) -> None:
        if params.get("schema") != SCHEMA_VERSION:
            raise ProtocolError(f"Motif message has schema {params.get('schema')!r}, expected {SCHEMA_VERSION}")
        if params["revision"] != self._revision + 1:
            raise ProtocolError(
                f"Motif revision {params['revision']} follows {self._revision}",
                hint="Send patches in order, each once.",
            )
        self._revision = params["revision"]

    @property
    def tree(self) -> Node:
        """What the UI shows now."""
        if self._tree is None:
            raise NotFoundError("nothing was rendered yet", hint="Call Motif.show() first.")
        return self._tree.to_node()

    def node_id(self, key: str) -> int:
        """The id of the first node (depth first) with ``key``, to send it events in tests."""
        if self._tree is not None:
            stack: list[WireNode] = [self._tree.root]
            while stack:
                node = stack.pop()
                if node.get("key") == key:
                    return node["id"]
                stack.extend(reversed(node.get("children", [])))
        raise NotFoundError(f"no node with key {key!r} is shown", data={"key": key})


class HandlerTable:
    """Handler ids for the callables of one Motif; an id lives as long as its callable is rendered."""

    def __init__(self) -> None:
        self._ids: dict[Callable[..., Any], str] = {}
        self._by_id: dict[str, Callable[..., Any]] = {}
        self._next = 1
        self._previous: dict[Callable[..., Any], str] = {}
        self._saved: tuple[dict[Callable[..., Any], str], dict[str, Callable[..., Any]]] = ({}, {})

    def begin_render(self) -> None:
        """Start a render: ids not used again by its end are forgotten."""
        self._saved = (self._ids, self._by_id)
        self._previous, self._ids, self._by_id = self._ids, {}, {}

    def abort_render(self) -> None:
        """The render failed: the UI still shows the last good tree, so its handlers stay reachable."""
        self._ids, self._by_id = self._saved

    def id_for(self, handler: Callable[..., Any]) -> str:
        """The id of ``handler``, reusing the last render's id for an equal callable (bound methods compare equal)."""
        known = self._ids.get(handler)
        if known is not None:
            return known
        handler_id = self._previous.get(handler)
        if handler_id is None:
            handler_id = f"h{self._next}"
            self._next += 1
        self._ids[handler] = handler_id
        self._by_id[handler_id] = handler
        return handler_id

    def get(self, handler_id: str) -> Callable[..., Any] | None:
        """The callable behind ``handler_id`` in the current render."""
        return self._by_id.get(handler_id)


_log = logging.getLogger(__name__)
_RENDERING: ContextVar[HandlerTable | None] = ContextVar("symphony_motif_rendering", default=None)


def _flatten(items: Iterable[Child], into: list[Node], node_type: str) -> None:
    for item in items:
        if item is None or isinstance(item, bool):
            continue
        if isinstance(item, Node):
            into.append(item)
        elif isinstance(item, str):
            raise ValidationError(
                f"h.{node_type}(...): a string can only be the first argument of a text node, got {item!r} "
                "among the children",
                hint="Wrap text in h.label(...) or h.static(...).",
            )
        elif isinstance(item, Iterable):
            _flatten(item, into, node_type)
        else:
            raise ValidationError(
                f"h.{node_type}(...): {type(item).__name__} is not a node",
                hint="Children are h.* nodes, lists of them, or None/False to render nothing.",
            )


def _handler_id(node_type: str, event: str, handler: Any) -> str:
    if isinstance(handler, str):
        return handler
    if not callable(handler) or not inspect.iscoroutinefunction(handler):
        raise ValidationError(
            f"h.{node_type}(on_{event}=...) got {handler!r}, which is not an async function",
            hint="Pass a coroutine function: `async def handler(self, event: MotifEvent) -> None`.",
        )
    table = _RENDERING.get()
    if table is None:
        raise ValidationError(
            f"h.{node_type}(on_{event}=...) was called outside a Motif's render()",
            hint="Build nodes with handlers inside Motif.render, so the handler can be routed back.",
        )
    return table.id_for(handler)


class NodeBuilder:
    """Builds nodes of one type: ``h.label("Tasks", key="title", color="$accent")``."""

    __slots__ = ("_has_text", "_type")

    def __init__(self, node_type: str) -> None:
        self._type = node_type
        self._has_text = NODE_TYPES[node_type].text

    def __call__(self, *content: Child, key: str | int | None = None, **props: Any) -> Node:
        """Children (and for text types a leading string) positionally; ``key``, ``on_<event>``, props by name."""
        text: str | None = None
        if self._has_text and content and isinstance(content[0], str):
            text, content = content[0], content[1:]
        children: list[Node] = []
        _flatten(content, children, self._type)
        handlers: dict[str, str] = {}
        for name in [name for name in props if name.startswith("on_")]:
            handler = props.pop(name)
            if handler is not None:
                handlers[name[3:]] = _handler_id(self._type, name[3:], handler)
        for name, value in props.items():
            # A copy, so state mutated in place (``self.state["lines"].append(...)``) still differs from the
            # value the last render sent; nested values are the author's to replace rather than mutate.
            if isinstance(value, list):
                props[name] = list(value)
            elif isinstance(value, dict):
                props[name] = dict(value)
        return Node(self._type, None if key is None else str(key), props, text, handlers, tuple(children))


class Builders:
    """``h``: one builder per catalog node type (``h.vertical``, ``h.data_table`` ...)."""

    def __getattr__(self, name: str) -> NodeBuilder:
        if name not in NODE_TYPES:
            raise AttributeError(f"h has no node type {name!r}; known: {', '.join(sorted(NODE_TYPES))}")
        builder = NodeBuilder(name)
        setattr(self, name, builder)
        return builder

    def __dir__(self) -> list[str]:
        return sorted(NODE_TYPES)


h = Builders()
"""The node builders."""


class Motif:
    """A component: ``render()`` draws the UI from ``self.state``; ``set_state`` updates it and sends the patch."""

    id: ClassVar[str] = ""
    """The Motif id declared in the manifest's ``contributes.motifs``."""
    max_nodes: ClassVar[int] = DEFAULT_MAX_NODES
    """Largest tree this Motif may render."""

    def __init__(self, view: MotifView | None = None) -> None:
        self.view = view
        """Where renders and patches go; None keeps them local (``update()`` still returns the patch)."""
        self.state: dict[str, Any] = self.initial_state()
        """The local state ``render`` reads; change it with ``set_state``."""
        self.revision = 0
        """How many trees/patches were sent; the UI applies them in order."""
        self._ids = IdAllocator()
        self._handlers = HandlerTable()
        self._mounted: Mounted | None = None
        self._dirty = False
        self._flushing: asyncio.Task[None] | None = None

    def initial_state(self) -> dict[str, Any]:
        """The state before the first render."""
        return {}

    def render(self) -> Node:
        """The whole UI for the current state (reuse unchanged subtree objects to make diffs cheaper)."""
        raise NotImplementedError(f"{type(self).__qualname__} must define render()")

    @property
    def mounted(self) -> Mounted | None:
        """The tree as the UI holds it (with node ids), or None before ``show``."""
        return self._mounted

    def render_tree(self) -> Node:
        """``render()`` with its handlers registered and its result validated (what diffs and tests use)."""
        token = _RENDERING.set(self._handlers)
        self._handlers.begin_render()
        try:
            tree = self.render()
            if not isinstance(tree, Node):
                raise ValidationError(
                    f"Motif {self.id or type(self).__qualname__}.render() returned {type(tree).__name__}, not a Node",
                    hint="Return an h.* node, e.g. h.vertical(...).",
                )
            validate_tree(tree, max_nodes=self.max_nodes)
        except ValidationError:
            self._handlers.abort_render()
            raise
        except Exception as exc:
            self._handlers.abort_render()
            raise ExtensionError(
                f"Motif {self.id or type(self).__qualname__} failed to render: {type(exc).__name__}: {exc}",
                hint="Fix the extension's render(); the panel keeps showing its last good tree.",
                data={"motif": self.id},
            ) from exc
        finally:
            _RENDERING.reset(token)
        return tree

    def first_render(self) -> dict[str, Any]:
        """Render from scratch (new ids) and return the ``motif.render`` params; used on show and on reattach."""
        self._mounted = mount(self.render_tree(), self._ids)
        self._dirty = False
        self.revision += 1
        root: WireNode = self._mounted.to_wire()
        return {"schema": SCHEMA_VERSION, "motif": self.id, "revision": self.revision, "root": root}

    async def show(self) -> None:
        """Send the whole tree to the view."""
        params = self.first_render()
        if self.view is not None:
            await self.view.render(params)

    def set_state(self, **changes: Any) -> None:
        """Update state; the UI gets one patch after the running handler returns (or on the next loop turn)."""
        self.state.update(changes)
        self._dirty = True
        if self.view is None or self._mounted is None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        if self._flushing is None or self._flushing.done():
            self._flushing = loop.create_task(self.flush())
            self._flushing.add_done_callback(self._log_failed_flush)

    def _log_failed_flush(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            _log.error("Motif %s: sending a patch failed", self.id, exc_info=task.exception())

    def update(self) -> list[PatchOp]:
        """Re-render now and return the patch from the UI's tree to the new one (empty if nothing changed)."""
        if self._mounted is None:
            raise ExtensionError(
                f"Motif {self.id or type(self).__qualname__} was updated before it was shown",
                hint="Call show() first.",
            )
        tree = self.render_tree()
        self._mounted, ops = diff(self._mounted, tree, self._ids)
        self._dirty = False
        return ops

    async def flush(self) -> None:
        """Send the patch for pending ``set_state`` calls, if any changed what the UI shows."""
        if not self._dirty or self._mounted is None:
            return
        ops = self.update()
        if ops and self.view is not None:
            self.revision += 1
            await self.view.patch({"schema": SCHEMA_VERSION, "motif": self.id, "revision": self.revision, "ops": ops})

    async def handle_event(self, node_id: int, event: str, value: Any = None) -> bool:
        """Run the handler the UI reported for ``node_id``/``event``, then send the resulting patch.

        Returns False when the node or handler is gone (an event racing a patch that removed it).
        """
        node = self._mounted.find(node_id) if self._mounted is not None else None
        handler_id = node.node.handlers.get(event) if node is not None else None
        handler = self._handlers.get(handler_id) if handler_id is not None else None
        if node is None or handler is None:
            return False
        try:
            await handler(MotifEvent(node_id, node.node.key, event, value))
        except Exception as exc:
            raise ExtensionError(
                f"Motif {self.id or type(self).__qualname__}: handler of {event!r} on node {node_id} failed: {exc}",
                data={"motif": self.id, "node": node_id, "event": event},
            ) from exc
        finally:
            await self.flush()
        return True


__all__ = [
    "Builders",
    "Child",
    "Handler",
    "HandlerTable",
    "LocalView",
    "Motif",
    "MotifEvent",
    "MotifView",
    "NodeBuilder",
    "h",
]
