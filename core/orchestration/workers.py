"""Worker processes for python nodes: reused between calls, killed (and replaced) on timeout or cancel.

The standard ProcessPoolExecutor cannot stop a running call, so a timed-out node would hold a worker
forever; here each worker runs one call at a time over a pipe, and cancelling the call kills that worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import multiprocessing.connection
import os
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing.context import SpawnProcess
from typing import Any

from core.errors import CancelledError
from core.orchestration.calls import NodeFailure, run_python_blocking
from core.orchestration.model import NodeSpec


def _worker_main(conn: multiprocessing.connection.Connection) -> None:
    """Loop of one worker process: receive (node, inputs), send ("ok", outputs) or ("error", failure)."""
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        node, inputs = job
        try:
            conn.send(("ok", run_python_blocking(node, inputs, streams=True)))  # one node at a time here
        except NodeFailure as failure:
            conn.send(("error", (failure.message, failure.hint, failure.data)))
        except BaseException as exc:  # anything a user callable throws must reach the engine
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            conn.send(("error", (f"node {node.id!r}: worker failed: {detail}", None, {"node": node.id})))


@dataclass(slots=True)
class _Worker:
    process: SpawnProcess
    conn: multiprocessing.connection.Connection


class WorkerProcessPool:
    """Up to ``size`` spawned worker processes; :meth:`run` hands one call to an idle worker."""

    def __init__(self, size: int | None = None) -> None:
        self.size = size or max(1, min(8, os.cpu_count() or 1))
        self._context = multiprocessing.get_context("spawn")
        self._idle: list[_Worker] = []
        self._count = 0
        self._available = asyncio.Condition()
        self._closed = False

    async def run(self, node: NodeSpec, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """Run ``node`` in a worker; cancelling this coroutine kills the worker and raises CancelledError."""
        worker = await self._acquire()
        healthy = False
        try:
            worker.conn.send((node, dict(inputs)))
            status, payload = await asyncio.to_thread(_receive, worker.conn)
            healthy = True
        finally:
            await self._release(worker, healthy)
        if status == "ok":
            result: dict[str, Any] = payload
            return result
        if status == "died":
            raise NodeFailure(f"node {node.id!r}: the worker process died (exit code {worker.process.exitcode})")
        message, hint, data = payload
        raise NodeFailure(message, hint=hint, data=data)

    async def close(self) -> None:
        """Stop every worker; calls still running are killed."""
        self._closed = True
        for worker in self._idle:
            _stop(worker, graceful=True)
        self._idle.clear()

    async def _acquire(self) -> _Worker:
        async with self._available:
            while True:
                if self._closed:
                    raise CancelledError("the worker pool is closed")
                if self._idle:
                    return self._idle.pop()
                if self._count < self.size:
                    self._count += 1
                    break
                await self._available.wait()
        try:
            return await asyncio.to_thread(self._spawn)
        except BaseException:
            async with self._available:
                self._count -= 1
                self._available.notify()
            raise

    async def _release(self, worker: _Worker, healthy: bool) -> None:
        if not healthy or self._closed or not worker.process.is_alive():
            _stop(worker, graceful=False)
        async with self._available:
            if healthy and not self._closed and worker.process.is_alive():
                self._idle.append(worker)
            else:
                self._count -= 1
            self._available.notify()

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_worker_main, args=(child,), daemon=True, name="symphony-node-worker")
        process.start()
        child.close()
        return _Worker(process, parent)


def _receive(conn: multiprocessing.connection.Connection) -> tuple[str, Any]:
    try:
        message: tuple[str, Any] = conn.recv()
        return message
    except (EOFError, OSError):
        return ("died", None)


def _stop(worker: _Worker, *, graceful: bool) -> None:
    if graceful:
        with contextlib.suppress(OSError):
            worker.conn.send(None)
        worker.process.join(timeout=1)
    if worker.process.is_alive():
        worker.process.kill()
        worker.process.join(timeout=5)
    worker.conn.close()


__all__ = ["WorkerProcessPool"]
