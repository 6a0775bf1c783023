"""WorkflowRunner: runs a workflow's DAG with concurrency limits, retries, timeouts, cancellation and checkpoints.

All state changes happen on one coroutine (:meth:`WorkflowRunner.run`) that reads events from a queue:
node attempts, decisions and cancel requests only post events. That keeps the bookkeeping free of locks and
makes a 10,000-node run cost a few tens of microseconds per node.
"""

from __future__ import annotations

import asyncio
import heapq
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from core.errors import CancelledError, SymphonyError, SymphonyTimeoutError
from core.orchestration.calls import NodeFailure
from core.orchestration.checkpoint import NodeRecord, RunStore
from core.orchestration.conductor import Action, Conductor, Decision, DecisionRequest
from core.orchestration.executor import Executor, NodeTask
from core.orchestration.logs import LOGS_KEY, LogSink
from core.orchestration.model import NodeKind, NodeSpec, Workflow
from core.orchestration.spill import ArtifactSink, is_reference, needs_spill, resolve_inputs, spill_outputs
from core.orchestration.state import NodeState, RunStatus
from core.orchestration.validation import validate_workflow

FLUSH_INTERVAL = 0.01
"""Longest time a finished node's state waits in memory before it is committed (so resume skips it)."""

MAX_BACKOFF = 60.0
"""Longest wait between two attempts, whatever the node's backoff and attempt number."""


@dataclass(frozen=True, slots=True)
class RunEvent:
    """A node changed state; sent to ``on_event`` listeners (progress displays, the Harmony board)."""

    run_id: str
    node_id: str
    state: NodeState
    attempt: int
    error: str | None = None


@dataclass(frozen=True, slots=True)
class RunResult:
    """How a run ended, with every node's final record."""

    run_id: str
    status: RunStatus
    nodes: dict[str, NodeRecord]

    def outputs(self, node_id: str) -> dict[str, Any]:
        """The outputs of a finished node."""
        return self.nodes[node_id].outputs


class ResourceGate:
    """Optional hook that holds a node until resources are granted (see core.aide.arbitration)."""

    async def acquire(self, run_id: str, node: NodeSpec) -> object:
        """Wait for the node's resources; the returned token is given back to :meth:`release`."""
        return None

    def release(self, token: object) -> None:
        """Give the resources back."""


class WorkflowRunner:
    """One run of one workflow. Create it, then ``await run()``; ``cancel``/``cancel_node`` from anywhere."""

    def __init__(
        self,
        workflow: Workflow,
        *,
        store: RunStore,
        executor: Executor,
        conductor: Conductor | None = None,
        max_concurrency: int | None = None,
        on_event: Callable[[RunEvent], None] | None = None,
        gate: ResourceGate | None = None,
        artifacts: ArtifactSink | None = None,
        run_id: str | None = None,
    ) -> None:
        validate_workflow(workflow, targets=executor.targets.keys() if executor.targets else None)
        self.workflow = workflow
        self.store = store
        self.executor = executor
        self.conductor = conductor or Conductor()
        self.max_concurrency = max_concurrency or workflow.max_concurrency
        self.on_event = on_event
        self.gate = gate
        self.artifacts = artifacts
        """Where large outputs go (see core.orchestration.spill); None keeps every output in the checkpoint."""
        self._nodes = workflow.by_id()
        self._records: dict[str, NodeRecord] = {}
        if run_id is None:
            self.run_id = store.create_run(workflow, mode=self.conductor.mode.value)
            self._records = {node_id: NodeRecord(node_id, NodeState.PENDING) for node_id in self._nodes}
        else:
            self.run_id = run_id
            store.set_status(run_id, RunStatus.RUNNING)  # this process owns the run now
            saved = store.load_run(run_id).nodes
            for node_id in self._nodes:
                record = saved.get(node_id, NodeRecord(node_id, NodeState.PENDING))
                if not record.state.kept_on_resume:
                    record = NodeRecord(node_id, NodeState.PENDING, attempts=0)
                    store.record_node(run_id, record)
                self._records[node_id] = record
        self._events: asyncio.Queue[tuple[Any, ...]] | None = None
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._cancelled_run = False
        self._early: list[tuple[Any, ...]] = []
        self.log_listeners: list[Callable[[str, str, str], None]] = []
        """Called with (node_id, stream, text) for every captured line, as it is stored (live log views)."""

    @classmethod
    def resume(
        cls,
        run_id: str,
        *,
        store: RunStore,
        executor: Executor,
        conductor: Conductor | None = None,
        max_concurrency: int | None = None,
        on_event: Callable[[RunEvent], None] | None = None,
        gate: ResourceGate | None = None,
        artifacts: ArtifactSink | None = None,
        workflow: Workflow | None = None,
    ) -> WorkflowRunner:
        """Continue a stored run: finished nodes keep their outputs, the rest run again.

        Pass ``workflow`` to resume with an edited definition (a fixed command, a new node): nodes whose
        definition changed, and every node downstream of them, run again; unchanged finished nodes are kept.
        """
        stored = store.load_run(run_id)
        if workflow is None:
            workflow = stored.workflow
        else:
            validate_workflow(workflow, targets=executor.targets.keys() if executor.targets else None)
            before = stored.workflow.by_id()
            changed = {node.id for node in workflow.nodes if before.get(node.id) != node}
            for node_id in downstream(workflow, changed):
                store.record_node(run_id, NodeRecord(node_id, NodeState.PENDING))
            store.replace_workflow(run_id, workflow)
            store.flush()
        return cls(
            workflow,
            store=store,
            executor=executor,
            conductor=conductor,
            max_concurrency=max_concurrency,
            on_event=on_event,
            gate=gate,
            artifacts=artifacts,
            run_id=run_id,
        )

    @property
    def records(self) -> dict[str, NodeRecord]:
        """Every node's current record (a copy)."""
        return dict(self._records)

    # -- control from outside (any coroutine on the same loop) --

    def cancel(self) -> None:
        """Cancel the whole run: running attempts are stopped, nothing new starts."""
        self._post(("cancel_run",))

    def cancel_node(self, node_id: str) -> None:
        """Cancel one node (running or not yet run); nodes depending on it are blocked."""
        if node_id not in self._nodes:
            raise KeyError(node_id)
        self._post(("cancel", node_id))

    def _post(self, event: tuple[Any, ...]) -> None:
        if self._events is None:
            self._early.append(event)  # handled as soon as run() starts
            return
        self._events.put_nowait(event)

    # -- the run --

    async def run(self) -> RunResult:
        """Run to the end; returns the final states. Cancelling this coroutine cancels the run."""
        self._events = asyncio.Queue()
        self._live: set[asyncio.Task[None]] = set()
        self._last_flush = 0.0
        self._flush_timer: asyncio.TimerHandle | None = None
        history = self.store.node_history(self.workflow.name)
        self._rank = self.conductor.policy.prepare(self.workflow, history)
        self._heap: list[tuple[float, int, str]] = []
        self._serial = 0
        self._running = 0
        self._effective: dict[str, NodeSpec] = {}
        self._dependents: dict[str, list[str]] = {node_id: [] for node_id in self._nodes}
        self._waiting: dict[str, int] = {}
        for node in self._nodes.values():
            for dep in node.dependencies():
                self._dependents[dep].append(node.id)
        unfinished = 0
        ready = []
        for node_id, node in self._nodes.items():
            if self._records[node_id].state.kept_on_resume:
                continue
            unfinished += 1
            self._waiting[node_id] = sum(
                1 for dep in node.dependencies() if not self._records[dep].state.kept_on_resume
            )
            if self._waiting[node_id] == 0:
                ready.append(node_id)
        self._unfinished = unfinished
        try:
            for event in self._early:
                self._handle(event)
            for node_id in ready:
                if self._records[node_id].state is NodeState.PENDING:
                    self._became_ready(node_id)
            while self._unfinished > 0:
                self._start_queued()
                self._flush_soon()
                event = await self._events.get()
                self._handle(event)
                while not self._events.empty() and self._unfinished > 0:
                    self._start_queued()
                    self._handle(self._events.get_nowait())
        except BaseException:
            self._cancelled_run = True
            self._cancel_all()
            for task in list(self._live):
                task.cancel()
            await asyncio.gather(*self._live, return_exceptions=True)
            for node_id, record in self._records.items():
                if not record.state.finished:  # attempts stopped above; their "done" events are not read
                    self._set(node_id, NodeState.CANCELLED, error="the runner was stopped", finished=time.time())
            self.store.set_status(self.run_id, RunStatus.CANCELLED, "the runner was stopped")
            raise
        # Attempts cancelled while queued behind the gate finish here; their nodes are already settled.
        await asyncio.gather(*self._live, return_exceptions=True)
        self._flush()
        status = self._final_status()
        error = next((r.error for r in self._records.values() if r.state is NodeState.FAILED), None)
        self.store.set_status(self.run_id, status, error)
        return RunResult(self.run_id, status, dict(self._records))

    def _flush_soon(self) -> None:
        """Commit buffered node states at most every FLUSH_INTERVAL, and always within it."""
        now = time.monotonic()
        if now - self._last_flush >= FLUSH_INTERVAL:
            self._flush()
        elif self._flush_timer is None:
            self._flush_timer = asyncio.get_running_loop().call_later(FLUSH_INTERVAL, self._flush)

    def _flush(self) -> None:
        if self._flush_timer is not None:
            self._flush_timer.cancel()
            self._flush_timer = None
        self.store.flush()
        self._last_flush = time.monotonic()

    def _final_status(self) -> RunStatus:
        states = {record.state for record in self._records.values()}
        if self._cancelled_run or NodeState.CANCELLED in states:
            return RunStatus.CANCELLED
        if states & {NodeState.FAILED, NodeState.BLOCKED}:
            return RunStatus.FAILED
        return RunStatus.SUCCEEDED

    def _set(self, node_id: str, state: NodeState, **changes: Any) -> NodeRecord:
        old = self._records[node_id]
        # Built field by field: dataclasses.replace costs more than the rest of a state change.
        record = NodeRecord(
            node_id,
            state,
            changes.get("attempts", old.attempts),
            changes.get("outputs", old.outputs),
            changes.get("error", old.error),
            changes.get("started", old.started),
            changes.get("finished", old.finished),
        )
        self._records[node_id] = record
        self.store.record_node(self.run_id, record)
        if self.on_event is not None:
            self.on_event(RunEvent(self.run_id, node_id, state, record.attempts, record.error))
        return record

    def _inputs(self, node: NodeSpec) -> dict[str, Any]:
        return {name: self._records[spec.node].outputs.get(spec.output) for name, spec in node.inputs.items()}

    def _became_ready(self, node_id: str) -> None:
        node = self._nodes[node_id]
        if self._cancelled_run:
            self._finish(node_id, NodeState.CANCELLED)
            return
        if any(self._records[spec.node].state is NodeState.SKIPPED for spec in node.inputs.values()):
            self._finish(node_id, NodeState.SKIPPED, error="a node it takes inputs from was skipped")
            return
        if self.conductor.needs_person(node):
            self._set(node_id, NodeState.WAITING)
            request = DecisionRequest(self.run_id, node, self._inputs(node))
            self._track(node_id, asyncio.create_task(self._decide(request), name=f"decide:{node_id}"))
            return
        self._enqueue(node_id)

    def _enqueue(self, node_id: str) -> None:
        self._set(node_id, NodeState.QUEUED)
        self._serial += 1
        heapq.heappush(self._heap, (-self._rank.get(node_id, 0.0), self._serial, node_id))

    def _start_queued(self) -> None:
        while self._heap and self._running < self.max_concurrency:
            _, _, node_id = heapq.heappop(self._heap)
            if self._records[node_id].state is not NodeState.QUEUED:
                continue  # cancelled while queued
            node = self._effective.get(node_id, self._nodes[node_id])
            record = self._records[node_id]
            attempt = record.attempts + 1
            self._running += 1
            if self.gate is None:
                self._mark_running(node_id, attempt)
            # With a gate the node stays queued until its resources are granted (the task posts "started").
            task = NodeTask(self.run_id, node, self._inputs(node), attempt, self._log_sink(node_id, attempt))
            self._track(node_id, asyncio.create_task(self._attempt(task), name=f"node:{node_id}"))

    def _mark_running(self, node_id: str, attempt: int) -> None:
        record = self._records[node_id]
        self._set(node_id, NodeState.RUNNING, attempts=attempt, started=record.started or time.time(), error=None)

    def _track(self, node_id: str, task: asyncio.Task[None]) -> None:
        self._tasks[node_id] = task
        self._live.add(task)
        task.add_done_callback(self._live.discard)

    async def _decide(self, request: DecisionRequest) -> None:
        assert self._events is not None
        try:
            decision = await self.conductor.ask(request)
        except asyncio.CancelledError:
            raise
        except SymphonyError as exc:
            self._events.put_nowait(("decision_failed", request.node.id, exc))
            return
        self._events.put_nowait(("decided", request.node.id, decision))

    async def _attempt(self, task: NodeTask) -> None:
        assert self._events is not None
        node = task.node
        started = time.monotonic()
        token = None
        try:
            if self.gate is not None:
                token = await self.gate.acquire(self.run_id, node)
                self._events.put_nowait(("started", node.id, task.attempt))
            if self.artifacts is not None and any(is_reference(v) for v in task.inputs.values()):
                inputs = await asyncio.to_thread(resolve_inputs, self.artifacts, task.inputs)
                task = NodeTask(task.run_id, task.node, inputs, task.attempt, task.log)
            execution = self.executor.execute(task)
            if node.timeout is not None:
                try:
                    outputs = await asyncio.wait_for(execution, node.timeout)
                except TimeoutError:
                    raise SymphonyTimeoutError(
                        f"node {node.id!r}: attempt {task.attempt} took longer than its timeout of {node.timeout} s",
                        hint="Raise the node's `timeout`, or find why it hangs in its log.",
                        data={"node": node.id},
                    ) from None
            else:
                outputs = await execution
            if LOGS_KEY in outputs:
                outputs = dict(outputs)
                self._store_logs(node.id, task.attempt, outputs.pop(LOGS_KEY))
            if self.artifacts is not None and needs_spill(outputs):
                outputs = await asyncio.to_thread(
                    spill_outputs,
                    self.artifacts,
                    outputs,
                    workflow=self.workflow.name,
                    run_id=self.run_id,
                    node_id=node.id,
                )
        except asyncio.CancelledError:
            self._events.put_nowait(("done", node.id, CancelledError(f"node {node.id!r} was cancelled"), 0.0))
            raise
        except SymphonyError as exc:
            self._store_logs(node.id, task.attempt, exc.data.pop("logs", None))
            self._events.put_nowait(("done", node.id, exc, time.monotonic() - started))
        except Exception as exc:  # an executor bug must fail the node, not the run
            failure = NodeFailure(f"node {node.id!r}: executor {self.executor.name} failed: {exc!r}")
            self._events.put_nowait(("done", node.id, failure, time.monotonic() - started))
        else:
            self._events.put_nowait(("done", node.id, outputs, time.monotonic() - started))
        finally:
            if self.gate is not None and token is not None:
                self.gate.release(token)

    def _log_sink(self, node_id: str, attempt: int) -> LogSink:
        """Where an executor streams a node attempt's lines: the run database (and log listeners)."""

        def sink(stream: str, text: str) -> None:
            self.store.add_log(self.run_id, node_id, attempt, stream, text)
            for listener in self.log_listeners:
                listener(node_id, stream, text)
            if self._events is not None:
                self._flush_soon()

        return sink

    def _store_logs(self, node_id: str, attempt: int, lines: Any) -> None:
        """Keep lines an executor captured whole (they travelled with the outputs or the failure)."""
        if not isinstance(lines, list):
            return
        sink = self._log_sink(node_id, attempt)
        for entry in lines:
            if isinstance(entry, list | tuple) and len(entry) == 2:
                sink(str(entry[0]), str(entry[1]))

    def _handle(self, event: tuple[Any, ...]) -> None:
        kind = event[0]
        if kind == "done":
            self._attempt_done(event[1], event[2], event[3])
        elif kind == "decided":
            self._decided(event[1], event[2])
        elif kind == "decision_failed":
            self._tasks.pop(event[1], None)
            self._finish(event[1], NodeState.FAILED, error=str(event[2]))
        elif kind == "started":
            if self._records[event[1]].state is NodeState.QUEUED:
                self._mark_running(event[1], event[2])
        elif kind == "requeue":
            if self._records[event[1]].state is NodeState.RETRYING:
                self._enqueue(event[1])
        elif kind == "cancel":
            self._cancel_node(event[1])
        elif kind == "cancel_run":
            self._cancelled_run = True
            self._cancel_all()

    def _decided(self, node_id: str, decision: Decision) -> None:
        self._tasks.pop(node_id, None)
        if self._records[node_id].state is not NodeState.WAITING:
            return
        node = self._nodes[node_id]
        if node.kind == NodeKind.APPROVAL:
            approved = decision.action is not Action.SKIP
            self._finish(node_id, NodeState.SUCCEEDED, outputs={"approved": approved, "comment": decision.comment})
            return
        if decision.action is Action.SKIP:
            self._finish(node_id, NodeState.SKIPPED, error=decision.comment or "skipped by a person")
            return
        if decision.action is Action.EDIT:
            self._effective[node_id] = node.model_copy(update={"params": {**node.params, **decision.params}})
        self._enqueue(node_id)

    def _attempt_done(self, node_id: str, result: Any, duration: float) -> None:
        self._tasks.pop(node_id, None)
        self._running -= 1
        record = self._records[node_id]
        if record.state is NodeState.QUEUED and self.gate is not None and not isinstance(result, CancelledError):
            self._mark_running(node_id, record.attempts + 1)  # refused by the gate: counts as an attempt
            record = self._records[node_id]
        if record.state is not NodeState.RUNNING:
            return
        ok = not isinstance(result, BaseException)
        if not isinstance(result, CancelledError):
            self.conductor.policy.observe(node_id, duration, ok)
        if ok:
            self._finish(node_id, NodeState.SUCCEEDED, outputs=result)
            return
        if isinstance(result, CancelledError):
            self._finish(node_id, NodeState.CANCELLED, error=result.message)
            return
        node = self._nodes[node_id]
        message = result.message if isinstance(result, SymphonyError) else str(result)
        if record.attempts <= node.retries and not self._cancelled_run:
            delay = min(MAX_BACKOFF, node.backoff * (2 ** (record.attempts - 1)))
            self._set(node_id, NodeState.RETRYING, error=message)
            loop = asyncio.get_running_loop()
            loop.call_later(delay, self._post, ("requeue", node_id))
            return
        self._finish(node_id, NodeState.FAILED, error=message)

    def _cancel_node(self, node_id: str) -> None:
        record = self._records[node_id]
        if record.state.finished or record.state is NodeState.SKIPPED:
            return
        task = self._tasks.get(node_id)
        if record.state is NodeState.RUNNING and task is not None:
            task.cancel()  # its "done" event finishes the node as cancelled
            return
        if task is not None:
            task.cancel()
            self._tasks.pop(node_id, None)
        self._finish(node_id, NodeState.CANCELLED, error="cancelled before it ran")

    def _cancel_all(self) -> None:
        for node_id, record in list(self._records.items()):
            if not record.state.finished and not record.state.kept_on_resume:
                self._cancel_node(node_id)

    def _finish(self, node_id: str, state: NodeState, **changes: Any) -> None:
        """Finish a node and settle its dependents: ready, blocked or skipped."""
        stack: list[tuple[str, NodeState, dict[str, Any]]] = [(node_id, state, changes)]
        while stack:
            current, final, extra = stack.pop()
            if self._records[current].state.finished:
                continue
            self._set(current, final, finished=time.time(), **extra)
            self._unfinished -= 1
            for dependent in self._dependents[current]:
                if self._records[dependent].state.finished:
                    continue
                if final in (NodeState.FAILED, NodeState.CANCELLED, NodeState.BLOCKED):
                    stack.append((dependent, NodeState.BLOCKED, {"error": f"{current!r} did not succeed"}))
                    continue
                self._waiting[dependent] -= 1
                if self._waiting[dependent] == 0:
                    self._became_ready(dependent)


def downstream(workflow: Workflow, roots: set[str]) -> set[str]:
    """``roots`` and every node that depends on them, directly or not."""
    dependents: dict[str, list[str]] = {node.id: [] for node in workflow.nodes}
    for node in workflow.nodes:
        for dep in node.dependencies():
            dependents[dep].append(node.id)
    seen = set(roots)
    stack = list(roots)
    while stack:
        for dependent in dependents.get(stack.pop(), ()):
            if dependent not in seen:
                seen.add(dependent)
                stack.append(dependent)
    return seen


def node_outputs(result: RunResult) -> Mapping[str, Mapping[str, Any]]:
    """Outputs of every succeeded node, by node id."""
    return {node_id: record.outputs for node_id, record in result.nodes.items() if record.outputs}


__all__ = [
    "FLUSH_INTERVAL",
    "MAX_BACKOFF",
    "ResourceGate",
    "RunEvent",
    "RunResult",
    "WorkflowRunner",
    "downstream",
    "node_outputs",
]
