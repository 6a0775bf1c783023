"""IPC round-trip benchmark: the Symphony peer over a Unix socket vs a raw blocking socketpair floor.

Run ``python -m benchmarks.ipc_rtt [--count N] [--pin CPU] [--reply-poll-us US] [--request-linger-us US]``.
Both run against a separate process in the same run, in interleaved blocks so background load hits both alike.
Prints ``name: value unit`` lines and ``ratio:`` last (Symphony p50 / floor p50). Goals (issue 5): ratio <= 1.5,
p99 <= 200 us, pipelined >= 50,000 msgs/s, 10 MiB payload >= 500 MB/s. The 10 MiB payload is measured twice: with
the default settings it travels by shared memory (``payload_10mib_mb_s``), and over the socket alone with
``shm_threshold=None``. ``*_cpu_us`` are CPU time per sequential round trip on the near side and
(``*server_cpu_us``, Linux) the far side: what reply polling (ipc.reply_poll_us) and lingering
(ipc.request_linger_us) cost; ``replies_polled`` counts replies caught by polling. The load average is printed so
that runs can be compared.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import msgpack  # type: ignore[import-untyped]

from core.errors import TransportError
from core.ipc.methods import MethodTable
from core.ipc.peer import RpcPeer
from core.ipc.security import AuthToken
from core.ipc.settings import IpcSettings
from core.ipc.transport import connect_unix, new_event_loop, serve_unix

HEADER = struct.Struct(">BBI")
PARAMS = {"seq": 0, "text": "hello", "flag": True}
BLOCK = 1000
PIPELINE_DEPTH = 64
BLOB_SIZE = 10 * 1024 * 1024 - 1024  # a 10 MiB frame, less the message envelope


# -- the far side: a separate process ------------------------------------------------------------------------


def serve_symphony(path: str, settings: IpcSettings) -> None:
    """Child process: accept one authenticated peer and answer bench/* until it closes."""
    token = AuthToken.from_env()
    methods = MethodTable()

    @methods.method("bench/ping")
    def ping(params: Any) -> Any:
        return params

    @methods.method("bench/size")
    def size(params: dict[str, Any]) -> int:
        return len(params["blob"])

    async def main() -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        live: set[RpcPeer] = set()

        def on_peer(peer: RpcPeer) -> None:
            live.add(peer)

            def gone(_: object) -> None:
                live.discard(peer)
                if not live and not done.done():
                    done.set_result(None)

            peer.closed.add_done_callback(gone)

        server = await serve_unix(
            Path(path),
            authenticate=lambda t: "bench" if token.matches(t) else None,
            on_peer=on_peer,
            methods=methods,
            settings=settings,
        )
        await done
        await server.close()

    loop = new_event_loop()
    loop.run_until_complete(main())


def serve_floor(fd: int) -> None:
    """Child process: echo length-prefixed messages on an inherited socket, blocking, until EOF."""
    sock = socket.socket(fileno=fd)
    recv, send = sock.recv, sock.sendall
    while True:
        header = recv(6, socket.MSG_WAITALL)
        if len(header) < 6:
            return
        body = recv(HEADER.unpack(header)[2], socket.MSG_WAITALL)
        send(header + body)


# -- the near side ------------------------------------------------------------------------------------------


def floor_block(sock: socket.socket, count: int, out: list[int]) -> None:
    """``count`` raw round trips: pack, send, receive, unpack (what any client must at least do)."""
    clock = time.perf_counter_ns
    packb, unpackb = msgpack.packb, msgpack.unpackb
    recv, send = sock.recv, sock.sendall
    for i in range(count):
        started = clock()
        body = packb({"jsonrpc": "2.0", "id": i, "method": "bench/ping", "params": PARAMS})
        send(HEADER.pack(1, 0, len(body)) + body)
        header = recv(6, socket.MSG_WAITALL)
        unpackb(recv(HEADER.unpack(header)[2], socket.MSG_WAITALL))
        out.append(clock() - started)


async def symphony_block(peer: RpcPeer, count: int, out: list[int]) -> None:
    """``count`` sequential Symphony requests."""
    clock = time.perf_counter_ns
    request = peer.request
    for _ in range(count):
        started = clock()
        await request("bench/ping", PARAMS)
        out.append(clock() - started)


async def pipelined(peer: RpcPeer, count: int) -> float:
    """Messages per second with PIPELINE_DEPTH requests in flight."""

    async def worker(n: int) -> None:
        for _ in range(n):
            await peer.request("bench/ping", PARAMS)

    share, extra = divmod(count, PIPELINE_DEPTH)
    started = time.perf_counter()
    await asyncio.gather(*(worker(share + (i < extra)) for i in range(PIPELINE_DEPTH)))
    return count / (time.perf_counter() - started)


async def connect_when_listening(path: Path, token: AuthToken, settings: IpcSettings | None = None) -> RpcPeer:
    """Connect once the server listens (its socket file exists from bind(), a moment before listen())."""
    for _ in range(200):
        try:
            return await connect_unix(path, token=token, name="bench", settings=settings)
        except TransportError:
            await asyncio.sleep(0.05)
    return await connect_unix(path, token=token, name="bench", settings=settings)


async def payload_rates(peer: RpcPeer, blob: bytes) -> list[float]:
    """MB/s of five requests carrying ``blob``, answered with its length."""
    rates = []
    for _ in range(5):
        started = time.perf_counter()
        assert await peer.request("bench/size", {"blob": blob}) == len(blob)
        rates.append(len(blob) / (time.perf_counter() - started) / 1e6)
    return rates


def on_cpu_ns(pid: int) -> int:
    """Nanoseconds process ``pid`` has run (Linux schedstat; 0 elsewhere, so the server figures read 0)."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def pct(samples: list[int], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] / 1000


async def run(count: int, settings: IpcSettings, linger_us: int | None) -> dict[str, float]:
    token = AuthToken.generate()
    runtime = Path(tempfile.mkdtemp(prefix="symphony-bench-"))
    os.chmod(runtime, 0o700)
    path = runtime / "bench.sock"
    env = token.child_env()
    linger = [] if linger_us is None else ["--request-linger-us", str(linger_us)]
    server = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.ipc_rtt", "--serve-symphony", str(path), *linger], env=env
    )
    near, far = socket.socketpair()
    floor = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.ipc_rtt", "--serve-floor", str(far.fileno())], pass_fds=[far.fileno()]
    )
    far.close()
    try:
        peer = await connect_when_listening(path, token, settings)
        # Warm up both paths, then measure in interleaved blocks.
        floor_block(near, 500, [])
        await symphony_block(peer, 500, [])
        floor_samples: list[int] = []
        symphony_samples: list[int] = []
        floor_cpu = symphony_cpu = 0.0
        floor_server_ns = symphony_server_ns = 0
        polled = peer.metrics.polled
        for _ in range(max(1, count // BLOCK)):
            started, far_started = time.thread_time(), on_cpu_ns(floor.pid)
            floor_block(near, BLOCK, floor_samples)
            floor_cpu += time.thread_time() - started
            floor_server_ns += on_cpu_ns(floor.pid) - far_started
            started, far_started = time.thread_time(), on_cpu_ns(server.pid)
            await symphony_block(peer, BLOCK, symphony_samples)
            symphony_cpu += time.thread_time() - started
            symphony_server_ns += on_cpu_ns(server.pid) - far_started
        polled = peer.metrics.polled - polled
        throughput = await pipelined(peer, count)
        blob = os.urandom(BLOB_SIZE)
        rates = await payload_rates(peer, blob)  # default settings: through shared memory (ipc.shm_threshold)
        socket_only = await connect_unix(path, token=token, name="bench", settings=IpcSettings(shm_threshold=None))
        socket_rates = await payload_rates(socket_only, blob)
        await socket_only.close()
        await peer.close()
    finally:
        near.close()
        for process in (server, floor):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        if path.exists():
            path.unlink()
        runtime.rmdir()
    return {
        "p50_us": pct(symphony_samples, 0.5),
        "p99_us": pct(symphony_samples, 0.99),
        "floor_p50_us": pct(floor_samples, 0.5),
        "floor_p99_us": pct(floor_samples, 0.99),
        "cpu_us": symphony_cpu / len(symphony_samples) * 1e6,
        "floor_cpu_us": floor_cpu / len(floor_samples) * 1e6,
        "replies_polled": polled / len(symphony_samples),
        "server_cpu_us": symphony_server_ns / len(symphony_samples) / 1000,
        "floor_server_cpu_us": floor_server_ns / len(floor_samples) / 1000,
        "throughput_msgs_s": throughput,
        "payload_10mib_mb_s": statistics.median(rates),
        "payload_10mib_socket_mb_s": statistics.median(socket_rates),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000, help="round trips per measurement (default 20000)")
    parser.add_argument(
        "--pin",
        type=int,
        metavar="CPU",
        help="pin every process (both pairs) to this CPU: removes cross-CPU wake-up noise on busy machines",
    )
    parser.add_argument(
        "--reply-poll-us",
        type=int,
        metavar="US",
        help="the near side's ipc.reply_poll_us (default: the setting's default; 0 turns polling off)",
    )
    parser.add_argument(
        "--request-linger-us",
        type=int,
        metavar="US",
        help="the serving side's ipc.request_linger_us (default: the setting's default; 0 turns lingering off)",
    )
    parser.add_argument("--serve-symphony", metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument("--serve-floor", metavar="FD", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_symphony:
        linger = args.request_linger_us
        serve_symphony(args.serve_symphony, IpcSettings() if linger is None else IpcSettings(request_linger_us=linger))
        return
    if args.serve_floor is not None:
        serve_floor(args.serve_floor)
        return
    if args.pin is not None:
        os.sched_setaffinity(0, {args.pin})  # inherited by both server processes
    loop = new_event_loop()
    try:
        settings = IpcSettings() if args.reply_poll_us is None else IpcSettings(reply_poll_us=args.reply_poll_us)
        figures = loop.run_until_complete(run(args.count, settings, args.request_linger_us))
    finally:
        loop.close()
    print(f"loop: {type(loop).__module__.split('.')[0]}")
    print(f"pinned_cpu: {'none' if args.pin is None else args.pin}")
    print(
        f"loadavg: {' '.join(Path('/proc/loadavg').read_text().split()[:3]) if Path('/proc/loadavg').exists() else '?'}"
    )
    print(f"reply_poll_us: {settings.reply_poll_us}")
    linger = IpcSettings().request_linger_us if args.request_linger_us is None else args.request_linger_us
    print(f"request_linger_us: {linger}")
    print(f"p50_us: {figures['p50_us']:.1f} us")
    print(f"p99_us: {figures['p99_us']:.1f} us")
    print(f"floor_p50_us: {figures['floor_p50_us']:.1f} us")
    print(f"floor_p99_us: {figures['floor_p99_us']:.1f} us")
    print(f"cpu_us: {figures['cpu_us']:.1f} us")
    print(f"floor_cpu_us: {figures['floor_cpu_us']:.1f} us")
    print(f"server_cpu_us: {figures['server_cpu_us']:.1f} us")
    print(f"floor_server_cpu_us: {figures['floor_server_cpu_us']:.1f} us")
    print(f"replies_polled: {figures['replies_polled']:.0%}")
    print(f"throughput_msgs_s: {figures['throughput_msgs_s']:.0f} msgs/s")
    print(f"payload_10mib_mb_s: {figures['payload_10mib_mb_s']:.0f} MB/s")
    print(f"payload_10mib_socket_mb_s: {figures['payload_10mib_socket_mb_s']:.0f} MB/s")
    print(f"ratio: {figures['p50_us'] / figures['floor_p50_us']:.2f}")


if __name__ == "__main__":
    main()
