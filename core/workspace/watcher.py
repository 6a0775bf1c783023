"""Live workspace changes for the explorer, open editors and Source Control: debounced, gitignore-filtered batches.

watchfiles (Rust ``notify``) collects raw events; this module drops paths the explorer never shows (excluded,
git-ignored, inside ``.git``), folds several events for one path into one, and says separately whether git's
state (HEAD, index, refs) or the ignore rules themselves changed, so Source Control knows to refresh status and
the explorer knows to re-filter. A watcher that fails (its root vanished, the OS ran out of watches) re-arms
after a pause instead of ending, so one bad moment never stops live updates for good.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from core.workspace.ignore import GIT_DIR, IgnoreRules

log = logging.getLogger(__name__)

_GIT_STATE = ("HEAD", "index", "packed-refs", "MERGE_HEAD", "REBASE_HEAD", "CHERRY_PICK_HEAD", "FETCH_HEAD")
"""Files in .git whose change means status, branch or ahead/behind may have changed."""
_IGNORE_FILES = (".gitignore",)
_RETRY_DELAY = 1.0


class ChangeKind(StrEnum):
    ADDED = "added"
    MODIFIED = "modified"
    DELETED = "deleted"


_KINDS = {1: ChangeKind.ADDED, 2: ChangeKind.MODIFIED, 3: ChangeKind.DELETED}
"""watchfiles.Change values (an IntEnum), so the module needn't import watchfiles up front."""


@dataclass(frozen=True, slots=True)
class WorkspaceChange:
    kind: ChangeKind
    path: str
    """POSIX path relative to the workspace root."""


@dataclass(frozen=True, slots=True)
class ChangeBatch:
    """Changes that settled within one debounce window."""

    changes: tuple[WorkspaceChange, ...]
    """Visible workspace paths that changed, sorted by path."""
    git_state_changed: bool = False
    """HEAD, the index or a ref moved: refresh git status and the branch."""
    ignore_rules_changed: bool = False
    """A .gitignore or .git/info/exclude changed: visible paths may have changed without events of their own."""


class WorkspaceWatcher:
    """Watches one workspace folder recursively and yields ``ChangeBatch``es."""

    def __init__(
        self,
        root: Path,
        exclude: Sequence[str] = (),
        *,
        respect_gitignore: bool = True,
        debounce_ms: int = 150,
        force_polling: bool | None = None,
    ) -> None:
        self.root = Path(os.path.abspath(root))
        self.debounce_ms = debounce_ms
        """How long events must settle before a batch is yielded."""
        self.rules = IgnoreRules(self.root, exclude, respect_gitignore=respect_gitignore)
        """The filter; invalidated here whenever an ignore file changes."""
        self._force_polling = force_polling
        self._real_root = os.path.realpath(self.root)

    async def batches(self, stop: asyncio.Event | None = None) -> AsyncGenerator[ChangeBatch, None]:
        """Batches until ``stop`` is set or the consumer stops iterating; empty batches are skipped."""
        import watchfiles  # deferred: it pulls in multiprocessing, which start-up does not need

        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                async for raw in watchfiles.awatch(
                    self.root,
                    watch_filter=self._wanted,
                    debounce=max(self.debounce_ms, 1),
                    stop_event=stop,
                    force_polling=self._force_polling,
                    ignore_permission_denied=True,
                ):
                    batch = self.fold([(_KINDS[int(change)], path) for change, path in raw])
                    if batch.changes or batch.git_state_changed or batch.ignore_rules_changed:
                        yield batch
                return
            except (OSError, RuntimeError) as exc:  # watchfiles raises these when the OS watch breaks
                log.warning("workspace watcher for %s failed (%s); re-arming", self.root, exc)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), _RETRY_DELAY)

    def fold(self, raw: Sequence[tuple[ChangeKind, str]]) -> ChangeBatch:
        """Turn raw (kind, absolute path) events into one batch of visible changes."""
        kinds: dict[str, set[ChangeKind]] = {}
        git_state = ignore_rules = False
        for kind, path in raw:
            rel = self._relative(path)
            if rel is None or rel == "":
                continue
            if rel == GIT_DIR or rel.startswith(GIT_DIR + "/"):
                inner = rel[len(GIT_DIR) + 1 :]
                if inner == "info/exclude":
                    ignore_rules = True
                else:
                    git_state = True
                continue
            if rel.rpartition("/")[2] in _IGNORE_FILES:
                ignore_rules = True
            kinds.setdefault(rel, set()).add(kind)
        if ignore_rules:
            self.rules.invalidate()
        changes = []
        for rel in sorted(kinds):
            if not self._visible(rel):
                continue
            changes.append(WorkspaceChange(_settle(self.root / rel, kinds[rel]), rel))
        return ChangeBatch(tuple(changes), git_state_changed=git_state, ignore_rules_changed=ignore_rules)

    def _wanted(self, _change: object, path: str) -> bool:
        """Cheap pre-filter run for every raw event: drop git's object store churn before it is batched."""
        rel = self._relative(path)
        if rel is None:
            return False
        if rel == GIT_DIR or rel.startswith(GIT_DIR + "/"):
            inner = rel[len(GIT_DIR) + 1 :]
            return inner in _GIT_STATE or inner.startswith("refs/") or inner == "info/exclude"
        return True

    def _relative(self, path: str) -> str | None:
        for base in (os.fspath(self.root), self._real_root):
            if path == base:
                return ""
            if path.startswith(base + os.sep):
                return path[len(base) + 1 :].replace(os.sep, "/")
        return None

    def _visible(self, rel: str) -> bool:
        parent = rel.rpartition("/")[0]
        if self.rules.is_inside_ignored(parent):
            return False
        is_dir = os.path.isdir(self.root / rel)
        if self.rules.has_exclusions and (self.rules.is_excluded(rel, is_dir) or _inside_excluded(self.rules, parent)):
            return False
        return not self.rules.is_gitignored(rel, is_dir)


def _inside_excluded(rules: IgnoreRules, rel_dir: str) -> bool:
    while rel_dir:
        if rules.is_excluded(rel_dir, True):
            return True
        rel_dir = rel_dir.rpartition("/")[0]
    return False


def _settle(path: Path, kinds: set[ChangeKind]) -> ChangeKind:
    """One kind for a path that had several events in one window, from where it stands now."""
    if len(kinds) == 1:
        return next(iter(kinds))
    if not os.path.lexists(path):
        return ChangeKind.DELETED
    return ChangeKind.ADDED if ChangeKind.ADDED in kinds else ChangeKind.MODIFIED


__all__ = ["ChangeBatch", "ChangeKind", "WorkspaceChange", "WorkspaceWatcher"]
