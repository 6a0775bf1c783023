"""SQLite checkpoints of runs: a run killed at any point resumes from the nodes it had finished.

The database is in WAL mode with ``synchronous=NORMAL``: a commit survives the process being killed
(SIGKILL, crash); only a power loss can drop the last commits, which then re-run on resume. Node updates are
buffered and committed by :meth:`RunStore.flush`, which the runner calls at most every 10 ms and always
within 10 ms of a change, so a node counts as done for resume once its result was flushed: a node that
finished in the last 10 ms before a kill runs again. Nodes are run at least once.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import NotFoundError, SymphonyIOError
from core.orchestration.logs import LogLine
from core.orchestration.model import Workflow
from core.orchestration.state import NodeState, RunStatus
from core.types.base import new_entity_id

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    workflow TEXT NOT NULL,
    mode TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    pid INTEGER,
    host TEXT
);
CREATE TABLE IF NOT EXISTS nodes (
    run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    node_id TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    outputs TEXT,
    error TEXT,
    started REAL,
    finished REAL,
    PRIMARY KEY (run_id, node_id)
);
CREATE INDEX IF NOT EXISTS runs_by_name ON runs(name, created);
CREATE TABLE IF NOT EXISTS node_logs (
    run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    node_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    stream TEXT NOT NULL,
    line TEXT NOT NULL,
    time REAL NOT NULL,
    PRIMARY KEY (run_id, seq)
);
CREATE INDEX IF NOT EXISTS node_logs_by_node ON node_logs(run_id, node_id, seq);
"""


@dataclass(frozen=True, slots=True)
class NodeRecord:
    """A node's persisted state in one run."""

    node_id: str
    state: NodeState
    attempts: int = 0
    outputs: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    started: float | None = None
    finished: float | None = None


@dataclass(frozen=True, slots=True)
class RunSummary:
    """One line of ``symphony runs``."""

    run_id: str
    name: str
    mode: str
    status: RunStatus
    created: float
    updated: float
    error: str | None
    counts: dict[str, int]
    pid: int | None = None
    """The process that last ran it."""
    host: str | None = None

    @property
    def interrupted(self) -> bool:
        """Marked running, but its process on this machine is gone (killed or crashed): resume it."""
        if self.status is not RunStatus.RUNNING or self.pid is None or self.host != socket.gethostname():
            return False
        return not _process_alive(self.pid)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    except OSError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class RunRecord:
    """Everything needed to resume a run."""

    summary: RunSummary
    workflow: Workflow
    nodes: dict[str, NodeRecord]


@dataclass(frozen=True, slots=True)
class NodeSample:
    """One finished attempt history entry, for policies that learn from past runs."""

    node_id: str
    duration: float
    ok: bool


def encode_outputs(outputs: dict[str, Any]) -> str:
    """JSON for outputs; bytes travel as ``{"$bytes": base64}``."""
    return json.dumps(outputs, default=_encode_default, separators=(",", ":"))


def decode_outputs(text: str | None) -> dict[str, Any]:
    """Inverse of :func:`encode_outputs`."""
    if not text:
        return {}
    value: dict[str, Any] = json.loads(text, object_hook=_decode_hook)
    return value


def _encode_default(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"output values must be JSON data or bytes, not {type(value).__name__}")


def _decode_hook(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and "$bytes" in obj:
        return base64.b64decode(obj["$bytes"])
    return obj


class RunStore:
    """Runs and their node states in one SQLite file (one store per data dir, shared by all runs)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise SymphonyIOError(f"cannot open the run database {path}: {exc}", data={"path": str(path)}) from exc
        self._pending: dict[tuple[str, str], tuple[Any, ...]] = {}
        self._pending_logs: list[tuple[Any, ...]] = []
        self._log_seq: dict[str, int] = {}

    def close(self) -> None:
        """Flush and close the database."""
        self.flush()
        self._db.close()

    def create_run(self, workflow: Workflow, *, mode: str, run_id: str | None = None) -> str:
        """Persist a new run with every node pending; returns its id."""
        run_id = run_id or new_entity_id("run-")[:16]
        now = time.time()
        with self._transaction():
            self._db.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
                (
                    run_id,
                    workflow.name,
                    workflow.model_dump_json(),
                    mode,
                    RunStatus.RUNNING.value,
                    now,
                    now,
                    os.getpid(),
                    socket.gethostname(),
                ),
            )
            self._db.executemany(
                "INSERT INTO nodes (run_id, node_id, state) VALUES (?, ?, ?)",
                [(run_id, node.id, NodeState.PENDING.value) for node in workflow.nodes],
            )
        return run_id

    def record_node(self, run_id: str, record: NodeRecord) -> None:
        """Buffer a node's new state; :meth:`flush` commits it."""
        self._pending[(run_id, record.node_id)] = (
            run_id,
            record.node_id,
            record.state.value,
            record.attempts,
            encode_outputs(record.outputs) if record.outputs else None,
            record.error,
            record.started,
            record.finished,
        )

    def add_log(self, run_id: str, node_id: str, attempt: int, stream: str, text: str) -> None:
        """Buffer one captured line of a node attempt; :meth:`flush` commits it with the node states."""
        seq = self._log_seq.get(run_id)
        if seq is None:
            row = self._db.execute("SELECT MAX(seq) FROM node_logs WHERE run_id=?", (run_id,)).fetchone()
            seq = row[0] if row and row[0] is not None else 0
        seq += 1
        self._log_seq[run_id] = seq
        self._pending_logs.append((run_id, seq, node_id, attempt, stream, text, time.time()))

    def logs(self, run_id: str, node_id: str | None = None) -> list[LogLine]:
        """A run's captured lines in the order they came (one node's, if given)."""
        self.flush()
        query = "SELECT node_id, attempt, stream, line, time FROM node_logs WHERE run_id=?"
        args: tuple[Any, ...] = (run_id,)
        if node_id is not None:
            query += " AND node_id=?"
            args += (node_id,)
        rows = self._db.execute(query + " ORDER BY seq", args).fetchall()
        return [LogLine(node, attempt, stream, line, when) for node, attempt, stream, line, when in rows]

    def flush(self) -> None:
        """Commit every buffered node update and log line in one transaction."""
        if not self._pending and not self._pending_logs:
            return
        rows = list(self._pending.values())
        self._pending.clear()
        log_rows, self._pending_logs = self._pending_logs, []
        with self._transaction():
            if log_rows:
                self._db.executemany("INSERT INTO node_logs VALUES (?, ?, ?, ?, ?, ?, ?)", log_rows)
            self._db.executemany(
                "INSERT INTO nodes (run_id, node_id, state, attempts, outputs, error, started, finished)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, node_id) DO UPDATE SET"
                " state=excluded.state, attempts=excluded.attempts, outputs=excluded.outputs,"
                " error=excluded.error, started=excluded.started, finished=excluded.finished",
                rows,
            )

    def replace_workflow(self, run_id: str, workflow: Workflow) -> None:
        """Store an edited workflow for a run (resume with fixes); node rows follow via :meth:`record_node`."""
        with self._transaction():
            self._db.execute(
                "UPDATE runs SET workflow=?, name=?, updated=? WHERE run_id=?",
                (workflow.model_dump_json(), workflow.name, time.time(), run_id),
            )
            keep = [node.id for node in workflow.nodes]
            marks = ",".join("?" * len(keep))
            self._db.execute(f"DELETE FROM nodes WHERE run_id=? AND node_id NOT IN ({marks})", (run_id, *keep))

    def set_status(self, run_id: str, status: RunStatus, error: str | None = None) -> None:
        """Flush node updates and set the run's status; the calling process becomes the run's owner."""
        self.flush()
        with self._transaction():
            self._db.execute(
                "UPDATE runs SET status=?, error=?, updated=?, pid=?, host=? WHERE run_id=?",
                (status.value, error, time.time(), os.getpid(), socket.gethostname(), run_id),
            )

    def load_run(self, run_id: str) -> RunRecord:
        """A run with its workflow and node states; NotFoundError names the id if it is unknown."""
        self.flush()
        row = self._db.execute(
            "SELECT run_id, name, mode, status, created, updated, error, pid, host, workflow FROM runs WHERE run_id=?",
            (run_id,),
        ).fetchone()
        if row is None:
            raise NotFoundError(
                f"no run with id {run_id!r} in {self.path}",
                hint="List runs with `symphony runs`; ids are printed when a run starts.",
                data={"run_id": run_id},
            )
        nodes = {
            node_id: NodeRecord(node_id, NodeState(state), attempts, decode_outputs(outputs), error, started, finished)
            for node_id, state, attempts, outputs, error, started, finished in self._db.execute(
                "SELECT node_id, state, attempts, outputs, error, started, finished FROM nodes WHERE run_id=?",
                (run_id,),
            )
        }
        counts: dict[str, int] = {}
        for record in nodes.values():
            counts[record.state.value] = counts.get(record.state.value, 0) + 1
        summary = RunSummary(row[0], row[1], row[2], RunStatus(row[3]), row[4], row[5], row[6], counts, row[7], row[8])
        return RunRecord(summary, Workflow.model_validate_json(row[9]), nodes)

    def list_runs(self, *, limit: int = 50) -> list[RunSummary]:
        """The most recent runs first, with node counts per state."""
        self.flush()
        runs = self._db.execute(
            "SELECT run_id, name, mode, status, created, updated, error, pid, host FROM runs"
            " ORDER BY created DESC LIMIT ?",
            (limit,),
        ).fetchall()
        summaries = []
        for run_id, name, mode, status, created, updated, error, pid, host in runs:
            counts = dict(
                self._db.execute(
                    "SELECT state, COUNT(*) FROM nodes WHERE run_id=? GROUP BY state", (run_id,)
                ).fetchall()
            )
            summaries.append(
                RunSummary(run_id, name, mode, RunStatus(status), created, updated, error, counts, pid, host)
            )
        return summaries

    def node_history(self, workflow_name: str, *, runs: int = 20) -> list[NodeSample]:
        """Finished nodes of the last ``runs`` runs of a workflow (for learning policies)."""
        self.flush()
        rows = self._db.execute(
            "SELECT n.node_id, n.finished - n.started, n.state FROM nodes n WHERE n.run_id IN"
            " (SELECT run_id FROM runs WHERE name=? ORDER BY created DESC LIMIT ?)"
            " AND n.started IS NOT NULL AND n.finished IS NOT NULL AND n.state IN (?, ?)",
            (workflow_name, runs, NodeState.SUCCEEDED.value, NodeState.FAILED.value),
        ).fetchall()
        return [
            NodeSample(node_id, float(duration), state == NodeState.SUCCEEDED.value)
            for node_id, duration, state in rows
        ]

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db, self.path)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, with SQLite errors turned into SymphonyIOError naming the file."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self._db = db
        self._path = path

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if exc_type is None:
            try:
                self._db.execute("COMMIT")
            except sqlite3.Error as error:
                self._db.execute("ROLLBACK")
                raise SymphonyIOError(f"cannot write the run database {self._path}: {error}") from error
        else:
            self._db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise SymphonyIOError(f"cannot write the run database {self._path}: {exc}") from exc


__all__ = [
    "NodeRecord",
    "NodeSample",
    "RunRecord",
    "RunStore",
    "RunSummary",
    "decode_outputs",
    "encode_outputs",
]
