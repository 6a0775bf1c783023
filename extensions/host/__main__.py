"""``python -m extensions.host --socket PATH [--name NAME] [--memory-limit-mb N]``: run an extension host.

Started by core's HostSupervisor with the token in ``$SYMPHONY_IPC_TOKEN``; exits when core closes the
connection (0), when core refuses the token (EXIT_AUTH) or when it runs out of memory (EXIT_MEMORY).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from core.errors import AuthenticationError, SymphonyError
from core.extensions.host_protocol import EXIT_AUTH
from core.ipc.security import AuthToken
from core.ipc.settings import IpcSettings
from core.ipc.transport import connect_unix, new_event_loop
from extensions.host.limits import apply_memory_limit
from extensions.host.runtime import HostRuntime


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The host's command line."""
    parser = argparse.ArgumentParser(prog="python -m extensions.host", description=__doc__)
    parser.add_argument("--socket", type=Path, required=True, help="core's IPC socket")
    parser.add_argument("--name", default="exthost", help="a name for logs")
    parser.add_argument("--memory-limit-mb", type=int, default=None, help="address-space limit (POSIX)")
    return parser.parse_args(argv)


HOST_IPC = IpcSettings(missed_heartbeats=75, request_timeout=None)
"""The host's side of the connection. Core's loop is the UI's, which may stall for a second or two (a huge
file, a long layout): the host waits 30 s of silence before presuming core dead (core gone closes the socket
anyway), while core still notices a hung host within 1.2 s. API calls have no deadline: many wait for the user
(a permission prompt, a quick pick)."""


async def serve(socket: Path, token: AuthToken, name: str) -> int:
    """Connect, then serve core until it closes the connection."""
    runtime = HostRuntime()
    try:
        peer = await connect_unix(socket, token=token, methods=runtime.methods, name=name, settings=HOST_IPC)
    except AuthenticationError as exc:
        print(f"extension host {name}: {exc}", file=sys.stderr)
        return EXIT_AUTH
    except SymphonyError as exc:
        print(f"extension host {name}: {exc}", file=sys.stderr)
        return 1
    await asyncio.shield(peer.closed)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    # Extension code that prints must not write into anything but our log.
    sys.stdout = sys.stderr
    logging.basicConfig(level=logging.WARNING, format=f"%(asctime)s {args.name} %(name)s: %(message)s")
    apply_memory_limit(args.memory_limit_mb)
    try:
        token = AuthToken.from_env()
    except AuthenticationError as exc:
        print(f"extension host: {exc}", file=sys.stderr)
        return EXIT_AUTH
    loop = new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(serve(args.socket, token, args.name))
    finally:
        loop.close()


if __name__ == "__main__":
    sys.exit(main())
