"""The RPC peer against a real child process over real sockets and pipes (docs/ipc-protocol.md §3-§6)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from core.errors import MethodNotFoundError, NotFoundError, SymphonyTimeoutError, TransportError
from core.ipc.security import AuthToken
from core.ipc.settings import IpcSettings, RateLimit
from core.ipc.transport import connect_pipes
from tests.core.ipc.harness import ROOT, parent

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Unix sockets and signals")


async def test_requests_flow_both_ways_between_parent_and_child() -> None:
    async with parent() as p:
        child = await p.connected_child()
        assert child.identity == "child-1"
        assert await child.request("child/echo", {"x": [1, "two", None]}) == {"x": [1, "two", None]}
        assert await child.request("child/ask_parent", {"a": 2, "b": 40}) == 42
        with pytest.raises(MethodNotFoundError, match="child/missing"):
            await child.request("child/missing")
        assert child.metrics.latency.count == 3


async def test_cancelling_a_request_cancels_the_handler_task_in_the_child() -> None:
    async with parent() as p:
        child = await p.connected_child()
        call = asyncio.ensure_future(child.request("child/sleep", {"seconds": 30}))
        await asyncio.sleep(0.1)
        call.cancel()
        cancelled_id = await asyncio.wait_for(p.cancelled.get(), timeout=5)
        assert isinstance(cancelled_id, int)
        with pytest.raises(asyncio.CancelledError):
            await call


async def test_timeout_raises_and_tells_the_child_to_stop() -> None:
    async with parent() as p:
        child = await p.connected_child()
        with pytest.raises(SymphonyTimeoutError, match=r"child/sleep.*within 0.2 s"):
            await child.request("child/sleep", {"seconds": 30}, timeout=0.2)
        await asyncio.wait_for(p.cancelled.get(), timeout=5)
        assert await child.request("child/echo", [1]) == [1]  # the connection survives a timeout


async def test_progress_streams_partial_results_before_the_final_one() -> None:
    async with parent() as p:
        child = await p.connected_child()
        parts = [part async for part in child.stream("child/progress", {"count": 3})]
        assert parts == [{"part": 0}, {"part": 1}, {"part": 2}, "done"]


async def test_sigkilled_child_is_detected_within_two_seconds() -> None:
    async with parent() as p:
        child = await p.connected_child()
        assert p.process is not None
        pending = asyncio.ensure_future(child.request("child/sleep", {"seconds": 30}))
        await asyncio.sleep(0.05)
        p.process.send_signal(signal.SIGKILL)
        reason = await asyncio.wait_for(asyncio.shield(child.closed), timeout=2)
        assert isinstance(reason, TransportError)
        with pytest.raises(TransportError):
            await pending


async def test_hung_child_is_declared_dead_by_heartbeat_within_two_seconds() -> None:
    async with parent() as p:
        child = await p.connected_child()
        assert p.process is not None
        p.process.send_signal(signal.SIGSTOP)  # socket stays open: only the heartbeat can notice
        try:
            started = asyncio.get_running_loop().time()
            reason = await asyncio.wait_for(asyncio.shield(child.closed), timeout=2.5)
            assert asyncio.get_running_loop().time() - started <= 2.0
            assert isinstance(reason, TransportError)
            assert "presumed dead" in reason.message
        finally:
            p.process.send_signal(signal.SIGCONT)


async def test_child_with_a_wrong_token_is_refused_and_never_reaches_the_parent() -> None:
    async with parent() as p:
        await p.connected_child()  # the real child, so the server is up
        assert p.server is not None
        intruder = await p.spawn("unix", str(p.server.path), token=AuthToken.generate())
        assert await asyncio.wait_for(intruder.wait(), timeout=20) == 3
        assert intruder.stderr is not None
        assert b"AuthenticationError" in await intruder.stderr.read()
        assert p.peers.empty()


async def test_a_token_is_good_for_one_connection_only() -> None:
    async with parent() as p:
        await p.connected_child()
        assert p.server is not None
        assert len(p.registry) == 0  # redeemed by the first child


async def test_rate_limit_answers_excess_requests_with_a_rate_limit_error() -> None:
    async with parent() as p:
        child = await p.connected_child(IpcSettings(rate_limit=RateLimit(rate=0.001, burst=5)))
        counts = await child.request("child/flood", {"count": 20})
        assert counts == {"ok": 5, "limited": 15}  # the burst, then nothing: the bucket refills once in 1000 s
        assert await child.request("child/echo", ["still", "connected"]) == ["still", "connected"]


async def test_slow_reader_slows_the_writer_without_growing_memory() -> None:
    high = 256 * 1024
    settings = IpcSettings(write_buffer_high=high, write_buffer_low=64 * 1024, heartbeat_interval=2.0)
    async with parent() as p:
        child = await p.connected_child(settings)
        await child.notify("child/block", {"seconds": 1.0})
        chunk = b"x" * 64 * 1024
        sent = 0
        peak = 0

        async def produce() -> None:
            nonlocal sent, peak
            for _ in range(400):  # 25 MiB: far more than socket buffers plus the high-water mark
                await child.notify("child/note", {"data": chunk})
                sent += 1
                peak = max(peak, child.connection.write_buffer_size())

        producer = asyncio.ensure_future(produce())
        await asyncio.sleep(0.5)
        assert not producer.done(), "the writer should be waiting for the stalled reader"
        assert child.connection.write_paused
        assert sent < 400
        await asyncio.wait_for(producer, timeout=20)
        assert peak <= high + len(chunk) + 1024
        assert await child.request("child/notes") == {"count": 400, "bytes": 400 * len(chunk)}


async def test_ten_mebibyte_payload_round_trips_intact() -> None:
    async with parent() as p:
        child = await p.connected_child()
        blob = os.urandom(10 * 1024 * 1024 - 1024)  # 10 MiB frames, less the message envelope
        echoed = await child.request("child/echo", {"blob": blob}, timeout=20)
        assert echoed["blob"] == blob


def shm_segments() -> set[str]:
    return {p.name for p in Path("/dev/shm").glob("symphony_*")} if sys.platform == "linux" else set()


async def test_large_bytes_travel_by_shared_memory_both_ways_and_the_receiver_unlinks() -> None:
    # docs/ipc-protocol.md §4.4: bytes values of ipc.shm_threshold (1 MiB) or more leave only a handle in the frame.
    async with parent() as p:
        child = await p.connected_child()
        before = shm_segments()
        data = os.urandom(3 * 1024 * 1024)
        sent = child.metrics.bytes_out
        reply = await child.request("child/digest", {"data": data})
        assert reply == {"type": "bytes", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        assert child.metrics.bytes_out - sent < 1024  # the request frame carried a handle, not 3 MiB
        received = child.metrics.bytes_in
        blob = await child.request("child/blob", {"size": 2 * 1024 * 1024})
        assert blob == hashlib.sha256(b"seed").digest() * (2 * 1024 * 1024 // 32)
        assert child.metrics.bytes_in - received < 1024
        small = await child.request("child/digest", {"data": b"tiny"})
        assert small["size"] == 4
        assert shm_segments() == before  # every segment was taken and unlinked by its receiver


async def test_shared_memory_threshold_is_configurable_and_lifts_the_frame_limit() -> None:
    settings = IpcSettings(max_frame_size=64 * 1024, shm_threshold=32 * 1024)
    async with parent() as p:
        child = await p.connected_child(settings)
        data = os.urandom(1024 * 1024)  # 16x the frame limit: only possible through shared memory
        reply = await child.request("child/digest", {"data": data})
        assert reply["sha256"] == hashlib.sha256(data).hexdigest()


async def test_a_handle_the_receiver_cannot_take_is_dropped_with_an_error_reply() -> None:
    async with parent() as p:
        child = await p.connected_child()
        forged = {"$shm": "symphony_" + "0" * 24, "size": 10}
        with pytest.raises(NotFoundError, match="does not exist"):
            await child.request("child/digest", {"data": forged}, timeout=30)
        assert await child.request("child/echo", [1]) == [1]  # the connection survives


async def test_orderly_close_ends_the_child_cleanly() -> None:
    async with parent() as p:
        child = await p.connected_child()
        await child.close()
        assert await child.closed is None
        assert p.process is not None
        assert await asyncio.wait_for(p.process.wait(), timeout=10) == 0


async def test_stdio_pipes_carry_the_same_protocol() -> None:
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
        )
        assert await child.request("child/echo", {"via": "pipes"}) == {"via": "pipes"}
        await child.close()
        assert await asyncio.get_running_loop().run_in_executor(None, process.wait, 10) == 0
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        process.wait()
