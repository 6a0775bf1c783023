"""The Dask executor: the same nodes as the local executor, run on a dask.distributed cluster.

Optional: install the ``dask`` extra (``dask[distributed]``). Python and shell nodes run on workers through
the same functions the local executor uses (core.orchestration.calls), so a workflow gives the same outputs on
both. Instruments and operators are registered callables: they are shipped to workers with cloudpickle.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from core.errors import UnsupportedError
from core.orchestration.calls import (
    NodeFailure,
    call_kwargs,
    invoke,
    map_outputs,
    run_python_blocking,
    run_shell_blocking,
)
from core.orchestration.executor import Executor, NodeTask, Target
from core.orchestration.model import NodeKind, NodeSpec

if TYPE_CHECKING:
    from distributed import Client


def _run_target(node: NodeSpec, function: Target, inputs: Mapping[str, Any]) -> dict[str, Any]:
    try:
        value = invoke(function, call_kwargs(node, inputs))
    except NodeFailure:
        raise
    except Exception as exc:
        raise NodeFailure(f"node {node.id!r}: {node.target} raised {type(exc).__name__}: {exc}") from exc
    return map_outputs(node, value)


class DaskExecutor(Executor):
    """Runs attempts as Dask futures on ``address`` (a scheduler) or on a given asynchronous Client."""

    name = "dask"

    def __init__(
        self,
        address: str | None = None,
        *,
        client: Client | None = None,
        targets: Mapping[str, Target] | None = None,
    ) -> None:
        super().__init__(targets)
        self.address = address
        self._client = client
        self._owns_client = client is None

    async def start(self) -> None:
        if self._client is not None:
            return
        try:
            from distributed import Client
        except ImportError as exc:
            raise UnsupportedError(
                "the Dask executor needs dask.distributed, which is not installed",
                hint="Install it with `pip install 'symphony-tui[dask]'`, or use --executor local.",
            ) from exc
        if self.address is None:
            raise UnsupportedError(
                "the Dask executor needs a scheduler address", hint="Pass --dask-scheduler tcp://HOST:8786."
            )
        self._client = await Client(self.address, asynchronous=True)  # type: ignore[no-untyped-call]

    async def close(self) -> None:
        if self._client is not None and self._owns_client:
            await self._client.close()  # type: ignore[no-untyped-call]
            self._client = None

    async def execute(self, task: NodeTask) -> dict[str, Any]:
        if self._client is None:
            await self.start()
        assert self._client is not None
        node, inputs = task.node, dict(task.inputs)
        kind = NodeKind(node.kind)
        key = f"{task.run_id}-{node.id}-{task.attempt}"
        if kind is NodeKind.SHELL:
            future = self._client.submit(run_shell_blocking, node, inputs, key=key, pure=False)
        elif kind is NodeKind.PYTHON:
            future = self._client.submit(run_python_blocking, node, inputs, key=key, pure=False)
        elif kind in (NodeKind.INSTRUMENT, NodeKind.OPERATOR):
            assert node.target is not None
            function = self.targets.get(node.target)
            if function is None:
                raise NodeFailure(f"node {node.id!r}: no {node.kind} named {node.target!r} is registered")
            future = self._client.submit(_run_target, node, function, inputs, key=key, pure=False)
        else:
            raise UnsupportedError(f"node {node.id!r}: the Dask executor does not run {kind} nodes")
        try:
            result: dict[str, Any] = await future
        except BaseException:
            if not future.done():  # type: ignore[no-untyped-call]
                await future.cancel(force=True)  # type: ignore[no-untyped-call]
            raise
        return result


__all__ = ["DaskExecutor"]
