"""Runs a real child peer process (tests/core/ipc/peer_process.py) against a parent listening on a Unix socket."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from core.ipc.methods import MethodTable
from core.ipc.peer import RpcPeer
from core.ipc.security import AuthToken, TokenRegistry
from core.ipc.settings import IpcSettings
from core.ipc.transport import UnixServer, serve_unix
from core.paths import runtime_dir

ROOT = Path(__file__).resolve().parents[3]


class Parent:
    """The parent side: its method table, the child process and the authenticated peer for it."""

    def __init__(self) -> None:
        self.methods = MethodTable()
        self.cancelled: asyncio.Queue[Any] = asyncio.Queue()
        self.peers: asyncio.Queue[RpcPeer] = asyncio.Queue()
        self.registry = TokenRegistry()
        self.server: UnixServer | None = None
        self.process: asyncio.subprocess.Process | None = None
        """The child spawned last."""
        self._spawned: list[asyncio.subprocess.Process] = []

        @self.methods.method("parent/add")
        def add(params: dict[str, int]) -> int:
            return params["a"] + params["b"]

        @self.methods.method("parent/noop")
        def noop(params: Any) -> None:
            return None

        @self.methods.notification("parent/cancelled")
        def cancelled(params: dict[str, Any]) -> None:
            self.cancelled.put_nowait(params["id"])

    async def spawn(self, *args: str, token: AuthToken) -> asyncio.subprocess.Process:
        env = token.child_env()
        env["PYTHONPATH"] = str(ROOT)
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.core.ipc.peer_process",
            *args,
            env=env,
            cwd=ROOT,
            stdin=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        self._spawned.append(self.process)
        return self.process

    async def connected_child(self, settings: IpcSettings | None = None) -> RpcPeer:
        """Listen, spawn the child with a fresh token and return the authenticated peer."""
        path = runtime_dir() / f"t{os.getpid()}.sock"
        self.server = await serve_unix(
            path,
            authenticate=self.registry.redeem,
            on_peer=self.peers.put_nowait,
            methods=self.methods,
            settings=settings,
        )
        await self.spawn("unix", str(path), token=self.registry.issue("child-1"))
        return await asyncio.wait_for(self.peers.get(), timeout=20)

    async def close(self) -> None:
        for process in self._spawned:
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
            assert process.stderr is not None
            await process.stderr.read()  # drain, so the transport closes while the loop still runs
            await process.wait()
        if self.server is not None:
            await self.server.close()


@contextlib.asynccontextmanager
async def parent() -> AsyncIterator[Parent]:
    harness = Parent()
    try:
        yield harness
    finally:
        await harness.close()
