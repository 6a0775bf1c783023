"""Reading the socket directly instead of sleeping in the event loop (docs/ipc-protocol.md §6.4): polling for the
reply of a lone request (settings.reply_poll_us) and lingering for the next request after answering one inline
(settings.request_linger_us).

Against a real child process over a real Unix socket or pipes: the counters in ConnectionMetrics tell whether a
reply was caught by polling or the poll ran out of budget. Budgets are generous where a hit is expected, so a
loaded machine cannot turn the test into a timing test.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
import sys
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from core.errors import ErrorCode, NotFoundError, SymphonyError
from core.ipc.connection import _LINGER_RUN, _pollable_fd
from core.ipc.peer import _SYNC_RUN_MAX
from core.ipc.security import AuthToken
from core.ipc.settings import IpcSettings, RateLimit
from core.ipc.transport import connect_pipes
from tests.core.ipc.harness import ROOT, parent

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="polling reads POSIX fds")

GENEROUS = IpcSettings(reply_poll_us=10_000, request_linger_us=10_000)
LINGER_ONLY = IpcSettings(reply_poll_us=0, request_linger_us=10_000)
"""For the side that answers: not polling for its own reply meanwhile (a poll would take the requests itself)."""


async def test_sequential_replies_are_caught_by_polling_and_counted() -> None:
    async with parent() as p:
        child = await p.connected_child(GENEROUS)
        for i in range(30):
            assert await child.request("child/echo", {"i": i}) == {"i": i}
        metrics = child.metrics
        assert metrics.polled > 0
        assert metrics.polled + metrics.poll_misses <= 30
        assert metrics.latency.count == 30
        snapshot = metrics.snapshot()
        assert snapshot["replies_polled"] == metrics.polled and snapshot["poll_misses"] == metrics.poll_misses


async def test_polled_replies_of_every_shape_resolve_as_through_the_event_loop() -> None:
    # A polled reply is recognised by its envelope bytes and only its result decoded (core.ipc.peer._poll_for);
    # results the fast decoder refuses (bytes, bytes keys, deep nesting), errors and unusual ids must still
    # resolve exactly as the general path does.
    deep: Any = [1]
    for _ in range(12):
        deep = {"down": [deep]}
    values: list[Any] = [
        {"i": 1},
        {"blob": b"\x00\xff"},
        None,
        [1, 2.5, "x", True],
        {"nested": {b"raw": 1}},
        deep,
        "text",
        2**64 - 1,
    ]
    async with parent() as p:
        child = await p.connected_child(GENEROUS)
        for _ in range(3):
            for value in values:
                assert await child.request("child/echo", value if type(value) in (dict, list) else [value]) == (
                    value if type(value) in (dict, list) else [value]
                )
            with pytest.raises(SymphonyError) as info:
                await child.request("child/digest", {"wrong": 1})
            assert info.value.code == ErrorCode.INTERNAL
        assert child.metrics.polled > 0
        assert child.metrics.latency.count == 3 * (len(values) + 1)


async def test_polling_off_never_reads_the_socket_itself() -> None:
    async with parent() as p:
        child = await p.connected_child(IpcSettings(reply_poll_us=0))
        for i in range(10):
            assert await child.request("child/echo", {"i": i}) == {"i": i}
        assert child.metrics.polled == 0 and child.metrics.poll_misses == 0


async def test_replies_caught_by_polling_still_let_other_tasks_run() -> None:
    # A reply caught inline completes the call without yielding; after _SYNC_RUN_MAX of those in a row the next
    # call must go through the event loop, or a loop of requests would starve every other task (and the UI).
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0)
            ticks += 1

    async with parent() as p:
        child = await p.connected_child(GENEROUS)
        await child.request("child/echo", {})
        task = asyncio.create_task(ticker())
        await asyncio.sleep(0)
        ticks = 0
        count = 10 * (_SYNC_RUN_MAX + 1)
        for i in range(count):
            await child.request("child/echo", {"i": i})
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        assert child.metrics.polled > 0
        assert ticks >= count // (_SYNC_RUN_MAX + 1)


async def test_concurrent_callers_still_pipeline_their_requests() -> None:
    in_flight: list[int] = []
    done = asyncio.Event()

    async with parent() as p:
        child = await p.connected_child(GENEROUS)

        async def sampler() -> None:
            while not done.is_set():
                in_flight.append(child.in_flight)
                await asyncio.sleep(0)

        async def worker(n: int) -> None:
            for i in range(20):
                assert await child.request("child/echo", {"w": n, "i": i}) == {"w": n, "i": i}

        watch = asyncio.create_task(sampler())
        await asyncio.gather(*(worker(n) for n in range(16)))
        done.set()
        await watch
        assert max(in_flight) > 1


async def test_a_slow_method_backs_off_while_a_fast_one_keeps_polling() -> None:
    async with parent() as p:
        child = await p.connected_child(IpcSettings(reply_poll_us=1000))
        for _ in range(10):  # 10 ms handler, 1 ms budget: a miss every time it polls
            assert await child.request("child/sleep", {"seconds": 0.01}) == "slept"
        # Misses double the skips: polls on calls 1, 4 (after skipping 2) and 9 (after skipping 4).
        assert child.metrics.poll_misses == 3
        polled = child.metrics.polled
        for i in range(20):
            await child.request("child/echo", {"i": i})
        assert child.metrics.poll_misses <= 3 + 20 - 1  # the fast method has its own record
        assert child.metrics.polled > polled


async def test_replies_over_stdio_pipes_are_polled_too() -> None:
    token = AuthToken.generate()
    env = token.child_env()
    env["PYTHONPATH"] = str(ROOT)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.core.ipc.peer_process", "stdio"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None and process.stdin is not None
        child = await connect_pipes(
            process.stdout,
            process.stdin,
            role="accept",
            authenticate=lambda presented: "stdio-child" if token.matches(presented) else None,
            settings=GENEROUS,
        )
        for i in range(20):
            assert await child.request("child/echo", {"i": i}) == {"i": i}
        assert child.metrics.polled > 0
        await child.close()
        assert await asyncio.get_running_loop().run_in_executor(None, process.wait, 10) == 0
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        process.wait()


async def test_the_answering_side_lingers_for_the_next_request() -> None:
    # The child makes sequential requests that the parent answers inline (parent/noop): the parent, having
    # answered, reads its socket for the next one instead of going back to sleep in epoll.
    async with parent() as p:
        child = await p.connected_child(LINGER_ONLY)
        assert await child.request("child/flood", {"count": 40}) == {"ok": 40, "limited": 0}
        assert child.metrics.lingered > 0
        assert child.metrics.snapshot()["lingered"] == child.metrics.lingered


async def test_requests_answered_while_lingering_get_the_same_replies() -> None:
    # The linger answers plain sync handlers itself (bytes in to bytes out, docs/ipc-protocol.md §6.4); every
    # other outcome must still be the general path's: handler errors with their codes, a crash as an internal
    # error, a model dumped, a reply too big for the inline write, malformed params, unknown methods.
    async with parent() as p:

        class Point(BaseModel):
            x: int

        @p.methods.method("parent/refuse")
        def refuse(params: Any) -> None:
            raise NotFoundError("no such thing")

        @p.methods.method("parent/crash")
        def crash(params: Any) -> None:
            raise ZeroDivisionError("boom")

        @p.methods.method("parent/model")
        def model(params: Any) -> Point:
            return Point(x=3)

        @p.methods.method("parent/big")
        def big(params: Any) -> str:
            return "x" * 100_000

        child = await p.connected_child(LINGER_ONLY)
        rounds = [
            ["parent/add", {"a": 1, "b": 2}],
            ["parent/refuse", None],
            ["parent/add", {"a": 2, "b": 2}],
            ["parent/crash", None],
            ["parent/add", {"a": 3, "b": 2}],
            ["parent/model", None],
            ["parent/add", {"a": 4, "b": 2}],
            ["parent/big", None],
            ["parent/add", {"a": 5, "b": 2}],
            ["parent/missing", None],
            ["parent/add", {"a": 6, "b": 2}],
            ["parent/add", [1, 2]],
        ]
        outcomes = await child.request("child/sequence", {"calls": rounds * 3}, timeout=30)
        expected = [
            ["ok", 3],
            ["error", int(ErrorCode.NOT_FOUND)],
            ["ok", 4],
            ["error", int(ErrorCode.INTERNAL)],
            ["ok", 5],
            ["ok", {"x": 3}],
            ["ok", 6],
            ["ok", "x" * 100_000],
            ["ok", 7],
            ["error", int(ErrorCode.METHOD_NOT_FOUND)],
            ["ok", 8],
            ["error", int(ErrorCode.INTERNAL)],  # add() indexes a list with a str: the handler crashes
        ]
        assert outcomes == expected * 3
        assert child.metrics.lingered > 0


async def test_requests_the_fast_decoder_refuses_are_still_answered_while_lingering() -> None:
    # The direct-read path decodes with msgspec typed to plain values (core.ipc.codec) and the linger skips the
    # str-key check on what it returns; bytes, bytes keys and deep nesting take msgpack-python and the general
    # path: the same replies as ever, including the InvalidRequest for params with a non-str key.
    async with parent() as p:

        @p.methods.method("parent/echo")
        def echo(params: Any) -> Any:
            return params

        deep: Any = {"leaf": 1}
        for _ in range(12):
            deep = {"down": [deep]}
        child = await p.connected_child(LINGER_ONLY)
        rounds = [
            ["parent/echo", {"a": 1}],
            ["parent/echo", {"blob": b"\x00\xff"}],
            ["parent/echo", {"a": 2}],
            ["parent/echo", {b"raw": 1}],
            ["parent/echo", {"a": 3}],
            ["parent/echo", {"deep": deep}],
            ["parent/echo", {"nested": {b"raw": 1}}],  # msgpack takes bytes keys below params; so does the peer
        ]
        outcomes = await child.request("child/sequence", {"calls": rounds * 3}, timeout=30)
        expected = [
            ["ok", {"a": 1}],
            ["ok", {"blob": b"\x00\xff"}],
            ["ok", {"a": 2}],
            ["error", int(ErrorCode.INVALID_REQUEST)],
            ["ok", {"a": 3}],
            ["ok", {"deep": deep}],
            ["ok", {"nested": {b"raw": 1}}],
        ]
        assert outcomes == expected * 3
        assert child.metrics.lingered > 0


async def test_rate_limit_applies_to_requests_answered_while_lingering() -> None:
    async with parent() as p:
        settings = IpcSettings(reply_poll_us=0, request_linger_us=10_000, rate_limit=RateLimit(rate=0.001, burst=5))
        child = await p.connected_child(settings)
        assert await child.request("child/flood", {"count": 30}) == {"ok": 5, "limited": 25}
        assert child.metrics.lingered > 0


async def test_lingering_off_never_reads_the_socket_itself() -> None:
    async with parent() as p:
        child = await p.connected_child(IpcSettings(request_linger_us=0))
        assert await child.request("child/flood", {"count": 20}) == {"ok": 20, "limited": 0}
        assert child.metrics.lingered == 0 and child.metrics.linger_misses == 0


async def test_lingering_still_lets_other_tasks_run() -> None:
    # While requests keep coming, one linger takes at most _LINGER_RUN of them before the event loop runs again.
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0)
            ticks += 1

    async with parent() as p:
        child = await p.connected_child(LINGER_ONLY)
        count = 10 * (_LINGER_RUN + 1)
        task = asyncio.create_task(ticker())
        await asyncio.sleep(0)
        ticks = 0
        assert await child.request("child/flood", {"count": count}) == {"ok": count, "limited": 0}
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        assert child.metrics.lingered > 0
        assert ticks >= count // (_LINGER_RUN + 1)


async def test_lingering_backs_off_when_the_next_request_comes_late() -> None:
    async with parent() as p:
        child = await p.connected_child(IpcSettings(reply_poll_us=0, request_linger_us=1000))
        # 20 ms between requests, 1 ms linger: every linger misses; each miss doubles the answers it skips, so
        # 10 answers linger about 3 times (calls 1, 4 and 9), not 10 (a heartbeat landing in a window may shift it).
        assert await child.request("child/paced", {"count": 10, "pause": 0.02}, timeout=30) == 10
        assert 1 <= child.metrics.linger_misses <= 5


class _Transport:
    def __init__(self, extra: dict[str, Any]) -> None:
        self.extra = extra

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.extra.get(name, default)


def test_only_non_blocking_fds_are_polled() -> None:
    # A blocking fd would hang the event loop on the first read: such a transport is never polled.
    a, b = socket.socketpair()
    try:
        assert _pollable_fd(_Transport({"socket": a})) == -1
        a.setblocking(False)
        assert _pollable_fd(_Transport({"socket": a})) == a.fileno()
        assert _pollable_fd(_Transport({})) == -1
        assert _pollable_fd(None) == -1
    finally:
        a.close()
        b.close()


def test_the_poll_and_linger_budgets_are_bounded() -> None:
    assert IpcSettings().reply_poll_us == 100 and IpcSettings().request_linger_us == 100
    with pytest.raises(ValidationError):
        IpcSettings(request_linger_us=-1)
    with pytest.raises(ValidationError):
        IpcSettings(request_linger_us=20_000)
    with pytest.raises(ValidationError):
        IpcSettings(reply_poll_us=-1)
    with pytest.raises(ValidationError):
        IpcSettings(reply_poll_us=20_000)
