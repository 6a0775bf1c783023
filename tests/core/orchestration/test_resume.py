"""A run killed with SIGKILL resumes from the nodes it finished, without running them again."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.orchestration import LocalExecutor, NodeState, RunStatus, RunStore, WorkflowRunner
from tests.conftest import ROOT

CHILD = """
import asyncio, sys
from pathlib import Path
from core.orchestration import LocalExecutor, RunStore, WorkflowRunner, load_workflow

async def main() -> None:
    store = RunStore(Path(sys.argv[1]))
    async with LocalExecutor() as executor:
        runner = WorkflowRunner(load_workflow(Path(sys.argv[2])), store=store, executor=executor)
        print(runner.run_id, flush=True)
        await runner.run()

if __name__ == "__main__":
    asyncio.run(main())
"""

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and process groups are POSIX")


def _wait_for(predicate: object, what: str, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)


def _state(database: Path, run_id: str, node_id: str) -> str | None:
    with sqlite3.connect(database) as db:
        row = db.execute("SELECT state FROM nodes WHERE run_id=? AND node_id=?", (run_id, node_id)).fetchone()
    return row[0] if row else None


def test_resume_after_sigkill_does_not_rerun_completed_nodes(tmp_path: Path) -> None:
    log, pid_file, go = tmp_path / "log", tmp_path / "pid", tmp_path / "go"
    flow = tmp_path / "flow.toml"
    flow.write_text(
        f"""
name = "killable"
[nodes.first]
kind = "shell"
command = "echo first >> {log}"
[nodes.second]
kind = "shell"
command = "echo second >> {log}"
after = ["first"]
[nodes.slow]
kind = "shell"
command = "echo slow >> {log}; echo $$ > {pid_file}; test -f {go} || exec sleep 60"
after = ["second"]
[nodes.last]
kind = "shell"
command = "echo last >> {log}"
after = ["slow"]
"""
    )
    database = tmp_path / "runs.db"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(database), str(flow)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        assert child.stdout is not None
        run_id = child.stdout.readline().strip()
        _wait_for(lambda: pid_file.exists() and pid_file.read_text().strip(), "the slow node to start")
        # States are committed within 10 ms of a change; wait for the commit rather than guess its timing.
        _wait_for(lambda: _state(database, run_id, "slow") == "running", "the checkpoint of the slow node")
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    os.kill(int(pid_file.read_text()), signal.SIGKILL)  # the slow command ran in its own session
    assert log.read_text().split() == ["first", "second", "slow"]

    store = RunStore(database)
    before = store.load_run(run_id)
    assert before.summary.status is RunStatus.RUNNING
    assert before.summary.interrupted  # its process is gone
    assert before.nodes["second"].state is NodeState.SUCCEEDED
    assert before.nodes["slow"].state is NodeState.RUNNING

    go.touch()

    async def resume() -> RunStatus:
        async with LocalExecutor() as executor:
            result = await WorkflowRunner.resume(run_id, store=store, executor=executor).run()
        return result.status

    import asyncio

    assert asyncio.run(resume()) is RunStatus.SUCCEEDED
    assert log.read_text().split() == ["first", "second", "slow", "slow", "last"]
    after = store.load_run(run_id).summary
    assert after.status is RunStatus.SUCCEEDED and not after.interrupted
    store.close()


async def test_resuming_a_finished_run_runs_nothing(tmp_path: Path) -> None:
    from core.orchestration import NodeSpec, Workflow

    log = tmp_path / "log"
    workflow = Workflow(name="w", nodes=(NodeSpec(id="a", kind="shell", command=f"echo a >> {log}"),))
    store = RunStore(tmp_path / "runs.db")
    async with LocalExecutor() as executor:
        first = await WorkflowRunner(workflow, store=store, executor=executor).run()
        again = await WorkflowRunner.resume(first.run_id, store=store, executor=executor).run()
    assert again.status is RunStatus.SUCCEEDED
    assert again.outputs("a") == {"stdout": "", "returncode": 0}
    assert log.read_text() == "a\n"
    store.close()


def test_unknown_run_id_says_how_to_list_runs(tmp_path: Path) -> None:
    from core.errors import NotFoundError

    store = RunStore(tmp_path / "runs.db")
    with pytest.raises(NotFoundError, match="run-nope") as caught:
        store.load_run("run-nope")
    assert "symphony runs" in caught.value.hint
    store.close()


async def test_resume_with_an_edited_workflow_reruns_changed_nodes_and_their_dependents(tmp_path: Path) -> None:
    from core.orchestration import NodeSpec, Workflow

    log = tmp_path / "log"

    def flow(check: str) -> Workflow:
        return Workflow(
            name="edit",
            nodes=(
                NodeSpec(id="fetch", kind="shell", command=f"echo fetch >> {log}"),
                NodeSpec(id="check", kind="shell", command=f"echo check >> {log}; {check}", after=("fetch",)),
                NodeSpec(id="report", kind="shell", command=f"echo report >> {log}", after=("check",)),
                NodeSpec(id="side", kind="shell", command=f"echo side >> {log}"),
            ),
        )

    store = RunStore(tmp_path / "runs.db")
    async with LocalExecutor() as executor:
        first = await WorkflowRunner(flow("exit 1"), store=store, executor=executor).run()
        assert first.status is RunStatus.FAILED
        resumed = await WorkflowRunner.resume(first.run_id, store=store, executor=executor, workflow=flow("true")).run()
    assert resumed.status is RunStatus.SUCCEEDED
    assert sorted(log.read_text().split()) == sorted(["fetch", "side", "check", "check", "report"])
    assert store.load_run(first.run_id).workflow == flow("true")
    store.close()
