"""The peer process of ``symphony ipc stats``: ``python -m core.ipc.selftest SOCKET`` (token in the environment).

It authenticates with the one-time token it was handed, answers ``selftest/echo`` and ``selftest/size`` (large
bytes arrive through shared memory), calls the bus back ``rounds`` times when asked to, and exits when the
connection closes. Having a real second process makes the statistics honest: every number crossed a socket.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from core.errors import SymphonyError
from core.ipc.methods import MethodTable, RequestContext
from core.ipc.security import AuthToken
from core.ipc.transport import connect_unix, new_event_loop

methods = MethodTable()


@methods.method("selftest/echo")
def echo(params: Any) -> Any:
    """Return what was sent."""
    return params


@methods.method("selftest/size")
def size(params: dict[str, Any]) -> int:
    """The length of ``params["data"]`` (bytes: through shared memory when large)."""
    return len(params["data"])


@methods.method("selftest/call_back")
async def call_back(params: dict[str, Any], ctx: RequestContext) -> int:
    """Make ``rounds`` requests to the other side (its ``bus/stats``), so latency is measured both ways."""
    for _ in range(int(params["rounds"])):
        await ctx.peer.request("bus/stats")
    return int(params["rounds"])


async def main(socket_path: str) -> int:
    """Connect, serve until the other side closes; exit status 3 if the handshake is refused."""
    try:
        peer = await connect_unix(Path(socket_path), token=AuthToken.from_env(), methods=methods, name="selftest")
    except SymphonyError as exc:
        print(f"selftest: {exc.message}", file=sys.stderr)
        return 3
    await peer.closed
    return 0


if __name__ == "__main__":
    loop = new_event_loop()
    try:
        sys.exit(loop.run_until_complete(main(sys.argv[1])))
    finally:
        loop.close()
