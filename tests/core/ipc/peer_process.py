"""A real peer process for the IPC tests: ``python -m tests.core.ipc.peer_process (unix PATH | stdio)``.

It authenticates with the token in $SYMPHONY_IPC_TOKEN, serves the ``child/*`` methods below, can call the
parent's ``parent/*`` methods, and exits when the connection closes (status 3 if the handshake was refused).
"""

from __future__ import annotations

import asyncio
import hashlib
import sys
import time
from pathlib import Path
from typing import Any

from core.errors import RateLimitedError, SymphonyError
from core.ipc.methods import MethodTable, RequestContext
from core.ipc.peer import RpcPeer
from core.ipc.security import AuthToken
from core.ipc.transport import connect_pipes, connect_unix, new_event_loop, take_stdio

methods = MethodTable()
notes: list[int] = []
peer_box: list[RpcPeer] = []


@methods.method("child/echo")
def echo(params: Any) -> Any:
    return params


@methods.method("child/sleep")
async def sleep(params: dict[str, Any], ctx: RequestContext) -> str:
    try:
        await asyncio.sleep(params["seconds"])
    except asyncio.CancelledError:
        await ctx.peer.notify("parent/cancelled", {"id": ctx.request_id})
        raise
    return "slept"


@methods.method("child/progress")
async def progress(params: dict[str, Any], ctx: RequestContext) -> str:
    for i in range(params["count"]):
        await ctx.progress({"part": i})
    return "done"


@methods.method("child/ask_parent")
async def ask_parent(params: dict[str, Any], ctx: RequestContext) -> Any:
    return await ctx.peer.request("parent/add", params)


@methods.method("child/digest")
def digest(params: dict[str, Any]) -> dict[str, Any]:
    data = params["data"]  # large bytes arrive through shared memory, already taken by the connection
    return {"type": type(data).__name__, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


@methods.method("child/blob")
def blob(params: dict[str, Any]) -> bytes:
    return hashlib.sha256(b"seed").digest() * (params["size"] // 32)


@methods.method("child/flood")
async def flood(params: dict[str, Any], ctx: RequestContext) -> dict[str, int]:
    counts = {"ok": 0, "limited": 0}
    for _ in range(params["count"]):
        try:
            await ctx.peer.request("parent/noop")
            counts["ok"] += 1
        except RateLimitedError:
            counts["limited"] += 1
    return counts


@methods.method("child/sequence")
async def sequence(params: dict[str, Any], ctx: RequestContext) -> list[list[Any]]:
    """Sequential requests to the parent, each ``[method, params]``; each outcome ``["ok", result]`` or
    ``["error", code]`` (the parent answers them while lingering: tests of its direct-read path)."""
    outcomes: list[list[Any]] = []
    for method, call_params in params["calls"]:
        try:
            outcomes.append(["ok", await ctx.peer.request(method, call_params)])
        except SymphonyError as exc:
            outcomes.append(["error", int(exc.code)])
    return outcomes


@methods.method("child/paced")
async def paced(params: dict[str, Any], ctx: RequestContext) -> int:
    """Sequential requests to the parent, ``pause`` seconds apart (the parent's linger runs out between them)."""
    for _ in range(params["count"]):
        await ctx.peer.request("parent/noop")
        await asyncio.sleep(params["pause"])
    return int(params["count"])


@methods.notification("child/block")
def block(params: dict[str, Any]) -> None:
    time.sleep(params["seconds"])  # deliberately blocks the loop: a stalled reader


@methods.notification("child/note")
def note(params: dict[str, Any]) -> None:
    notes.append(len(params["data"]))


@methods.method("child/notes")
def count_notes(params: Any) -> dict[str, int]:
    return {"count": len(notes), "bytes": sum(notes)}


async def main(argv: list[str]) -> int:
    token = AuthToken.from_env()
    try:
        if argv[0] == "unix":
            peer = await connect_unix(Path(argv[1]), token=token, methods=methods, name="test-child")
        else:
            reader, writer = take_stdio()
            peer = await connect_pipes(reader, writer, role="connect", token=token, methods=methods, name="test-child")
    except SymphonyError as exc:
        print(f"refused: {type(exc).__name__}: {exc.message}", file=sys.stderr)
        return 3
    await peer.closed
    return 0


if __name__ == "__main__":
    loop = new_event_loop()
    try:
        sys.exit(loop.run_until_complete(main(sys.argv[1:])))
    finally:
        loop.close()
