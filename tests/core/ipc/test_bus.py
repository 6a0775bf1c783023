"""The bus (docs/ipc-protocol.md §4.5): routing by namespace, pub/sub, lifecycle events, stats, over real sockets."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from core.errors import ConflictError, MethodNotFoundError, PermissionDeniedError, SymphonyTimeoutError
from core.ipc.bus import Bus, ConnectionEvent
from core.ipc.methods import MethodTable, RequestContext
from core.ipc.peer import RpcPeer
from core.ipc.transport import connect_unix
from core.paths import runtime_dir


@pytest.fixture
async def bus() -> AsyncIterator[Bus]:
    hub = Bus()
    await hub.serve(runtime_dir() / "bus.sock")
    yield hub
    await hub.close()


async def join(hub: Bus, identity: str, methods: MethodTable | None = None) -> RpcPeer:
    return await connect_unix(runtime_dir() / "bus.sock", token=hub.issue_token(identity), methods=methods)


async def settle(hub: Bus, count: int) -> None:
    for _ in range(200):
        if sum(c.authenticated for c in hub.connections()) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("connections did not authenticate")


async def test_requests_are_routed_to_the_process_that_registered_the_namespace(bus: Bus) -> None:
    git_methods = MethodTable()
    git_methods.add("ext.git/branch", lambda params: {"branch": "main", "asked_by": params["who"]})
    git = await join(bus, "ext.git", git_methods)
    other = await join(bus, "ext.other")
    await git.request("bus/register", {"namespace": "ext.git"})
    assert await other.request("ext.git/branch", {"who": "other"}) == {"branch": "main", "asked_by": "other"}
    assert await bus.request("ext.git/branch", {"who": "core"}) == {"branch": "main", "asked_by": "core"}


async def test_core_methods_answer_before_any_route(bus: Bus) -> None:
    bus.methods.add("core/version", lambda params: "1.0")
    client = await join(bus, "ext.a")
    assert await client.request("core/version") == "1.0"


async def test_unrouted_namespace_is_method_not_found(bus: Bus) -> None:
    client = await join(bus, "ext.a")
    with pytest.raises(MethodNotFoundError, match=r"ext\.nobody/x"):
        await client.request("ext.nobody/x")


async def test_a_process_may_only_claim_its_own_namespace(bus: Bus) -> None:
    client = await join(bus, "ext.a")
    await client.request("bus/register", {"namespace": "ext.a.sub"})
    with pytest.raises(PermissionDeniedError, match=r"may not claim namespace 'ext\.b'"):
        await client.request("bus/register", {"namespace": "ext.b"})


async def test_two_owners_of_one_namespace_conflict(bus: Bus) -> None:
    await join(bus, "ext.a")
    await join(bus, "ext.b")
    await settle(bus, 2)
    bus.route("shared", "ext.a")
    with pytest.raises(ConflictError, match=r"already served by ext\.a"):
        bus.route("shared", "ext.b")


async def test_cancelling_a_routed_request_cancels_it_in_the_serving_process(bus: Bus) -> None:
    started, cancelled = asyncio.Event(), asyncio.Event()
    slow_methods = MethodTable()

    @slow_methods.method("ext.slow/wait")
    async def wait(params: Any) -> None:
        started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    slow = await join(bus, "ext.slow", slow_methods)
    await slow.request("bus/register", {"namespace": "ext.slow"})
    caller = await join(bus, "ext.caller")
    with pytest.raises(SymphonyTimeoutError):
        await caller.request("ext.slow/wait", timeout=0.3)
    assert started.is_set()
    await asyncio.wait_for(cancelled.wait(), timeout=5)


async def test_published_events_reach_process_and_core_subscribers_but_not_the_sender(bus: Bus) -> None:
    received: asyncio.Queue[Any] = asyncio.Queue()
    listener_methods = MethodTable()
    listener_methods.add_notification("bus/event", lambda params: received.put_nowait(params))
    listener = await join(bus, "ext.listener", listener_methods)
    await listener.request("bus/subscribe", {"topic": "files/changed"})
    core_seen: list[Any] = []
    unsubscribe = bus.subscribe("files/changed", lambda topic, data: core_seen.append(data))
    sender_methods = MethodTable()
    sender_seen: list[Any] = []
    sender_methods.add_notification("bus/event", sender_seen.append)
    sender = await join(bus, "ext.sender", sender_methods)
    await sender.request("bus/subscribe", {"topic": "files/changed"})
    await sender.notify("bus/publish", {"topic": "files/changed", "data": {"path": "a.py"}})
    assert await asyncio.wait_for(received.get(), timeout=5) == {"topic": "files/changed", "data": {"path": "a.py"}}
    assert core_seen == [{"path": "a.py"}]
    assert sender_seen == []
    unsubscribe()
    assert bus.publish("files/changed", {"path": "b.py"}) == 2  # both processes; core unsubscribed
    assert core_seen == [{"path": "a.py"}]


async def test_lifecycle_events_follow_connect_authenticate_and_loss(bus: Bus) -> None:
    events: list[tuple[ConnectionEvent, str | None]] = []
    bus.on_event(lambda event, conn: events.append((event, conn.identity)))
    client = await join(bus, "ext.life")
    await settle(bus, 1)
    await client.close()
    for _ in range(200):
        if len(events) == 3:
            break
        await asyncio.sleep(0.01)
    assert events == [
        (ConnectionEvent.CONNECTED, None),
        (ConnectionEvent.AUTHENTICATED, "ext.life"),
        (ConnectionEvent.LOST, "ext.life"),
    ]
    assert bus.connections() == []


async def test_lost_connection_drops_its_routes(bus: Bus) -> None:
    client = await join(bus, "ext.gone")
    await client.request("bus/register", {"namespace": "ext.gone"})
    await client.close()
    for _ in range(200):
        if not bus.connections():
            break
        await asyncio.sleep(0.01)
    with pytest.raises(MethodNotFoundError):
        await bus.request("ext.gone/anything")


async def test_stats_count_traffic_per_connection(bus: Bus) -> None:
    client = await join(bus, "ext.stats")
    bus.methods.add("core/ping", lambda params: "pong")
    for _ in range(3):
        await client.request("core/ping")
    stats = await client.request("bus/stats")
    (name, row), *_ = stats.items()
    assert name.startswith("ext.stats (conn-")
    assert row["messages_in"] >= 4 and row["messages_out"] >= 3 and row["errors"] == 0
    table = bus.format_stats()
    assert "msgs in" in table.splitlines()[0] and "ext.stats" in table


async def test_progress_of_a_routed_request_reaches_the_original_caller(bus: Bus) -> None:
    worker_methods = MethodTable()

    @worker_methods.method("ext.work/count")
    async def count(params: Any, ctx: RequestContext) -> str:
        for i in range(params["to"]):
            await ctx.progress(i)
        return "counted"

    worker = await join(bus, "ext.work", worker_methods)
    await worker.request("bus/register", {"namespace": "ext.work"})
    caller = await join(bus, "ext.caller")
    assert [part async for part in caller.stream("ext.work/count", {"to": 3})] == [0, 1, 2, "counted"]
