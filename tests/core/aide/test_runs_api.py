"""RunsApi: workflow runs served to extensions through ExtensionApi, behind the ``workflows`` capability."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.aide.runs_api import METHODS, RunsApi
from core.errors import InvalidParamsError, NotFoundError, PermissionDeniedError
from core.extensions import ExtensionApi, HeadlessUi
from core.orchestration import LocalExecutor, NodeSpec, RunStore, Workflow, WorkflowRunner
from extensions.sdk.api import METHODS as SDK_METHODS
from tests.core.extensions.test_api import RecordingGate, spec


def make(tmp_path: Path, allowed: set[str]) -> tuple[ExtensionApi, RunsApi, RecordingGate]:
    gate = RecordingGate(allowed)
    capabilities = {name: SDK_METHODS[name].capability for name in METHODS}
    api = ExtensionApi(ui=HeadlessUi(), gate=gate, capabilities=capabilities)
    runs = RunsApi(tmp_path / "runs.db", tmp_path / "artifacts")
    for method, handler in runs.handlers().items():
        api.add_method(method, handler)
    return api, runs, gate


async def finished_run(runs: RunsApi) -> str:
    store = RunStore(runs.runs_db)
    workflow = Workflow(name="w", nodes=(NodeSpec(id="a", kind="shell", command="echo one; echo two"),))
    try:
        async with LocalExecutor() as executor:
            return (await WorkflowRunner(workflow, store=store, executor=executor).run()).run_id
    finally:
        store.close()


def test_every_served_method_needs_the_workflows_capability() -> None:
    assert {SDK_METHODS[name].capability for name in METHODS} == {"workflows"}


async def test_runs_are_refused_before_anything_is_read_without_the_capability(tmp_path: Path) -> None:
    api, _, gate = make(tmp_path, allowed=set())
    with pytest.raises(PermissionDeniedError):
        await api.call(spec(capabilities=("workflows",)), "runs.recent", {})
    assert gate.checks == [("t.ext", "workflows", "runs.recent")]
    assert not (tmp_path / "runs.db").exists()


async def test_runs_graph_and_log_tail_reach_an_allowed_extension(tmp_path: Path) -> None:
    api, runs, _ = make(tmp_path, allowed={"workflows"})
    ext = spec(capabilities=("workflows",))
    assert await api.call(ext, "runs.recent", {}) == []  # no database yet: nothing, not an error
    run_id = await finished_run(runs)
    [listed] = await api.call(ext, "runs.recent", {"limit": 5})
    assert (listed["run_id"], listed["status"], listed["counts"]) == (run_id, "succeeded", {"succeeded": 1})
    view = await api.call(ext, "runs.get", {"run_id": run_id})
    assert [(n["id"], n["state"], n["needs"]) for n in view["nodes"]] == [("a", "succeeded", [])]
    tail = await api.call(ext, "runs.logs", {"run_id": run_id, "node": "a", "limit": 1})
    assert tail == [{"node": "a", "attempt": 1, "stream": "stdout", "text": "two"}]


@pytest.mark.parametrize(
    ("method", "params", "error"),
    [
        ("runs.get", {"run_id": "run-missing"}, NotFoundError),
        ("runs.get", {"run_id": 7}, InvalidParamsError),
        ("runs.logs", {"run_id": "r", "limit": 0}, InvalidParamsError),
        ("runs.logs", {"run_id": "r", "node": 3}, InvalidParamsError),
        ("runs.decide", {"run_id": "r", "node": "a", "action": "maybe"}, InvalidParamsError),
        ("runs.decide", {"run_id": "r", "node": "a", "action": "go"}, NotFoundError),
        ("runs.search_artifacts", {"query": ["x"]}, InvalidParamsError),
    ],
)
async def test_bad_requests_get_typed_errors(
    tmp_path: Path, method: str, params: dict[str, Any], error: type[Exception]
) -> None:
    api, runs, _ = make(tmp_path, allowed={"workflows"})
    RunStore(runs.runs_db).close()
    with pytest.raises(error):
        await api.call(spec(capabilities=("workflows",)), method, params)
