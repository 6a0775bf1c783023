"""The workspace watcher on a real folder: visible changes only, folded per path, git state flagged."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest

from core.workspace.watcher import ChangeBatch, ChangeKind, WorkspaceChange, WorkspaceWatcher
from tests.core.workspace.gitrepo import git_init, make_files


@pytest.fixture
def root(tmp_path: Path) -> Path:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    git_init(workspace)
    (workspace / ".gitignore").write_text("build/\n*.log\n")
    make_files(workspace, "src/app.py", "build/keep.txt", "node_modules/lib.js")
    return workspace


def test_fold_keeps_visible_paths_and_flags_git_state(root: Path) -> None:
    watcher = WorkspaceWatcher(root, exclude=["node_modules"])
    batch = watcher.fold(
        [
            (ChangeKind.MODIFIED, str(root / "src/app.py")),
            (ChangeKind.ADDED, str(root / "build/out.o")),
            (ChangeKind.ADDED, str(root / "debug.log")),
            (ChangeKind.ADDED, str(root / "node_modules/lib.js")),
            (ChangeKind.MODIFIED, str(root / ".git/index")),
            (ChangeKind.ADDED, str(root.parent / "ws-sibling" / "x.txt")),
        ]
    )
    assert batch.changes == (WorkspaceChange(ChangeKind.MODIFIED, "src/app.py"),)
    assert batch.git_state_changed and not batch.ignore_rules_changed


def test_fold_settles_several_events_for_one_path_by_what_is_on_disk(root: Path) -> None:
    watcher = WorkspaceWatcher(root)
    gone = str(root / "temp.txt")
    kept = root / "src/new.py"
    kept.write_text("x\n")
    batch = watcher.fold(
        [
            (ChangeKind.ADDED, gone),
            (ChangeKind.DELETED, gone),
            (ChangeKind.ADDED, str(kept)),
            (ChangeKind.MODIFIED, str(kept)),
        ]
    )
    assert batch.changes == (
        WorkspaceChange(ChangeKind.ADDED, "src/new.py"),
        WorkspaceChange(ChangeKind.DELETED, "temp.txt"),
    )


def test_a_changed_gitignore_reloads_the_rules(root: Path) -> None:
    watcher = WorkspaceWatcher(root)
    assert watcher.fold([(ChangeKind.ADDED, str(root / "debug.log"))]).changes == ()
    (root / ".gitignore").write_text("build/\n")
    batch = watcher.fold([(ChangeKind.MODIFIED, str(root / ".gitignore"))])
    assert batch.ignore_rules_changed
    assert watcher.fold([(ChangeKind.ADDED, str(root / "debug.log"))]).changes == (
        WorkspaceChange(ChangeKind.ADDED, "debug.log"),
    )


async def test_live_batches_report_visible_changes_and_skip_ignored_ones(root: Path) -> None:
    watcher = WorkspaceWatcher(root, debounce_ms=50)
    stop = asyncio.Event()
    seen: list[ChangeBatch] = []
    ready = asyncio.Event()

    async def consume() -> None:
        async with contextlib.aclosing(watcher.batches(stop)) as batches:
            async for batch in batches:
                seen.append(batch)
                if any(change.path == "probe.txt" for change in batch.changes):
                    ready.set()
                if any(change.path == "src/late.py" for change in batch.changes):
                    return

    task = asyncio.create_task(consume())
    # The OS watch starts asynchronously: touch a probe until the watcher reports it.
    for attempt in range(100):
        (root / "probe.txt").write_text(str(attempt))
        try:
            await asyncio.wait_for(ready.wait(), 0.2)
            break
        except TimeoutError:
            continue
    assert ready.is_set(), "the watcher never reported the probe file"
    seen.clear()
    (root / "build" / "ignored.txt").write_text("x\n")
    (root / "trace.log").write_text("x\n")
    (root / "src" / "app.py").write_text("changed\n")
    (root / "src" / "late.py").write_text("new\n")
    await asyncio.wait_for(task, 20)
    stop.set()
    paths = {change.path for batch in seen for change in batch.changes}
    assert paths == {"src/app.py", "src/late.py"}
