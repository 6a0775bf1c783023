"""The bus in core: routes between the core and N connected processes (extension hosts, tools).

It owns the listening socket and the one-time tokens, keeps a registry of connections with lifecycle events
(connected, authenticated, lost), routes requests by method namespace (``ns/method`` goes to the connection that
registered ``ns``), and carries pub/sub topics. Connected processes use the ``bus/*`` methods (docs/ipc-protocol.md
§4.5); core code uses the Bus API directly.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from core.errors import ConflictError, MethodNotFoundError, PermissionDeniedError, SymphonyError, ValidationError
from core.ipc.methods import MethodTable, RequestContext
from core.ipc.metrics import format_stats
from core.ipc.peer import PROGRESS, RpcPeer
from core.ipc.security import AuthToken, TokenRegistry
from core.ipc.settings import IpcSettings
from core.ipc.transport import UnixServer, serve_unix

log = logging.getLogger("symphony.ipc")

EVENT_METHOD: Final = "bus/event"
"""Notification the bus sends to subscribers: ``{topic, data}``."""


class ConnectionEvent(StrEnum):
    """What happened to a connection."""

    CONNECTED = "connected"
    """A process connected; it has not proven who it is yet."""
    AUTHENTICATED = "authenticated"
    """It presented a valid token: it now has an identity and can be routed to."""
    LOST = "lost"
    """It closed, died or was refused."""


@dataclass(eq=False)
class Connection:
    """One connected process as the bus sees it."""

    id: str
    peer: RpcPeer
    identity: str | None = None
    namespaces: set[str] = field(default_factory=set)
    topics: set[str] = field(default_factory=set)

    @property
    def authenticated(self) -> bool:
        """True once the handshake succeeded."""
        return self.identity is not None


Listener = Callable[[ConnectionEvent, Connection], None]
TopicCallback = Callable[[str, Any], None]


def namespace_of(method: str) -> str:
    """The routing namespace of a method: the part before the first '/', e.g. ``ext.git`` for ``ext.git/log``."""
    return method.split("/", 1)[0] if "/" in method else ""


def _text_param(params: Any, key: str, method: str) -> str:
    value = params.get(key) if isinstance(params, dict) else None
    if not isinstance(value, str) or not value:
        raise ValidationError(f"{method} needs a non-empty string {key!r} in its params", data={"method": method})
    return value


class Bus:
    """Request routing, pub/sub and a connection registry over authenticated IPC connections."""

    def __init__(self, *, settings: IpcSettings | None = None, methods: MethodTable | None = None) -> None:
        self.settings = settings or IpcSettings()
        self.methods = methods if methods is not None else MethodTable()
        """Core-side handlers; they win over routed namespaces."""
        self.tokens = TokenRegistry()
        self._ids = itertools.count(1)
        self._connections: dict[str, Connection] = {}
        self._by_peer: dict[int, Connection] = {}
        self._routes: dict[str, Connection] = {}
        self._topics: dict[str, set[Connection]] = {}
        self._local: dict[str, list[TopicCallback]] = {}
        self._listeners: list[Listener] = []
        self._server: UnixServer | None = None
        self._install_bus_methods()

    # -- serving ------------------------------------------------------------------------------------------

    def issue_token(self, identity: str) -> AuthToken:
        """A one-time token for the process about to be spawned as ``identity`` (e.g. an extension host id)."""
        return self.tokens.issue(identity)

    async def serve(self, path: Path) -> UnixServer:
        """Listen on a Unix socket (in the 0700 runtime dir) for processes holding issued tokens."""
        self._server = await serve_unix(
            path,
            authenticate=self.tokens.redeem,
            on_peer=self._authenticated,
            on_accept=self.attach,
            methods=self.methods,
            settings=self.settings,
            fallback=self._route_request,
            notification_fallback=self._route_notification,
        )
        return self._server

    async def close(self) -> None:
        """Stop listening and close every connection."""
        if self._server is not None:
            await self._server.close()
        for conn in list(self._connections.values()):
            await conn.peer.close()

    def attach(self, peer: RpcPeer) -> Connection:
        """Register a connection (the server does this on accept; call it for stdio peers you created)."""
        peer.fallback = self._route_request
        peer.notification_fallback = self._route_notification
        conn = Connection(id=f"conn-{next(self._ids)}", peer=peer)
        self._connections[conn.id] = conn
        self._by_peer[id(peer)] = conn
        peer.add_close_callback(lambda reason: self._lost(conn, reason))
        self._emit(ConnectionEvent.CONNECTED, conn)
        if peer.is_open and peer.identity is not None:
            self._authenticated(peer)
        return conn

    def _authenticated(self, peer: RpcPeer) -> None:
        conn = self._by_peer.get(id(peer)) or self.attach(peer)
        if conn.identity is None:
            conn.identity = peer.identity or conn.id
            self._emit(ConnectionEvent.AUTHENTICATED, conn)

    def _lost(self, conn: Connection, reason: SymphonyError | None) -> None:
        self._connections.pop(conn.id, None)
        self._by_peer.pop(id(conn.peer), None)
        for namespace in conn.namespaces:
            if self._routes.get(namespace) is conn:
                del self._routes[namespace]
        for topic in conn.topics:
            self._topics.get(topic, set()).discard(conn)
        self._emit(ConnectionEvent.LOST, conn)

    # -- registry and events ------------------------------------------------------------------------------

    def on_event(self, listener: Listener) -> None:
        """Call ``listener(event, connection)`` on every lifecycle event."""
        self._listeners.append(listener)

    def _emit(self, event: ConnectionEvent, conn: Connection) -> None:
        for listener in list(self._listeners):
            try:
                listener(event, conn)
            except Exception:
                log.exception("IPC bus: listener failed on %s of %s", event.value, conn.id)

    def connections(self) -> list[Connection]:
        """Live connections, oldest first."""
        return list(self._connections.values())

    def find(self, identity: str) -> Connection | None:
        """The live connection authenticated as ``identity``."""
        return next((c for c in self._connections.values() if c.identity == identity), None)

    # -- routing ------------------------------------------------------------------------------------------

    def route(self, namespace: str, identity: str) -> None:
        """Send requests for ``namespace/...`` to the connection authenticated as ``identity``."""
        conn = self.find(identity)
        if conn is None:
            raise MethodNotFoundError(f"no connection authenticated as {identity!r}", data={"identity": identity})
        self._claim(conn, namespace)

    def _claim(self, conn: Connection, namespace: str) -> None:
        owner = self._routes.get(namespace)
        if owner is not None and owner is not conn:
            raise ConflictError(
                f"namespace {namespace!r} is already served by {owner.identity}",
                hint="Two extensions claim the same id; disable one of them.",
                data={"namespace": namespace},
            )
        self._routes[namespace] = conn
        conn.namespaces.add(namespace)

    def _target(self, method: str) -> Connection:
        conn = self._routes.get(namespace_of(method))
        if conn is None:
            raise MethodNotFoundError(f"no handler or route for method {method!r}", data={"method": method})
        return conn

    async def request(self, method: str, params: Any = None, *, timeout: float | None = None) -> Any:
        """Call ``method`` in whichever connected process serves its namespace."""
        return await self._target(method).peer.request(method, params, timeout=timeout)

    async def notify(self, method: str, params: Any = None) -> None:
        """Send a notification to whichever connected process serves its namespace."""
        await self._target(method).peer.notify(method, params)

    async def _route_request(self, params: Any, ctx: RequestContext) -> Any:
        # Cancelling the caller's request cancels this task, which cancels (and $/cancels) the forwarded one;
        # progress from the serving process is relayed under the caller's request id.
        target = self._target(ctx.method)
        caller = ctx.peer
        if target.peer is caller:
            raise MethodNotFoundError(f"{ctx.method!r} is routed back to its caller; refusing a loop")

        def relay(value: Any) -> None:
            with contextlib.suppress(SymphonyError):
                caller.notify_nowait(PROGRESS, {"id": ctx.request_id, "value": value})

        return await target.peer.request(ctx.method, params, timeout=math.inf, on_progress=relay)

    def _route_notification(self, peer: RpcPeer, method: str, params: Any) -> None:
        conn = self._routes.get(namespace_of(method))
        if conn is not None and conn.peer is not peer and conn.peer.is_open:
            try:
                conn.peer.notify_nowait(method, params)
            except SymphonyError as exc:
                log.warning("IPC bus: could not forward %r to %s: %s", method, conn.identity, exc.message)

    # -- pub/sub ------------------------------------------------------------------------------------------

    def subscribe(self, topic: str, callback: TopicCallback) -> Callable[[], None]:
        """Call ``callback(topic, data)`` in core for each publication on ``topic``; returns an unsubscribe."""
        callbacks = self._local.setdefault(topic, [])
        callbacks.append(callback)

        def unsubscribe() -> None:
            if callback in callbacks:
                callbacks.remove(callback)

        return unsubscribe

    def publish(self, topic: str, data: Any = None, *, sender: Connection | None = None) -> int:
        """Deliver ``data`` to every subscriber of ``topic`` (but not back to its sender); returns how many."""
        delivered = 0
        for callback in list(self._local.get(topic, ())):
            try:
                callback(topic, data)
                delivered += 1
            except Exception:
                log.exception("IPC bus: subscriber of %r failed", topic)
        for conn in list(self._topics.get(topic, ())):
            if conn is sender or not conn.peer.is_open:
                continue
            try:
                conn.peer.notify_nowait(EVENT_METHOD, {"topic": topic, "data": data})
                delivered += 1
            except SymphonyError as exc:
                log.warning("IPC bus: could not deliver %r to %s: %s", topic, conn.identity, exc.message)
        return delivered

    # -- metrics ------------------------------------------------------------------------------------------

    def stats(self) -> dict[str, dict[str, Any]]:
        """Per-connection metrics snapshots, keyed ``identity (conn-N)``."""
        return {f"{c.identity or '?'} ({c.id})": c.peer.metrics.snapshot() for c in self._connections.values()}

    def format_stats(self) -> str:
        """The table `symphony ipc stats` prints."""
        return format_stats(self.stats())

    # -- bus/* methods for connected processes ------------------------------------------------------------

    def _conn_for(self, ctx: RequestContext) -> Connection:
        conn = self._by_peer.get(id(ctx.peer))
        if conn is None or not conn.authenticated:
            raise PermissionDeniedError("only authenticated connections may use bus/* methods")
        return conn

    def _install_bus_methods(self) -> None:
        table = self.methods

        def register(params: Any, ctx: RequestContext) -> None:
            conn = self._conn_for(ctx)
            namespace = _text_param(params, "namespace", "bus/register")
            identity = conn.identity or ""
            if namespace != identity and not namespace.startswith(identity + "."):
                raise PermissionDeniedError(
                    f"{identity!r} may not claim namespace {namespace!r}",
                    hint="A process may only claim its own id or sub-namespaces of it (id.something).",
                    data={"namespace": namespace},
                )
            self._claim(conn, namespace)

        def subscribe(params: Any, ctx: RequestContext) -> None:
            conn = self._conn_for(ctx)
            topic = _text_param(params, "topic", "bus/subscribe")
            self._topics.setdefault(topic, set()).add(conn)
            conn.topics.add(topic)

        def unsubscribe(params: Any, ctx: RequestContext) -> None:
            conn = self._conn_for(ctx)
            topic = _text_param(params, "topic", "bus/unsubscribe")
            self._topics.get(topic, set()).discard(conn)
            conn.topics.discard(topic)

        def publish(params: Any, ctx: RequestContext) -> None:
            conn = self._conn_for(ctx)
            self.publish(_text_param(params, "topic", "bus/publish"), params.get("data"), sender=conn)

        def stats(params: Any, ctx: RequestContext) -> dict[str, dict[str, Any]]:
            self._conn_for(ctx)
            return self.stats()

        table.add("bus/register", register)
        table.add("bus/subscribe", subscribe)
        table.add("bus/unsubscribe", unsubscribe)
        table.add_notification("bus/publish", publish)
        table.add("bus/stats", stats)
