"""The executor interface and the local executor (asyncio subprocesses, worker processes, threads).

An executor runs one attempt of one node and returns its outputs. Timeouts, retries, checkpoints and
ordering belong to the runner, so every executor gets them for free; an executor only has to stop its work
when the coroutine is cancelled.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from core.errors import UnsupportedError
from core.orchestration.calls import (
    NodeFailure,
    call_kwargs,
    map_outputs,
    run_python_blocking,
    shell_env,
    shell_outputs,
)
from core.orchestration.logs import MAX_LINE, LineBuffer, LogSink, attach_logs, capture
from core.orchestration.model import Isolation, NodeKind, NodeSpec
from core.orchestration.workers import WorkerProcessPool


@dataclass(frozen=True, slots=True)
class NodeTask:
    """One attempt of one node, with its inputs resolved."""

    run_id: str
    node: NodeSpec
    inputs: Mapping[str, Any]
    attempt: int
    log: LogSink | None = None
    """Where an executor that can stream output sends lines as they come (never pickled to other processes)."""


Target = Callable[..., Any]
"""A registered Instrument or Operator: called with the node's params and inputs as keyword arguments."""


class Executor(ABC):
    """Runs node attempts. Use as ``async with executor:`` so its workers are started and stopped."""

    name: str = "executor"

    def __init__(self, targets: Mapping[str, Target] | None = None) -> None:
        self.targets: dict[str, Target] = dict(targets or {})
        """Instruments and operators by name (validation checks node targets against these keys)."""

    async def start(self) -> None:  # noqa: B027 - optional hook
        """Acquire workers; the default has none to start."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release workers; the default has none to stop."""

    async def __aenter__(self) -> Executor:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @abstractmethod
    async def execute(self, task: NodeTask) -> dict[str, Any]:
        """Run one attempt; return the node's outputs or raise NodeFailure. Cancellation must stop the work."""


class LocalExecutor(Executor):
    """This machine: shell commands as asyncio subprocesses, python calls in killable worker processes."""

    name = "local"

    def __init__(self, targets: Mapping[str, Target] | None = None, *, workers: int | None = None) -> None:
        super().__init__(targets)
        self._workers = workers
        self._pool: WorkerProcessPool | None = None

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def execute(self, task: NodeTask) -> dict[str, Any]:
        node = task.node
        kind = NodeKind(node.kind)
        if kind is NodeKind.SHELL:
            return await self._shell(node, task.inputs, task.log)
        if kind is NodeKind.PYTHON:
            if node.isolation is Isolation.INLINE:
                return run_python_blocking(node, task.inputs)
            if node.isolation is Isolation.THREAD:
                return await asyncio.to_thread(run_python_blocking, node, task.inputs)
            if self._pool is None:
                self._pool = WorkerProcessPool(self._workers)
            return await self._pool.run(node, task.inputs)
        if kind in (NodeKind.INSTRUMENT, NodeKind.OPERATOR):
            return await self._target(node, task.inputs)
        raise UnsupportedError(f"node {node.id!r}: the local executor does not run {kind} nodes")

    async def _target(self, node: NodeSpec, inputs: Mapping[str, Any]) -> dict[str, Any]:
        assert node.target is not None
        function = self.targets.get(node.target)
        if function is None:
            raise NodeFailure(f"node {node.id!r}: no {node.kind} named {node.target!r} is registered")
        lines = LineBuffer()
        try:
            if asyncio.iscoroutinefunction(function):
                value = await function(**call_kwargs(node, inputs))
            else:
                value = await asyncio.to_thread(_call_capturing, function, call_kwargs(node, inputs), lines)
        except NodeFailure as failure:
            failure.data["logs"] = lines.result()
            raise
        except Exception as exc:
            raise NodeFailure(
                f"node {node.id!r}: {node.target} raised {type(exc).__name__}: {exc}", data={"logs": lines.result()}
            ) from exc
        return attach_logs(map_outputs(node, value), lines)

    async def _shell(self, node: NodeSpec, inputs: Mapping[str, Any], log: LogSink | None) -> dict[str, Any]:
        assert node.command is not None
        common: dict[str, Any] = {
            "cwd": node.cwd,
            "env": shell_env(node, inputs),
            "stdin": asyncio.subprocess.DEVNULL,
            "stdout": asyncio.subprocess.PIPE,
            "stderr": asyncio.subprocess.PIPE,
            # Own process group, so cancelling kills the command's children too (POSIX).
            "start_new_session": os.name == "posix",
        }
        try:
            if isinstance(node.command, str):
                process = await asyncio.create_subprocess_shell(node.command, **common)
            else:
                process = await asyncio.create_subprocess_exec(*node.command, **common)
        except OSError as exc:
            raise NodeFailure(f"node {node.id!r}: cannot start {node.command!r}: {exc.strerror}") from exc
        lines = LineBuffer()
        sink = log or lines.add  # streamed to the run as they come when the runner listens
        stdout, stderr = bytearray(), bytearray()
        assert process.stdout is not None and process.stderr is not None
        try:
            await asyncio.gather(
                _pump(process.stdout, "stdout", sink, stdout), _pump(process.stderr, "stderr", sink, stderr)
            )
            await process.wait()
        except BaseException:
            _kill_tree(process)
            with contextlib.suppress(ProcessLookupError):
                await process.wait()
            raise
        assert process.returncode is not None
        try:
            outputs = shell_outputs(node, process.returncode, bytes(stdout), bytes(stderr))
        except NodeFailure as failure:
            failure.data["logs"] = lines.result()
            raise
        return attach_logs(outputs, lines)


async def _pump(reader: asyncio.StreamReader, stream: str, sink: LogSink, collected: bytearray) -> None:
    """Copy a command's output into ``collected`` and hand each complete line to ``sink`` as it arrives."""
    partial = b""
    while chunk := await reader.read(65536):
        collected += chunk
        *complete, partial = (partial + chunk).split(b"\n")
        for line in complete:
            sink(stream, line.decode("utf-8", "replace"))
        if len(partial) > MAX_LINE * 4:  # a newline-free flood: emit it in pieces rather than hold it all
            sink(stream, partial.decode("utf-8", "replace"))
            partial = b""
    if partial:
        sink(stream, partial.decode("utf-8", "replace"))


def _call_capturing(function: Callable[..., Any], kwargs: dict[str, Any], lines: LineBuffer) -> Any:
    """Call a registered target in this worker thread, keeping the log records it emits."""
    with capture() as captured:
        try:
            return function(**kwargs)
        finally:
            for stream, text in captured.result():
                lines.add(stream, text)


def _kill_tree(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except ProcessLookupError:
        pass


__all__ = ["Executor", "LocalExecutor", "NodeTask", "Target"]
