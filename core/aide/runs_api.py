"""Workflow runs and artifacts as the extension API serves them (``ctx.runs``), for the Harmony board.

Core reads the run database and the artifact store; extensions get plain data (a run's graph with node states,
a node's log tail, artifact search hits) after the ``workflows`` capability check that ExtensionApi does for
every method in the SDK table. Decisions (go/skip) reach only runs this process drives with a DecisionQueue
(registered in ``decisions``); for a run driven elsewhere the error says where to answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from core.errors import InvalidParamsError, NotFoundError
from core.orchestration.checkpoint import RunStore
from core.orchestration.conductor import Action, Decision, DecisionQueue

METHODS: Final = ("runs.recent", "runs.get", "runs.logs", "runs.decide", "runs.search_artifacts")
"""The API methods this module serves (names from extensions.sdk.api)."""
MAX_LOG_LINES: Final = 2000


class DecisionRegistry:
    """DecisionQueues of the Manual-mode runs this process drives, by run id."""

    def __init__(self) -> None:
        self._queues: dict[str, DecisionQueue] = {}

    def register(self, run_id: str, queue: DecisionQueue) -> Callable[[], None]:
        """Let the board answer ``run_id``'s pending decisions; returns the unregister function."""
        self._queues[run_id] = queue

        def unregister() -> None:
            if self._queues.get(run_id) is queue:
                del self._queues[run_id]

        return unregister

    def answer(self, run_id: str, node_id: str, decision: Decision) -> None:
        """Answer a pending decision; NotFoundError when this process does not drive the run or the node waits not."""
        queue = self._queues.get(run_id)
        if queue is None:
            raise NotFoundError(
                f"run {run_id} is not driven by this Symphony, so its decisions cannot be answered here",
                hint="Answer in the terminal running `symphony run --mode manual`, or start the run from Symphony.",
                data={"run": run_id},
            )
        try:
            queue.answer(run_id, node_id, decision)
        except KeyError:
            raise NotFoundError(
                f"node {node_id!r} of run {run_id} is not waiting for a decision", data={"run": run_id, "node": node_id}
            ) from None


def _text(params: dict[str, Any], key: str) -> str:
    value = params.get(key)
    if not isinstance(value, str) or not value:
        raise InvalidParamsError(f"{key!r} must be a non-empty string", data={"key": key})
    return value


def _limit(params: dict[str, Any], default: int, maximum: int) -> int:
    value = params.get("limit", default)
    if type(value) is not int or value < 1:
        raise InvalidParamsError("'limit' must be a positive integer", data={"key": "limit"})
    return min(value, maximum)


class RunsApi:
    """Serves the ``runs.*`` methods from the run database and artifact store at the given paths."""

    def __init__(
        self, runs_db: Path, artifacts_root: Path | None = None, *, decisions: DecisionRegistry | None = None
    ) -> None:
        self.runs_db = runs_db
        self.artifacts_root = artifacts_root
        self.decisions = decisions or DecisionRegistry()

    def handlers(self) -> dict[str, Callable[[Any, dict[str, Any]], Any]]:
        """``{method: async handler(spec, params)}`` for ExtensionApi.add_method (spec is unused: data is global)."""
        return {
            "runs.recent": self._list,
            "runs.get": self._get,
            "runs.logs": self._logs,
            "runs.decide": self._decide,
            "runs.search_artifacts": self._search,
        }

    # -- plain functions (also used directly by tests and the CLI) ------------------------------------------

    def list_runs(self, limit: int = 20) -> list[dict[str, Any]]:
        """Recent runs, newest first: id, workflow name, mode, status (``interrupted`` when its owner died)."""
        if not self.runs_db.exists():
            return []
        store = RunStore(self.runs_db)
        try:
            runs = store.list_runs(limit=limit)
        finally:
            store.close()
        return [
            {
                "run_id": run.run_id,
                "name": run.name,
                "mode": run.mode,
                "status": "interrupted" if run.interrupted else run.status.value,
                "counts": dict(run.counts),
                "created": run.created,
            }
            for run in runs
        ]

    def run_view(self, run_id: str) -> dict[str, Any]:
        """One run's graph: every node with kind, dependencies, state, attempts, timing and error."""
        store = RunStore(self.runs_db)
        try:
            record = store.load_run(run_id)
        finally:
            store.close()
        summary = record.summary
        nodes = []
        for node in record.workflow.nodes:
            state = record.nodes[node.id]
            nodes.append(
                {
                    "id": node.id,
                    "kind": str(node.kind),
                    "needs": sorted(node.dependencies()),
                    "prompt": node.prompt or "",
                    "state": state.state.value,
                    "attempts": state.attempts,
                    "started": state.started,
                    "finished": state.finished,
                    "error": state.error or "",
                }
            )
        return {
            "run_id": run_id,
            "name": summary.name,
            "mode": summary.mode,
            "status": "interrupted" if summary.interrupted else summary.status.value,
            "error": summary.error or "",
            "nodes": nodes,
        }

    def node_logs(self, run_id: str, node_id: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """The last ``limit`` captured lines of a run (one node's, if given), oldest first."""
        store = RunStore(self.runs_db)
        try:
            store.load_run(run_id)  # NotFoundError for an unknown run
            lines = store.logs(run_id, node_id)
        finally:
            store.close()
        return [
            {"node": line.node_id, "attempt": line.attempt, "stream": line.stream, "text": line.text}
            for line in lines[-limit:]
        ]

    def search_artifacts(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Artifact search hits with their catalogue data (newest first for an empty query)."""
        if self.artifacts_root is None or not self.artifacts_root.exists():
            return []
        from core.aide.artifacts import ArtifactStore
        from core.aide.search import ArtifactSearch

        store = ArtifactStore(self.artifacts_root)
        try:
            if query.strip():
                search = ArtifactSearch(store)
                search.refresh()
                digests = [hit.digest for hit in search.search(query, limit=limit)]
                infos = [store.info(d) for d in digests]
            else:
                infos = store.recent(limit=limit)
            return [
                {
                    "digest": info.digest,
                    "name": info.name,
                    "kind": info.kind,
                    "size": info.size,
                    "tags": list(info.tags),
                    "created": info.created,
                }
                for info in infos
            ]
        finally:
            store.close()

    # -- API handlers ----------------------------------------------------------------------------------------

    async def _list(self, spec: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
        return await asyncio.to_thread(self.list_runs, _limit(params, 20, 200))

    async def _get(self, spec: Any, params: dict[str, Any]) -> dict[str, Any]:
        return await asyncio.to_thread(self.run_view, _text(params, "run_id"))

    async def _logs(self, spec: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
        node = params.get("node")
        if node is not None and not isinstance(node, str):
            raise InvalidParamsError("'node' must be a string or absent", data={"key": "node"})
        limit = _limit(params, 200, MAX_LOG_LINES)
        return await asyncio.to_thread(self.node_logs, _text(params, "run_id"), node, limit)

    async def _decide(self, spec: Any, params: dict[str, Any]) -> None:
        action = params.get("action")
        if action not in (Action.GO.value, Action.SKIP.value):
            raise InvalidParamsError("'action' must be 'go' or 'skip'", data={"key": "action"})
        comment = params.get("comment", "")
        decision = Decision(Action(action), comment=comment if isinstance(comment, str) else "")
        self.decisions.answer(_text(params, "run_id"), _text(params, "node"), decision)

    async def _search(self, spec: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
        query = params.get("query", "")
        if not isinstance(query, str):
            raise InvalidParamsError("'query' must be a string", data={"key": "query"})
        return await asyncio.to_thread(self.search_artifacts, query, _limit(params, 20, 200))


__all__ = ["METHODS", "DecisionRegistry", "RunsApi"]
