"""``symphony ipc stats``: an IPC self-test whose per-connection metrics are printed as the bus recorded them.

A CLI cannot read the counters of another running Symphony (they live in its memory; the IDE shows them in
"Developer: IPC Statistics"), so this command measures this machine instead: it starts a bus on a private socket
in the runtime dir, spawns ``python -m core.ipc.selftest`` with a one-time token, makes ``--rounds`` requests
each way plus one 2 MiB payload (shared memory), and prints the metrics table (or ``--json``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from core.errors import SymphonyError, TransportError

PAYLOAD = 2 * 1024 * 1024


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="symphony ipc", description="Inspect Symphony's IPC.")
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    stats = sub.add_parser(
        "stats",
        help="run an IPC self-test against a spawned peer and print per-connection metrics",
        description=__doc__.splitlines()[2].strip() if __doc__ else None,
    )
    stats.add_argument("--rounds", type=int, default=1000, help="requests each way (default 1000)")
    stats.add_argument("--json", action="store_true", help="print the metrics as JSON")
    return parser


async def self_test(rounds: int) -> dict[str, dict[str, Any]]:
    """Bus <-> spawned selftest peer: ``rounds`` requests each way and one shared-memory payload; the bus's stats."""
    from core.ipc.bus import Bus, Connection, ConnectionEvent
    from core.paths import runtime_dir

    bus = Bus()
    path = runtime_dir() / f"selftest-{os.getpid()}.sock"
    await bus.serve(path)
    connected: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def authenticated(event: ConnectionEvent, conn: Connection) -> None:
        if event is ConnectionEvent.AUTHENTICATED and not connected.done():
            connected.set_result(None)

    bus.on_event(authenticated)
    env = bus.issue_token("selftest").child_env()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "core.ipc.selftest", str(path), env=env, stdin=asyncio.subprocess.DEVNULL
    )
    try:
        try:
            await asyncio.wait_for(connected, timeout=30)
        except TimeoutError:
            raise TransportError(
                "the IPC self-test peer did not connect within 30 s",
                hint="Run `symphony doctor`: the runtime dir or Python environment may be broken.",
            ) from None
        conn = bus.find("selftest")
        assert conn is not None
        for i in range(rounds):
            await conn.peer.request("selftest/echo", {"seq": i, "text": "hello"})
        assert await conn.peer.request("selftest/call_back", {"rounds": rounds}) == rounds
        assert await conn.peer.request("selftest/size", {"data": os.urandom(PAYLOAD)}) == PAYLOAD
        return bus.stats()
    finally:
        await bus.close()
        try:
            await asyncio.wait_for(process.wait(), timeout=10)
        except TimeoutError:
            process.kill()
            await process.wait()


def main(argv: Sequence[str], *, out: TextIO | None = None) -> int:
    """Run ``symphony ipc ...``; returns the exit status."""
    from core.ipc.metrics import format_stats
    from core.ipc.transport import new_event_loop

    out = out or sys.stdout
    args = _parser().parse_args(list(argv))
    if args.rounds < 1:
        print("error: --rounds must be at least 1", file=sys.stderr)
        return 1
    loop = new_event_loop()
    try:
        stats = loop.run_until_complete(self_test(args.rounds))
    except SymphonyError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"hint: {exc.hint}", file=sys.stderr)
        return 1
    finally:
        loop.close()
    if args.json:
        print(json.dumps(stats, indent=2, sort_keys=True), file=out)
    else:
        print(format_stats(stats), file=out)
        print(
            f"\nself-test: {args.rounds} requests each way and one {PAYLOAD // (1024 * 1024)} MiB payload (shared "
            "memory) between this process and a spawned peer; latencies are histogram bucket bounds in µs. "
            "The running IDE's connections: Developer: IPC Statistics.",
            file=out,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
