"""Run a workflow inside the IDE, so its Manual-mode and approval steps are answered from the Harmony board.

``symphony run`` in a terminal asks at that terminal. A run started here registers its DecisionQueue in the
process's DecisionRegistry, which the board's ``runs.decide`` answers through, and the board (which follows the
newest run) opens on it. Without the board (extensions off or Harmony disabled) each waiting step is asked in a
dialog instead, so a run never waits for an answer nobody can give.
"""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import SymphonyError
from symphony_tui.widgets.dialogs import Choice, ChoiceDialog

if TYPE_CHECKING:
    from core.orchestration import DecisionQueue, Workflow
    from symphony_tui.app import SymphonyApp

log = logging.getLogger(__name__)

BOARD_COMMAND = "symphony.harmony.board"
"""The Harmony extension's "Show Harmony Board" command."""

WORKFLOW_SUFFIXES = (".toml", ".yaml", ".yml", ".json")

_NODES_TABLE = re.compile(rb'^\s*\[\[?nodes[.\]]|^nodes\s*:|"nodes"\s*:', re.MULTILINE)
"""What a workflow file has and other TOML/YAML/JSON files (pyproject.toml, CI files) do not: a nodes table."""


def find_workflow_files(root: Path, exclude: list[str], respect_gitignore: bool) -> list[str]:
    """Workspace-relative paths of files that look like workflows (read at most 64 KiB of each)."""
    from core.workspace.listing import iter_workspace_relpaths

    found: list[str] = []
    for relpath in iter_workspace_relpaths(root, exclude, respect_gitignore):
        if not relpath.endswith(WORKFLOW_SUFFIXES):
            continue
        try:
            with (root / relpath).open("rb") as handle:
                head = handle.read(65536)
        except OSError:
            continue
        if _NODES_TABLE.search(head):
            found.append(relpath)
    return sorted(found)


def register_workflow_commands(app: SymphonyApp) -> None:
    """The "Workflows: Run Workflow..." command."""

    async def run(path: str | None = None, mode: str | None = None) -> None:
        await run_workflow(app, path, mode)

    app.commands.add("workflows.run", "Run Workflow...", "Workflows", run, args={"path": str, "mode": str})


async def run_workflow(app: SymphonyApp, path: str | None = None, mode: str | None = None) -> None:
    """Ask for a workflow file and a mode (unless given), validate it, and run it in the background."""
    from core.orchestration import ConductorMode, load_workflow

    if path is None:
        path = await _pick_workflow(app)
        if path is None:
            return
    if mode is None:
        mode = await app.push_screen_wait(
            ChoiceDialog(
                "Run workflow",
                f"{path}\n\nMaestro runs every step automatically (approval steps still ask); Manual asks before each.",
                [
                    Choice("maestro", "Maestro", "m", "primary"),
                    Choice("manual", "Manual", "a"),
                    Choice("cancel", "Cancel", "c"),
                ],
            )
        )
        if mode in (None, "cancel"):
            return
    try:
        conductor_mode = ConductorMode(mode)
        workflow = await asyncio.to_thread(load_workflow, app.workspace / path)
    except ValueError:
        app.notify(f"Unknown mode {mode!r}: use maestro or manual.", title="Run workflow", severity="error")
        return
    except SymphonyError as exc:
        app.notify(f"{exc.message}\n{exc.hint}", title=f"Cannot run {path}", severity="error")
        return
    app.run_worker(
        _drive(app, workflow, conductor_mode), name=f"workflow {workflow.name}", group="workflows", exit_on_error=False
    )


async def _pick_workflow(app: SymphonyApp) -> str | None:
    s = app.settings.explorer
    files = await asyncio.to_thread(find_workflow_files, app.workspace, list(s.exclude), s.respect_gitignore)
    if not files:
        app.notify(
            "No workflow files here: a workflow is a TOML, YAML or JSON file with a nodes table"
            " (see docs/orchestration.md).",
            title="Run workflow",
            severity="warning",
        )
        return None
    from core.workspace.fuzzy import rank_paths
    from symphony_tui.widgets.quick_pick import PickItem, QuickPick

    def source(query: str) -> list[PickItem]:
        return [PickItem(m.path, m.path, positions=m.positions) for m in rank_paths(query.strip(), files, limit=200)]

    picked = await app.push_screen_wait(QuickPick(source, title="Run workflow", placeholder="workflow file"))
    return None if picked is None else str(picked.item.value)


async def _drive(app: SymphonyApp, workflow: Workflow, mode: Any) -> None:
    from core.aide.runs_api import PROCESS_DECISIONS
    from core.orchestration import Conductor, DecisionQueue, LocalExecutor, RunStatus, WorkflowRunner
    from symphony_tui.cli_run import artifact_store, run_store

    queue = DecisionQueue()
    store = run_store()
    try:
        async with LocalExecutor() as executor:
            runner = WorkflowRunner(
                workflow,
                store=store,
                executor=executor,
                conductor=Conductor(mode, decide=queue),
                artifacts=artifact_store(),
            )
            unregister = PROCESS_DECISIONS.register(runner.run_id, queue)
            board = BOARD_COMMAND in app.commands_ids
            asker = app.run_worker(
                _announce(app, queue) if board else _ask_in_dialogs(app, workflow, queue),
                name=f"workflow {workflow.name} decisions",
                group="workflows",
                exit_on_error=False,
            )
            if board:
                app.dispatch(BOARD_COMMAND)
            app.notify(f"Run {runner.run_id} of {workflow.name} started.", title="Workflows")
            try:
                result = await runner.run()
            finally:
                asker.cancel()
                unregister()
    except SymphonyError as exc:
        app.notify(f"{exc.message}\n{exc.hint}", title=f"Workflow {workflow.name} failed", severity="error")
        return
    except Exception as exc:  # a bug in the engine must not take the editor down with it
        log.exception("workflow %s crashed", workflow.name)
        app.notify(f"{type(exc).__name__}: {exc}", title=f"Workflow {workflow.name} crashed", severity="error")
        return
    finally:
        store.close()
    severity = "information" if result.status is RunStatus.SUCCEEDED else "warning"
    app.notify(f"Run {result.run_id} of {workflow.name}: {result.status.value}.", title="Workflows", severity=severity)


async def _announce(app: SymphonyApp, queue: DecisionQueue) -> None:
    async for request in queue.requests():
        app.notify(f"{request.prompt}\nApprove or skip it on the Harmony board.", title=f"Step {request.node.id} waits")


async def _ask_in_dialogs(app: SymphonyApp, workflow: Workflow, queue: DecisionQueue) -> None:
    from core.orchestration.conductor import Action, Decision

    async for request in queue.requests():
        answer = await app.push_screen_wait(
            ChoiceDialog(
                f"Workflow {workflow.name}: step {request.node.id}",
                request.prompt,
                [Choice("go", "Go", "g", "primary"), Choice("skip", "Skip", "s")],
                cancel="skip",
            )
        )
        queue.answer(request.run_id, request.node.id, Decision(Action.GO if answer == "go" else Action.SKIP))
