"""Workflows run from the IDE: found in the workspace, asked about in dialogs or answered from the board."""

from __future__ import annotations

from pathlib import Path

from core.aide.runs_api import PROCESS_DECISIONS, RunsApi
from core.errors import NotFoundError
from core.orchestration.conductor import Action, Decision
from core.paths import data_dir, state_dir
from symphony_tui.widgets.dialogs import ChoiceDialog
from symphony_tui.workflows_ui import BOARD_COMMAND, find_workflow_files
from tests.symphony_tui.workspace_ui.gitfixture import make_app, wait_until

SIZE = (110, 30)

WORKFLOW = """
name = "greet"

[nodes.say]
kind = "shell"
command = "echo hello"

[nodes.shout]
kind = "shell"
command = "echo LOUD"
after = ["say"]
"""


def make_workspace(tmp_path: Path) -> Path:
    workspace = tmp_path / "ws"
    (workspace / "flows").mkdir(parents=True)
    (workspace / "flows" / "greet.toml").write_text(WORKFLOW, encoding="utf-8")
    (workspace / "flows" / "list.yaml").write_text("name: l\nnodes:\n  a: {kind: shell, command: 'true'}\n")
    (workspace / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    (workspace / "ci.yaml").write_text("jobs:\n  test: {}\n", encoding="utf-8")
    return workspace


def runs() -> RunsApi:
    return RunsApi(state_dir() / "runs.db", data_dir() / "artifacts")


def test_only_files_with_a_nodes_table_are_offered(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    assert find_workflow_files(workspace, [], True) == ["flows/greet.toml", "flows/list.yaml"]


async def test_a_manual_run_without_the_board_asks_in_a_dialog_for_each_step(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        app.dispatch("workflows.run", path="flows/greet.toml", mode="manual")
        for step in ("say", "shout"):
            await wait_until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
            assert step in str(app.screen._title)
            await pilot.press("g")
        await wait_until(pilot, lambda: bool(runs().list_runs()) and runs().list_runs()[0]["status"] == "succeeded")
    (run,) = runs().list_runs()
    assert run["name"] == "greet" and run["mode"] == "manual"


async def test_with_the_board_a_waiting_step_is_answered_through_the_process_decisions(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    app = make_app(workspace)
    opened: list[bool] = []
    async with app.run_test(size=SIZE) as pilot:
        app.commands.add(BOARD_COMMAND, "Show Harmony Board", "Workflows", lambda: opened.append(True))
        app.dispatch("workflows.run", path="flows/greet.toml", mode="manual")
        await wait_until(pilot, lambda: bool(runs().list_runs()))
        run_id = runs().list_runs()[0]["run_id"]
        await wait_until(pilot, lambda: _answered(run_id, "say", Decision(Action.GO)))
        await wait_until(pilot, lambda: _answered(run_id, "shout", Decision(Action.SKIP)))
        await wait_until(pilot, lambda: runs().list_runs()[0]["status"] != "running")
        assert not isinstance(app.screen, ChoiceDialog)  # the board answers; no dialog was shown
    assert opened == [True]
    nodes = {node["id"]: node["state"] for node in runs().run_view(run_id)["nodes"]}
    assert nodes == {"say": "succeeded", "shout": "skipped"}


def _answered(run_id: str, node_id: str, decision: Decision) -> bool:
    try:
        PROCESS_DECISIONS.answer(run_id, node_id, decision)
    except NotFoundError:
        return False  # not waiting yet
    return True
