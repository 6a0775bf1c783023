"""A generated workspace in a real git repository: the demo files committed, then some changed."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from core.config import ConfigService
from symphony_tui.app import SymphonyApp
from tests.core.workspace.gitrepo import git
from tests.symphony_tui.workspace_fixture import make_demo_workspace


def make_git_workspace(parent: Path, *, change: bool = True) -> Path:
    """The demo workspace committed on branch ``main``; with ``change``: app.py modified, notes.txt deleted,
    new.txt untracked and README.md staged."""
    root = make_demo_workspace(parent)
    git(root, "init", "-q")
    git(root, "config", "user.name", "Ada Lovelace")
    git(root, "config", "user.email", "ada@example.com")
    git(root, "config", "commit.gpgsign", "false")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Initial demo")
    if change:
        app_py = root / "src/demo/app.py"
        app_py.write_text(app_py.read_text().replace("Say hello.", "Say hello politely."))
        (root / "notes.txt").unlink()
        (root / "new.txt").write_text("brand new\n")
        (root / "README.md").write_text("# Demo\n\nStaged change.\n")
        git(root, "add", "README.md")
    return root


def make_app(workspace: Path, *files: str, settings: dict[str, Any] | None = None) -> SymphonyApp:
    config = ConfigService(workspace, settings or {})
    return SymphonyApp(workspace, open_paths=[workspace / f for f in files], config=config, watch_config=False)


async def settle(pilot: Pilot[None]) -> None:
    """Wait for background work (twice: loading can start more); commands waiting on a dialog keep waiting."""
    for _ in range(2):
        for worker in [w for w in pilot.app.workers if w.group != "commands"]:
            with contextlib.suppress(WorkerCancelled):  # a newer search replaced it: that is normal
                await worker.wait()
        await pilot.pause()


async def wait_until(pilot: Pilot[None], condition, attempts: int = 400) -> None:  # type: ignore[no-untyped-def]
    """Let the app run until ``condition()`` holds (bounded by event-loop turns, not a clock)."""
    for _ in range(attempts):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition(), "condition never became true"


async def run(pilot: Pilot[None], command: str, **args: Any) -> Any:
    """Run a command as a key would, and wait for it (and what it started) to finish."""
    worker = pilot.app.dispatch(command, **args)  # type: ignore[attr-defined]
    await worker.wait()
    await settle(pilot)
    return worker.result
