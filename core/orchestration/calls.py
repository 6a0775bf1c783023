"""Turning a node into a call: resolve ``module:function``, invoke it, map its return value to outputs.

Shared by every executor (local, worker processes, Dask workers), so a node behaves the same wherever it runs.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import logging
import os
import subprocess
import traceback
from collections.abc import Callable, Mapping
from typing import Any

from core.errors import SymphonyError
from core.orchestration.logs import LOGS_KEY, attach_logs, capture, split_lines
from core.orchestration.model import NodeSpec

STDERR_TAIL_LINES = 20
"""How much of a failing command's stderr goes into the error message."""


class NodeFailure(SymphonyError):
    """A node's attempt failed (non-zero exit, exception in its callable, wrong outputs)."""

    default_hint = "See the node's error and log; fix the cause or raise its `retries`."

    def __reduce__(self) -> tuple[Any, ...]:
        # Keep hint and data when the failure crosses a process boundary (worker processes, Dask).
        return (_rebuild_failure, (self.message, self.hint, self.data))


def _rebuild_failure(message: str, hint: str, data: dict[str, Any]) -> NodeFailure:
    return NodeFailure(message, hint=hint, data=data)


def resolve_call(reference: str) -> Callable[..., Any]:
    """The callable named ``package.module:function`` (attributes may be dotted: ``mod:Class.method``)."""
    module_name, _, attribute = reference.partition(":")
    try:
        target: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise NodeFailure(
            f"cannot import module {module_name!r} for call {reference!r}: {exc}",
            hint="Check the module name and that it is importable (installed, or on PYTHONPATH).",
        ) from exc
    for part in attribute.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise NodeFailure(
                f"module {module_name!r} has no {attribute!r} (call {reference!r})", hint="Correct the call name."
            ) from None
    if not callable(target):
        raise NodeFailure(f"{reference!r} is not callable", hint="Point `call` at a function.")
    return target  # type: ignore[no-any-return]


def invoke(function: Callable[..., Any], kwargs: Mapping[str, Any]) -> Any:
    """Call ``function`` synchronously; coroutine functions get their own event loop."""
    result = function(**kwargs)
    if inspect.isawaitable(result):
        return asyncio.run(_await(result))
    return result


async def _await(awaitable: Any) -> Any:
    return await awaitable


def call_kwargs(node: NodeSpec, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword arguments for a call: params, overridden by inputs of the same name."""
    return {**node.params, **inputs}


def map_outputs(node: NodeSpec, value: Any) -> dict[str, Any]:
    """The node's outputs from a callable's return value.

    With one declared output the return value is that output; with several, the callable returns a mapping
    holding each of them; with none, the return value is ignored.
    """
    declared = list(node.outputs)
    if not declared:
        return {}
    if len(declared) == 1 and not (isinstance(value, Mapping) and declared[0] in value and len(value) == 1):
        return {declared[0]: value}
    if not isinstance(value, Mapping):
        raise NodeFailure(
            f"node {node.id!r} declares outputs {declared} but its call returned {type(value).__name__}",
            hint="Return a dict with one entry per declared output.",
        )
    missing = [name for name in declared if name not in value]
    if missing:
        raise NodeFailure(
            f"node {node.id!r} did not return outputs {missing}", hint="Return every declared output, or undeclare it."
        )
    return {name: value[name] for name in declared}


def shell_env(node: NodeSpec, inputs: Mapping[str, Any]) -> dict[str, str]:
    """The environment of a shell node: inputs arrive as ``SYMPHONY_IN_<NAME>`` (text as is, others as JSON).

    Passing inputs through the environment, never by pasting them into the command line, rules out injection.
    """
    env = dict(os.environ)
    env.update(node.env)
    for name, value in inputs.items():
        if isinstance(value, bytes):
            text = value.decode("utf-8", "replace")
        elif isinstance(value, str):
            text = value
        else:
            text = json.dumps(value)
        env[f"SYMPHONY_IN_{name.upper()}"] = text
    return env


def shell_outputs(node: NodeSpec, returncode: int, stdout: bytes, stderr: bytes) -> dict[str, Any]:
    """Outputs of a finished command, or NodeFailure with the tail of stderr when it exited non-zero."""
    if returncode != 0:
        tail = "\n".join(stderr.decode("utf-8", "replace").splitlines()[-STDERR_TAIL_LINES:])
        raise NodeFailure(
            f"node {node.id!r}: command exited with status {returncode}" + (f":\n{tail}" if tail else ""),
            data={"node": node.id, "returncode": returncode},
        )
    outputs: dict[str, Any] = {"stdout": stdout.decode("utf-8", "replace"), "returncode": returncode}
    return outputs


def run_shell_blocking(node: NodeSpec, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Run a shell node to completion in this thread (for executors whose workers are threads or hosts).

    Its stdout and stderr lines come back under LOGS_KEY (or in the failure's ``data["logs"]``).
    """
    assert node.command is not None
    completed = subprocess.run(
        node.command,
        shell=isinstance(node.command, str),
        cwd=node.cwd,
        env=shell_env(node, inputs),
        capture_output=True,
        check=False,
    )
    lines = split_lines("stdout", completed.stdout) + split_lines("stderr", completed.stderr)
    try:
        outputs = shell_outputs(node, completed.returncode, completed.stdout, completed.stderr)
    except NodeFailure as failure:
        failure.data["logs"] = lines
        raise
    return {**outputs, LOGS_KEY: lines} if lines else outputs


def run_python_blocking(node: NodeSpec, inputs: Mapping[str, Any], *, streams: bool = False) -> dict[str, Any]:
    """Run a python node to completion in this thread or process, capturing its log records.

    ``streams`` also captures stdout/stderr and lowers the root logger to INFO: only for processes that run
    one node at a time (the local executor's worker processes).
    """
    assert node.call is not None
    function = resolve_call(node.call)
    failure: NodeFailure | None = None
    with capture(streams=streams, level=logging.INFO if streams else None) as lines:
        try:
            value = invoke(function, call_kwargs(node, inputs))
        except NodeFailure as exc:
            failure = exc
        except Exception as exc:
            failure = NodeFailure(
                f"node {node.id!r}: {node.call} raised {type(exc).__name__}: {exc}", data={"node": node.id}
            )
            failure.__cause__ = exc
            for line in "".join(traceback.format_exception(exc)).splitlines():
                lines.add("stderr", line)
    if failure is not None:
        failure.data["logs"] = lines.result()
        raise failure
    return attach_logs(map_outputs(node, value), lines)


__all__ = [
    "NodeFailure",
    "call_kwargs",
    "invoke",
    "map_outputs",
    "resolve_call",
    "run_python_blocking",
    "run_shell_blocking",
    "shell_env",
    "shell_outputs",
]
