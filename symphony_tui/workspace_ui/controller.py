"""WorkspaceUI: the glue between the workspace services in core (file operations, git, the watcher) and the
side bar's views. The app owns one; commands in ``workspace_ui.commands`` call it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from textual.widget import Widget

from core.errors import SymphonyError
from core.workspace.fileops import FileOperation, FileOperations, OperationKind
from symphony_tui.workspace_ui.lifetime import drop_when_unmounted

if TYPE_CHECKING:
    from core.workspace.git import GitRepository, RepoStatus
    from core.workspace.git import GutterMark as GitMark
    from core.workspace.search import ReplaceOutcome
    from core.workspace.watcher import ChangeBatch
    from symphony_tui.app import SymphonyApp
    from symphony_tui.widgets.diff_view import DiffMode, DiffView
    from symphony_tui.widgets.editor import Editor
    from symphony_tui.widgets.explorer import Explorer

log = logging.getLogger(__name__)

SIDE_VIEWS = ("explorer", "search-panel", "scm-panel", "outline-panel")
"""The side bar's views by widget id, in activity-bar order."""


def side_views(app: SymphonyApp, width: int) -> Iterator[Widget]:
    """The side bar views besides the explorer, hidden until chosen."""
    from symphony_tui.widgets.outline_panel import OutlinePanel
    from symphony_tui.widgets.scm_panel import ScmPanel
    from symphony_tui.widgets.search_panel import SearchPanel

    exclude = tuple(app.settings.explorer.exclude)
    for view in (
        SearchPanel(app.workspace, exclude=exclude, id="search-panel"),
        ScmPanel(id="scm-panel"),
        OutlinePanel(id="outline-panel"),
    ):
        view.display = False
        view.styles.width = width
        yield view


class WorkspaceUI:
    """Owns the workspace's file operations, git repository and watcher for one app, and the side bar views."""

    def __init__(self, app: SymphonyApp) -> None:
        self.app = app
        self.fileops = FileOperations(app.workspace)
        """File operations with undo of the last one."""
        self.repo: GitRepository | None = None
        """The git repository holding the workspace (None outside git: Source Control stays hidden)."""
        self.status: RepoStatus | None = None
        """The last git status."""
        self.cut: tuple[Path, ...] = ()
        """Entries cut in the explorer, moved by the next paste."""
        self.side_view = "explorer"
        """The side bar view shown when the side bar is visible."""
        self._stop = asyncio.Event()
        self._watch_task: asyncio.Task[None] | None = None
        self._git_ready = asyncio.Event()
        self.gutter: dict[Path, tuple[GitMark, ...]] = {}
        """The last git gutter markers per open file."""
        self.last_replace: ReplaceOutcome | None = None
        """The last replace-in-files, which 'Search: Undo Replace All' puts back."""
        """The last git gutter markers per open file."""

    # ----------------------------------------------------------------- lifecycle

    def start(self, *, watch: bool = True) -> None:
        """Open the repository and start the watcher (called once the UI is mounted)."""
        self.app.run_worker(self._open_repository(), name="git-open", group="git")
        if watch:
            self._watch_task = asyncio.get_running_loop().create_task(self._watch(), name="workspace-watch")

    async def stop(self) -> None:
        self._stop.set()
        if self._watch_task is not None:
            self._watch_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._watch_task

    async def _open_repository(self) -> None:
        from core.workspace.git import GitRepository

        try:
            self.repo = await GitRepository.open(self.app.workspace)
        except SymphonyError as exc:
            log.warning("git unavailable: %s", exc.message)
            self.repo = None
        self._git_ready.set()
        await self.refresh_git()

    async def wait_git(self) -> GitRepository | None:
        """The repository once it has been looked for."""
        await self._git_ready.wait()
        return self.repo

    async def _watch(self) -> None:
        from core.workspace.watcher import WorkspaceWatcher

        s = self.app.settings.explorer
        watcher = WorkspaceWatcher(self.app.workspace, s.exclude, respect_gitignore=s.respect_gitignore)
        try:
            async for batch in watcher.batches(self._stop):
                self._apply_batch(batch)
        except Exception:  # the watcher failing alone must not take the workbench down
            log.exception("workspace watcher stopped")

    @drop_when_unmounted
    def _apply_batch(self, batch: ChangeBatch) -> None:
        explorer = self.explorer
        folders = {(self.app.workspace / change.path).parent for change in batch.changes}
        for folder in sorted(folders):
            explorer.refresh_folder(folder)
        if batch.ignore_rules_changed:
            explorer.model.invalidate()
            explorer.refresh_folder(self.app.workspace)
        if self.app.file_index is not None and any(change.kind != "modified" for change in batch.changes):
            self.app.index_files()  # re-list in the background; quick open keeps the old list until then
        if self.repo is not None and (batch.changes or batch.git_state_changed):
            self.app.run_worker(self.refresh_git(), name="git-status", group="git", exclusive=True)

    # ----------------------------------------------------------------- git

    @drop_when_unmounted
    async def refresh_git(self) -> None:
        """Read git status and show it: explorer colours, status bar branch, Source Control view."""
        from symphony_tui.widgets.status_bar import StatusBar

        repo = self.repo
        status_bar = self.app.query_one(StatusBar)
        if repo is None:
            self.status = None
            status_bar.show_branch("")
            self._update_scm()
            return
        try:
            status = await repo.status()
        except SymphonyError as exc:
            log.warning("git status failed: %s", exc.message)
            return
        self.status = status
        kinds: dict[str, str] = {}
        for entry in status.entries:
            rel = self.app.workspace_relative(repo.top / entry.path)
            if rel is not None:
                kinds[Path(rel).as_posix()] = entry.kind.value
        self.explorer.set_git_status(kinds if self.app.settings.explorer.git_status else {})
        branch = status.branch
        name = branch.head or (branch.oid[:8] if branch.oid else "")
        counts = ""
        if branch.upstream is not None and (branch.ahead or branch.behind):
            counts = f" ↓{branch.behind}↑{branch.ahead}"
        status_bar.show_branch(f"⎇ {name}{counts}" if name else "")
        self._update_scm()

    def _update_scm(self) -> None:
        from symphony_tui.widgets.scm_panel import ScmPanel

        for panel in self.app.query(ScmPanel):
            panel.show_status(self.repo, self.status)

    # ----------------------------------------------------------------- side bar

    @property
    def explorer(self) -> Explorer:
        from symphony_tui.widgets.explorer import Explorer

        return self.app.query_one(Explorer)

    def side_widget(self, view: str) -> Widget:
        return self.app.query_one(f"#{view}", Widget)

    def show_side(self, view: str, *, focus: bool = True) -> None:
        """Show one side bar view (hiding the others) and focus it."""
        self.side_view = view
        for name in SIDE_VIEWS:
            widget = self.side_widget(name)
            widget.display = name == view
        widget = self.side_widget(view)
        if view == "outline-panel":
            self.app._schedule_follow()  # the outline is only kept up to date while shown
        if focus:
            target = getattr(widget, "focus_target", None)
            (target() if callable(target) else widget).focus()

    @property
    def side_visible(self) -> bool:
        return any(self.side_widget(name).display for name in SIDE_VIEWS)

    def toggle_side(self) -> None:
        """Hide the side bar, or bring back the view last shown."""
        if self.side_visible:
            for name in SIDE_VIEWS:
                self.side_widget(name).display = False
            if (editor := self.app.active_editor) is not None:
                editor.focus()
        else:
            self.show_side(self.side_view)

    def set_side_visible(self, visible: bool) -> None:
        """Show the side bar (its current view) or hide it, without moving the focus."""
        for name in SIDE_VIEWS:
            self.side_widget(name).display = visible and name == self.side_view

    def set_side_width(self, width: int) -> None:
        """Apply ``explorer.width`` to every side view (and, as settings changed, the search's exclude list)."""
        for name in SIDE_VIEWS:
            self.side_widget(name).styles.width = width
        from symphony_tui.widgets.search_panel import SearchPanel

        self.app.query_one(SearchPanel).exclude = tuple(self.app.settings.explorer.exclude)

    # ----------------------------------------------------------------- file operations

    def after_operation(self, operation: FileOperation | None, *, undone: bool = False) -> None:
        """Refresh the folders an operation touched and make open editors follow moved files."""
        if operation is None:
            return
        touched = {path.parent for path in (*operation.sources, *operation.targets)}
        for folder in sorted(touched):
            self.explorer.refresh_folder(folder)
        if operation.kind is OperationKind.MOVE:
            pairs = zip(operation.sources, operation.targets, strict=True)
            self.follow_moves((target, source) if undone else (source, target) for source, target in pairs)
        if self.app.file_index is not None:
            self.app.index_files()
        if self.repo is not None:
            self.app.run_worker(self.refresh_git(), name="git-status", group="git", exclusive=True)

    def follow_moves(self, moves: Iterable[tuple[Path, Path]]) -> None:
        """Rebind editors of moved files (and of files inside moved folders) to their new paths."""
        for source, target in moves:
            for editor in self.app.editors:
                path = editor.state.path
                if path is None:
                    continue
                if path == source:
                    editor.follow_move(target)
                elif path.is_relative_to(source):
                    editor.follow_move(target / path.relative_to(source))
                else:
                    continue
                # The language server still had the old URI: the Problems panel listed the old name and features
                # asked about a file that no longer exists. It reopens the document under the new one.
                self.app.lsp.saved(editor)

    # ----------------------------------------------------------------- diff view and hunks

    def repo_path(self, path: Path) -> str | None:
        """``path`` relative to the repository's top folder (POSIX), or None outside it."""
        if self.repo is None:
            return None
        try:
            return path.resolve().relative_to(self.repo.top.resolve()).as_posix()
        except ValueError:
            return None

    async def open_diff(self, rel: str, mode: DiffMode) -> DiffView | None:
        """Show (or refresh) the diff tab of repository path ``rel`` in ``mode``."""
        from textual.widgets import TabPane

        from symphony_tui.widgets.diff_view import DiffView

        if self.repo is None:
            self.app.notify("This folder is not in a git repository.", title="Source Control")
            return None
        view_id = f"diff-{mode}-{_slug(rel)}"
        existing = self.app.query(f"#{view_id}")
        if existing:
            view = existing.first(DiffView)
        else:
            view = DiffView(rel, mode, id=view_id)
            label = {"head": "HEAD", "unstaged": "Working", "staged": "Index"}[mode]
            pane = TabPane(f"Δ {Path(rel).name} ({label})", view, id=f"pane-{view_id}")
            await self.app.tabs.add_pane(pane)
            self.app._update_welcome()
        await self.reload_diff(view)
        pane_id = f"pane-{view_id}"
        self.app.tabs.active = pane_id
        view.query_one("#diff-rows").focus()
        return view

    @drop_when_unmounted
    async def reload_diff(self, view: DiffView) -> None:
        """Recompute a diff view's rows from git and the disk."""
        from symphony_tui.widgets.diff_view import head_diff_lines, hunk_lines

        repo = self.repo
        if repo is None:
            return
        try:
            if view.mode == "head":
                head = await repo.head_bytes(view.path)
                old = "" if head is None else head.decode("utf-8", errors="replace").replace("\r\n", "\n")
                try:
                    new = (repo.top / view.path).read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
                except OSError:
                    new = ""
                view.show(head_diff_lines(old, new))
            else:
                hunks = await repo.hunks(view.path, staged=view.mode == "staged")
                view.show(hunk_lines(hunks), hunks)
        except SymphonyError as exc:
            self.app.notify(f"{exc.message}\n{exc.hint}", title="Diff failed", severity="error")

    # ----------------------------------------------------------------- gutter

    @drop_when_unmounted
    async def update_gutter(self, editor: Editor) -> None:
        """Diff the buffer against the index (off the UI thread) and show added/modified/deleted markers."""
        repo, path = self.repo, editor.state.path
        if repo is None or path is None:
            return
        rel = self.repo_path(path)
        if rel is None:
            return
        try:
            marks = await repo.gutter(rel, editor.text)
        except SymphonyError:
            return
        self.gutter[path] = marks
        show_git_gutter(editor, marks)


def show_git_gutter(editor: Editor, marks: tuple[GitMark, ...]) -> None:
    """Hand the markers to the editor's decorations API (source "git"), when the editor has one."""
    set_decorations = getattr(editor, "set_decorations", None)
    if set_decorations is None:
        return
    from symphony_tui.workspace_ui.gutter import decorations_for

    set_decorations("git", gutter=decorations_for(marks))


def _slug(rel: str) -> str:
    return "".join(char if char.isalnum() else "-" for char in rel)
