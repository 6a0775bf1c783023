"""`symphony run`, `symphony runs` and `symphony artifacts`: AIDE workflows and artifacts from the command line.

``main(argv)`` takes the whole argument list after ``symphony`` (``["run", "flow.toml", ...]``). Failures are
SymphonyErrors printed as ``error: message`` plus the hint, exit status 1 (a run that fails also exits 1,
a cancelled run 130); usage mistakes exit 2 as argparse does. Runs are checkpointed in the state dir, so
``symphony run --resume RUN_ID`` continues one that was interrupted, even by SIGKILL.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from core.errors import SymphonyError

if TYPE_CHECKING:
    from core.aide.artifacts import ArtifactStore
    from core.orchestration import DecisionRequest, DecisionSource, Executor, RunEvent, RunStore
    from core.orchestration.conductor import Decision

COMMANDS = ("run", "runs", "artifacts")
"""First words of argv this module handles."""

EXIT_FAILED = 1
EXIT_CANCELLED = 130


def run_store() -> RunStore:
    """The run database in the user's state dir (``$SYMPHONY_STATE_DIR``)."""
    from core.orchestration import RunStore
    from core.paths import ensure_dir, state_dir

    return RunStore(ensure_dir(state_dir()) / "runs.db")


def artifact_store() -> ArtifactStore:
    """The artifact store in the user's data dir (``$SYMPHONY_DATA_DIR``)."""
    from core.aide.artifacts import ArtifactStore
    from core.paths import data_dir, ensure_dir

    return ArtifactStore(ensure_dir(data_dir()) / "artifacts")


def _parser(command: str) -> argparse.ArgumentParser:
    if command == "run":
        parser = argparse.ArgumentParser(
            prog="symphony run", description="Run a workflow (TOML/YAML), or resume an interrupted run."
        )
        parser.add_argument(
            "workflow", nargs="?", type=Path, help="workflow file (with --resume: an edited version of the run's)"
        )
        parser.add_argument(
            "--resume", metavar="RUN_ID", help="continue a stored run; finished, unchanged nodes are kept"
        )
        parser.add_argument("--mode", choices=["maestro", "manual"], default="maestro", help="default: maestro")
        parser.add_argument("--executor", choices=["local", "dask"], default="local", help="default: local")
        parser.add_argument(
            "--dask-scheduler", metavar="ADDRESS", help="with --executor dask: scheduler (default: a local cluster)"
        )
        parser.add_argument("--policy", choices=["critical-path", "learning"], default="critical-path")
        parser.add_argument("--max-concurrency", type=int, metavar="N", help="override the workflow's limit")
        parser.add_argument("--plain", action="store_true", help="print one line per node instead of a live bar")
        return parser
    if command == "runs logs":
        parser = argparse.ArgumentParser(
            prog="symphony runs logs", description="Show what a run's nodes printed and logged, in order."
        )
        parser.add_argument("run_id")
        parser.add_argument("node", nargs="?", help="only this node's lines")
        parser.add_argument("--attempt", type=int, help="only this attempt (default: all)")
        return parser
    if command == "runs":
        parser = argparse.ArgumentParser(
            prog="symphony runs",
            description="List runs, or show one run's nodes. `symphony runs logs RUN_ID [NODE]` shows their logs.",
        )
        parser.add_argument("run_id", nargs="?", help="show this run's nodes")
        parser.add_argument("--limit", type=int, default=20)
        return parser
    parser = argparse.ArgumentParser(prog="symphony artifacts", description="Search and maintain the artifact store.")
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    search = sub.add_parser("search", help="full-text and metadata search (e.g. 'fox', 'kind:text', 'meta.run:ID')")
    search.add_argument("query")
    search.add_argument("--limit", type=int, default=20)
    sub.add_parser("list", help="most recent artifacts")
    sub.add_parser("verify", help="check every stored chunk against its digest")
    sub.add_parser("gc", help="remove chunks no artifact uses")
    return parser


def main(argv: Sequence[str], *, out: TextIO | None = None) -> int:
    """Run ``symphony run|runs|artifacts ...``; returns the exit status."""
    out = out or sys.stdout
    command, rest = argv[0], list(argv[1:])
    if command == "runs" and rest[:1] == ["logs"]:
        command, rest = "runs logs", rest[1:]
    args = _parser(command).parse_args(rest)
    try:
        if command == "run":
            return _run(args, out)
        if command == "runs logs":
            return _logs(args, out)
        if command == "runs":
            return _runs(args, out)
        return _artifacts(args, out)
    except SymphonyError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"hint: {exc.hint}", file=sys.stderr)
        return EXIT_FAILED


# -- symphony run --


def _run(args: argparse.Namespace, out: TextIO) -> int:
    from core.errors import ConfigError

    if args.workflow is None and args.resume is None:
        raise ConfigError("give a workflow file, or --resume RUN_ID", hint="See `symphony run --help`.")
    if args.max_concurrency is not None and args.max_concurrency < 1:
        raise ConfigError(f"--max-concurrency must be at least 1, got {args.max_concurrency}")
    if args.workflow is not None:
        # Python nodes name `module:function`; modules beside the workflow file are importable, as in the
        # worker processes (they inherit sys.path).
        sys.path.insert(0, str(args.workflow.resolve().parent))
    if str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))
    try:
        return asyncio.run(_run_async(args, out))
    except KeyboardInterrupt:
        return EXIT_CANCELLED


async def _run_async(args: argparse.Namespace, out: TextIO) -> int:
    from core.orchestration import (
        Conductor,
        ConductorMode,
        CriticalPathPolicy,
        LearningPolicy,
        RunStatus,
        WorkflowRunner,
        load_workflow,
    )

    store = run_store()
    artifacts = artifact_store()
    interactive = sys.stdin.isatty()
    mode = ConductorMode(args.mode)
    if mode is ConductorMode.MANUAL and not interactive:
        from core.errors import UnsupportedError

        raise UnsupportedError("--mode manual needs a terminal to ask at each node", hint="Run it in a terminal.")
    policy = LearningPolicy() if args.policy == "learning" else CriticalPathPolicy()
    display = _Display(out, live=not args.plain and out.isatty() and mode is ConductorMode.MAESTRO)
    conductor = Conductor(mode, policy=policy, decide=display.paused(_ask_in_terminal) if interactive else None)
    try:
        async with _executor(args) as executor:
            if args.resume:
                edited = None
                if args.workflow is not None:
                    edited = load_workflow(args.workflow, targets=executor.targets.keys() or None)
                runner = WorkflowRunner.resume(
                    args.resume,
                    workflow=edited,
                    store=store,
                    executor=executor,
                    conductor=conductor,
                    max_concurrency=args.max_concurrency,
                    on_event=display.on_event,
                    artifacts=artifacts,
                )
            else:
                workflow = load_workflow(args.workflow, targets=executor.targets.keys() or None)
                runner = WorkflowRunner(
                    workflow,
                    store=store,
                    executor=executor,
                    conductor=conductor,
                    max_concurrency=args.max_concurrency,
                    on_event=display.on_event,
                    artifacts=artifacts,
                )
            print(f"run {runner.run_id}: {runner.workflow.name} ({len(runner.workflow.nodes)} nodes)", file=out)
            display.start(runner)
            try:
                result = await runner.run()
            except asyncio.CancelledError:
                display.stop()
                print(f"cancelled; resume with: symphony run --resume {runner.run_id}", file=out)
                raise
            display.stop()
    finally:
        store.close()
        artifacts.close()
    counts: dict[str, int] = {}
    for record in result.nodes.values():
        counts[record.state.value] = counts.get(record.state.value, 0) + 1
    summary = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
    print(f"run {result.run_id} {result.status.value}: {summary}", file=out)
    for node_id, record in result.nodes.items():
        if record.error and record.state.value in ("failed", "cancelled"):
            print(f"  {node_id}: {record.error}", file=out)
    if result.status is RunStatus.SUCCEEDED:
        return 0
    if result.status is RunStatus.CANCELLED:
        print(f"resume with: symphony run --resume {result.run_id}", file=out)
        return EXIT_CANCELLED
    print(f"fix the failed nodes, then: symphony run WORKFLOW --resume {result.run_id}", file=out)
    return EXIT_FAILED


@asynccontextmanager
async def _executor(args: argparse.Namespace) -> AsyncIterator[Executor]:
    from core.orchestration import LocalExecutor

    if args.executor == "local":
        async with LocalExecutor() as local:
            yield local
        return
    from core.orchestration.dask_executor import DaskExecutor

    if args.dask_scheduler:
        async with DaskExecutor(args.dask_scheduler) as remote:
            yield remote
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        from core.errors import UnsupportedError

        raise UnsupportedError(
            "--executor dask needs dask.distributed, which is not installed",
            hint="Install it with `pip install 'symphony-tui[dask]'`, or use --executor local.",
        ) from exc
    async with (
        LocalCluster(asynchronous=True, dashboard_address=None) as cluster,  # type: ignore[no-untyped-call]
        Client(cluster, asynchronous=True) as client,  # type: ignore[no-untyped-call]
        DaskExecutor(client=client) as dask,
    ):
        yield dask


async def _ask_in_terminal(request: DecisionRequest) -> Decision:
    """Manual mode and approval nodes: ask on the terminal (go, skip, or edit key=value ...)."""
    from core.orchestration import Action, Decision

    while True:
        inputs = ", ".join(f"{k}={_short(v)}" for k, v in request.inputs.items())
        prompt = (
            f"\n{request.prompt}" + (f" [inputs: {inputs}]" if inputs else "") + "\n[g]o / [s]kip / [e]dit k=v ... > "
        )
        answer = (await asyncio.to_thread(input, prompt)).strip()
        word, _, rest = answer.partition(" ")
        if word in ("g", "go", "y", "yes", ""):
            return Decision(Action.GO)
        if word in ("s", "skip", "n", "no"):
            return Decision(Action.SKIP, comment=rest or "skipped at the terminal")
        if word in ("e", "edit"):
            params = _parse_params(rest)
            if params is not None:
                return Decision(Action.EDIT, params)
        print("answer g, s [reason], or e key=value ... (values are JSON or plain text)")


def _parse_params(text: str) -> dict[str, Any] | None:
    import json
    import shlex

    params: dict[str, Any] = {}
    for item in shlex.split(text):
        key, sep, raw = item.partition("=")
        if not sep or not key:
            return None
        try:
            params[key] = json.loads(raw)
        except json.JSONDecodeError:
            params[key] = raw
    return params or None


def _short(value: Any, width: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


class _Display:
    """Progress of a run: a rich live bar on terminals, one line per finished node otherwise."""

    def __init__(self, out: TextIO, *, live: bool) -> None:
        self.out = out
        self.live = live
        self._progress: Any = None
        self._task: Any = None
        self._started: dict[str, float] = {}
        self._total = 0
        self._done = 0

    def start(self, runner: Any) -> None:
        self._total = len(runner.workflow.nodes)
        self._done = sum(1 for r in runner.records.values() if r.state.kept_on_resume)
        if not self.live:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[running]}"),
            console=Console(file=self.out),
            transient=False,
        )
        self._task = self._progress.add_task(runner.workflow.name, total=self._total, completed=self._done, running="")
        self._progress.start()

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def paused(self, ask: DecisionSource) -> DecisionSource:
        """``ask`` with the live bar stopped while it runs, so the question and the typing stay readable."""
        lock = asyncio.Lock()

        async def ask_paused(request: DecisionRequest) -> Decision:
            async with lock:  # one question at a time
                if self._progress is not None:
                    self._progress.stop()
                try:
                    return await ask(request)
                finally:
                    if self._progress is not None:
                        self._progress.start()

        return ask_paused

    def on_event(self, event: RunEvent) -> None:
        from core.orchestration import NodeState

        if event.state is NodeState.RUNNING:
            self._started[event.node_id] = time.monotonic()
        elif event.state is NodeState.RETRYING:
            self._line(f"  ↻ {event.node_id}: attempt {event.attempt} failed, retrying: {event.error}")
        if not event.state.finished:
            self._refresh()
            return
        self._done += 1
        began = self._started.pop(event.node_id, None)
        mark = {"succeeded": "✓", "failed": "✗", "skipped": "-", "blocked": "·", "cancelled": "⊘"}[event.state.value]
        if event.state is NodeState.SUCCEEDED:
            detail = f" ({time.monotonic() - began:.2f} s)" if began is not None else ""
        else:
            detail = f": {event.error}" if event.error else ""
        self._line(f"  {mark} {event.node_id} {event.state.value}{detail}")
        self._refresh()

    def _line(self, text: str) -> None:
        if self._progress is not None:
            self._progress.console.print(text, markup=False, highlight=False)
        else:
            print(text, file=self.out, flush=True)

    def _refresh(self) -> None:
        if self._progress is not None:
            running = ", ".join(list(self._started)[:4]) + (" …" if len(self._started) > 4 else "")
            self._progress.update(self._task, completed=self._done, running=running)


# -- symphony runs --


def _runs(args: argparse.Namespace, out: TextIO) -> int:
    store = run_store()
    try:
        if args.run_id:
            record = store.load_run(args.run_id)
            summary = record.summary
            status = f"interrupted (resume: symphony run --resume {summary.run_id})" if summary.interrupted else ""
            print(f"run {summary.run_id}: {summary.name} [{summary.mode}] {status or summary.status.value}", file=out)
            if summary.error:
                print(f"  error: {summary.error}", file=out)
            for node in record.workflow.nodes:
                state = record.nodes[node.id]
                took = f" {state.finished - state.started:.2f}s" if state.started is not None and state.finished else ""
                error = f"  {state.error}" if state.error else ""
                print(f"  {node.id:<24} {state.state.value:<10} attempts={state.attempts}{took}{error}", file=out)
            return 0
        runs = store.list_runs(limit=args.limit)
    finally:
        store.close()
    if not runs:
        print("no runs yet; start one with `symphony run WORKFLOW`", file=out)
        return 0
    print(f"{'RUN':<18} {'WORKFLOW':<20} {'MODE':<8} {'STATUS':<11} {'NODES':<12} STARTED", file=out)
    for run in runs:
        total = sum(run.counts.values())
        done = run.counts.get("succeeded", 0) + run.counts.get("skipped", 0)
        started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(run.created))
        status = "interrupted" if run.interrupted else run.status.value
        print(
            f"{run.run_id:<18} {run.name[:20]:<20} {run.mode:<8} {status:<11} {f'{done}/{total}':<12} {started}",
            file=out,
        )
    return 0


def _logs(args: argparse.Namespace, out: TextIO) -> int:
    from core.errors import NotFoundError

    store = run_store()
    try:
        record = store.load_run(args.run_id)  # NotFoundError names an unknown run
        if args.node is not None and args.node not in record.nodes:
            raise NotFoundError(
                f"run {args.run_id} has no node {args.node!r}",
                hint=f"Its nodes: {', '.join(sorted(record.nodes))}.",
            )
        lines = store.logs(args.run_id, args.node)
    finally:
        store.close()
    if args.attempt is not None:
        lines = [line for line in lines if line.attempt == args.attempt]
    if not lines:
        print("no captured output" + (f" for node {args.node}" if args.node else ""), file=out)
        return 0
    width = max(len(line.node_id) for line in lines)
    for line in lines:
        mark = {"stderr": "!", "log": "~"}.get(line.stream, " ")
        retry = f"#{line.attempt}" if line.attempt > 1 else "  "
        print(f"{line.node_id:<{width}} {retry} {mark} {line.text}", file=out)
    return 0


# -- symphony artifacts --


def _artifacts(args: argparse.Namespace, out: TextIO) -> int:
    store = artifact_store()
    try:
        if args.action == "search":
            from core.aide.search import ArtifactSearch

            hits = ArtifactSearch(store).search(args.query, limit=args.limit)
            if not hits:
                print(f"no artifact matches {args.query!r}", file=out)
            for hit in hits:
                print(f"{hit.digest[:16]}  {hit.score:6.2f}  {hit.kind:<10} {hit.name}", file=out)
            return 0
        if args.action == "list":
            for info in store.recent():
                print(f"{info.digest[:16]}  {info.size:>10}  {info.kind:<10} {info.name}", file=out)
            return 0
        if args.action == "verify":
            damage = store.verify()
            for item in damage:
                print(f"damaged: chunk {item.chunk[:16]} in pack {item.pack} at {item.offset}: {item.reason}", file=out)
            print("all chunks intact" if not damage else f"{len(damage)} damaged chunk(s)", file=out)
            return EXIT_FAILED if damage else 0
        report = store.gc()
        print(
            f"removed {report.chunks_removed} chunk(s), deleted {report.packs_deleted} pack(s), "
            f"compacted {report.packs_compacted}, freed {report.bytes_freed} bytes",
            file=out,
        )
        return 0
    finally:
        store.close()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
