"""The Dask executor gives the same outputs as the local one for the same workflow (LocalCluster)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from core.orchestration import LocalExecutor, NodeSpec, NodeState, RunStatus, RunStore, Workflow, WorkflowRunner
from tests.core.orchestration.conftest import CALLABLES

distributed = pytest.importorskip("distributed")


def _double(value: int) -> int:
    return value * 2


WORKFLOW = Workflow(
    name="parity",
    nodes=tuple(
        NodeSpec.model_validate(n)
        for n in (
            {"id": "say", "kind": "shell", "command": "echo one two three"},
            {
                "id": "split",
                "kind": "python",
                "call": f"{CALLABLES}:split_words",
                "inputs": {"text": "say.stdout"},
                "outputs": {"words": "json", "count": "int"},
            },
            {
                "id": "double",
                "kind": "instrument",
                "target": "doubler",
                "inputs": {"value": "split.count"},
                "outputs": {"twice": "int"},
            },
            {
                "id": "sum",
                "kind": "python",
                "call": f"{CALLABLES}:add",
                "params": {"b": 0.5},
                "inputs": {"a": "double.twice"},
                "outputs": {"total": "float"},
            },
            {"id": "broken", "kind": "shell", "command": "exit 4", "after": ["say"]},
        )
    ),
)


@pytest.fixture
async def client() -> AsyncIterator[Any]:
    async with (
        distributed.LocalCluster(n_workers=2, processes=False, asynchronous=True, dashboard_address=None) as cluster,
        distributed.Client(cluster, asynchronous=True) as dask_client,
    ):
        yield dask_client


async def test_dask_and_local_executors_agree(client: Any, store: RunStore) -> None:
    from core.orchestration.dask_executor import DaskExecutor

    targets = {"doubler": _double}
    async with LocalExecutor(targets, workers=1) as local:
        on_local = await WorkflowRunner(WORKFLOW, store=store, executor=local).run()
    async with DaskExecutor(client=client, targets=targets) as dask:
        on_dask = await WorkflowRunner(WORKFLOW, store=store, executor=dask).run()
    assert on_local.status is on_dask.status is RunStatus.FAILED
    for node_id in ("say", "split", "double", "sum"):
        assert on_dask.outputs(node_id) == on_local.outputs(node_id), node_id
    assert on_dask.outputs("sum") == {"total": 6.5}
    assert on_dask.nodes["broken"].state is on_local.nodes["broken"].state is NodeState.FAILED
    assert "status 4" in (on_dask.nodes["broken"].error or "")


async def test_dask_executor_without_an_address_says_what_to_pass() -> None:
    from core.errors import UnsupportedError
    from core.orchestration.dask_executor import DaskExecutor

    with pytest.raises(UnsupportedError, match="scheduler address"):
        await DaskExecutor().start()
