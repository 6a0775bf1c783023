"""Workspace commands: the side bar views, explorer file operations, find/replace in files, source control."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import SymphonyError, ValidationError
from symphony_tui.widgets.dialogs import Choice, ChoiceDialog, InputDialog

if TYPE_CHECKING:
    from core.workspace.search import ReplaceOutcome
    from symphony_tui.app import SymphonyApp
    from symphony_tui.widgets.search_panel import SearchPanel


def register_workspace_commands(app: SymphonyApp) -> None:
    """Register the workspace commands on ``app.commands``."""
    add = app.commands.add
    ui = lambda: app.workspace_ui  # noqa: E731 - the controller exists once the app is constructed

    # ----------------------------------------------------------------- side bar

    def show(view: str) -> None:
        if view == "scm-panel" and ui().repo is None:
            app.notify("This folder is not in a git repository.", title="Source Control")
            return
        ui().show_side(view)

    async def show_search(query: str | None = None) -> None:
        panel = search_panel()
        ui().show_side("search-panel")
        editor = app.active_editor
        text = query if query is not None else (editor.selected_text if editor is not None else "")
        if text and "\n" not in text:
            panel.set_fields(text)

    add("view.showExplorer", "Show Explorer", "View", lambda: show("explorer"))
    add("view.showSearch", "Find in Files", "Search", show_search, args={"query": str})
    add("view.showSourceControl", "Show Source Control", "View", lambda: show("scm-panel"))
    add("view.showOutline", "Show Outline", "View", lambda: show("outline-panel"))

    # ----------------------------------------------------------------- explorer

    def explorer_ops() -> None:
        ui().explorer.set_cut(frozenset())

    async def ask(
        title: str, value: str = "", placeholder: str = "", select: tuple[int, int] | None = None
    ) -> str | None:
        return await app.push_screen_wait(InputDialog(title, value=value, placeholder=placeholder, select=select))

    def rel(path: Path) -> str:
        return app.shown_path(path)

    async def new_entry(folder_kind: bool, name: str | None = None) -> Path | None:
        explorer = ui().explorer
        where = explorer.target_folder()
        label = "folder" if folder_kind else "file"
        # The workspace root is named, not "/", which read as the root of the disk.
        shown = rel(where) if where != app.workspace else f"{app.workspace.name or app.workspace}/ (the workspace)"
        name = name or await ask(f"New {label} in {shown}", placeholder="name")
        if not name:
            return None
        fileops = ui().fileops
        try:
            created = fileops.create_folder(where / name) if folder_kind else fileops.create_file(where / name)
        except SymphonyError as exc:
            app.notify(f"{exc.message}\n{exc.hint}", title=f"Cannot create {label}", severity="error")
            return None
        ui().after_operation(fileops.last)
        explorer.reveal(created)
        if not folder_kind:
            await app.open_file(created)
        return created

    async def rename(name: str | None = None) -> Path | None:
        explorer = ui().explorer
        entry = explorer.cursor_entry
        if entry is None or entry.path == app.workspace:
            return None
        # As in VS Code, the name is selected without its extension: typing a new name keeps ".py".
        stem = len(Path(entry.name).stem) if not entry.is_dir else len(entry.name)
        name = name or await ask(f"Rename {rel(entry.path)}", value=entry.name, select=(0, stem))
        if not name or name == entry.name:
            return None
        fileops = ui().fileops
        try:
            target = fileops.rename(entry.path, name)
        except SymphonyError as exc:
            app.notify(f"{exc.message}\n{exc.hint}", title="Cannot rename", severity="error")
            return None
        ui().after_operation(fileops.last)
        explorer.reveal(target)
        return target

    async def delete(confirm: bool = True) -> bool:
        explorer = ui().explorer
        entry = explorer.cursor_entry
        if entry is None or entry.path == app.workspace:
            return False
        if confirm:
            kind = "folder and its contents" if entry.is_dir else "file"
            unsaved = [
                editor.state.path
                for editor in app.editors
                if editor.dirty and editor.state.path is not None and editor.state.path.is_relative_to(entry.path)
            ]
            warning = ""
            if unsaved:
                names = ", ".join(rel(path) for path in sorted(set(unsaved))[:3]) + (
                    " and more" if len(unsaved) > 3 else ""
                )
                warning = (
                    f"\n\n{names} {'has' if len(unsaved) == 1 else 'have'} unsaved changes: they stay in the "
                    "editor, and saving writes the file again."
                )
            choice = await app.push_screen_wait(
                ChoiceDialog(
                    f"Move {rel(entry.path)} to the trash?",
                    f"The {kind} can be restored with Undo File Operation (ctrl+z or u in the explorer) "
                    f"or from the trash.{warning}",
                    [Choice("delete", "Move to Trash", "t", "error"), Choice("cancel", "Cancel", "c")],
                )
            )
            if choice != "delete":
                return False
        fileops = ui().fileops
        try:
            await asyncio.to_thread(fileops.delete, entry.path)
        except SymphonyError as exc:
            app.notify(f"{exc.message}\n{exc.hint}", title="Cannot delete", severity="error")
            return False
        ui().after_operation(fileops.last)
        return True

    def cut() -> None:
        entry = ui().explorer.cursor_entry
        if entry is None or entry.path == app.workspace:
            return
        ui().cut = (entry.path,)
        ui().explorer.set_cut(frozenset(ui().cut))
        app.notify(f"Cut {rel(entry.path)}; paste it into a folder with p or ctrl+v.", title="Explorer")

    def paste() -> tuple[Path, ...]:
        sources = ui().cut
        if not sources:
            return ()
        explorer = ui().explorer
        folder = explorer.target_folder()
        fileops = ui().fileops
        try:
            moved = fileops.move(sources, folder)
        except SymphonyError as exc:
            app.notify(f"{exc.message}\n{exc.hint}", title="Cannot move", severity="error")
            return ()
        ui().cut = ()
        explorer_ops()
        ui().after_operation(fileops.last)
        explorer.reveal(moved[0])
        return moved

    async def move(source: str, folder: str, confirm: bool = True) -> tuple[Path, ...]:
        """Drag and drop: move ``source`` into ``folder`` after asking (like VS Code's confirmDragAndDrop)."""
        origin, destination = Path(source), Path(folder)
        if confirm:
            choice = await app.push_screen_wait(
                ChoiceDialog(
                    f"Move {rel(origin)} into {rel(destination) if destination != app.workspace else '/'}?",
                    "Undo File Operation (ctrl+z in the explorer) moves it back.",
                    [Choice("move", "Move", "m", "primary"), Choice("cancel", "Cancel", "c")],
                )
            )
            if choice != "move":
                return ()
        fileops = ui().fileops
        try:
            moved = fileops.move([origin], destination)
        except SymphonyError as exc:
            app.notify(f"{exc.message}\n{exc.hint}", title="Cannot move", severity="error")
            return ()
        ui().after_operation(fileops.last)
        ui().explorer.reveal(moved[0])
        return moved

    async def duplicate() -> Path | None:
        entry = ui().explorer.cursor_entry
        if entry is None or entry.path == app.workspace:
            return None
        fileops = ui().fileops
        try:
            copy = await asyncio.to_thread(fileops.duplicate, entry.path)
        except SymphonyError as exc:
            app.notify(f"{exc.message}\n{exc.hint}", title="Cannot duplicate", severity="error")
            return None
        ui().after_operation(fileops.last)
        ui().explorer.reveal(copy)
        return copy

    async def undo() -> None:
        fileops = ui().fileops
        try:
            operation = await asyncio.to_thread(fileops.undo)
        except SymphonyError as exc:
            app.notify(f"{exc.message}\n{exc.hint}", title="Cannot undo", severity="error")
            return
        if operation is None:
            app.notify("There is no file operation to undo.", title="Explorer")
            return
        ui().after_operation(operation, undone=True)
        app.notify(f"Undone: {operation.label}", title="Explorer")

    def reveal() -> None:
        editor = app.active_editor
        if editor is None or editor.state.path is None:
            return
        ui().show_side("explorer", focus=False)
        explorer = ui().explorer
        if explorer.reveal(editor.state.path):
            explorer.focus()

    def refresh() -> None:
        ui().explorer.model.invalidate()
        ui().explorer.reload()

    add("explorer.newFile", "New File...", "Explorer", lambda name=None: new_entry(False, name), args={"name": str})
    add("explorer.newFolder", "New Folder...", "Explorer", lambda name=None: new_entry(True, name), args={"name": str})
    add("explorer.rename", "Rename...", "Explorer", rename, args={"name": str})
    add("explorer.delete", "Move to Trash", "Explorer", delete, args={"confirm": bool})
    add("explorer.cut", "Cut", "Explorer", cut)
    add("explorer.paste", "Paste", "Explorer", paste)
    add("explorer.duplicate", "Duplicate", "Explorer", duplicate)
    add(
        "explorer.move",
        "Move",
        "Explorer",
        move,
        palette=False,
        args={"source": str, "folder": str, "confirm": bool},
        description="Move a file or folder into another folder (what dragging in the explorer does).",
    )
    add("explorer.undo", "Undo File Operation", "Explorer", undo)
    add("explorer.reveal", "Reveal Active File in Explorer", "Explorer", reveal)
    add("explorer.refresh", "Refresh Explorer", "Explorer", refresh)

    # ----------------------------------------------------------------- find / replace in files

    def search_panel() -> SearchPanel:
        from symphony_tui.widgets.search_panel import SearchPanel

        return app.query_one(SearchPanel)

    async def replace_all() -> ReplaceOutcome | None:
        from core.errors import ConflictError
        from core.workspace.search import apply_replace, plan_replace
        from symphony_tui.widgets.replace_preview import ReplacePreview

        panel = search_panel()
        if panel.searching and panel._worker is not None:
            await panel._worker.wait()
        query = panel.query_used
        if query is None or not panel.results.files:
            app.notify("Search first; replace-all changes the results shown.", title="Replace")
            return None
        replacement = panel.replacement
        dirty = {editor.state.path for editor in app.editors if editor.dirty and editor.state.path is not None}
        files = [item for item in panel.results.files if (panel.root / item.path) not in dirty]
        unsaved = [
            ConflictError(f"{item.path} has unsaved changes in an editor", hint="Save or revert it, then search again.")
            for item in panel.results.files
            if (panel.root / item.path) in dirty
        ]
        try:
            plan = await asyncio.to_thread(plan_replace, panel.root, query, replacement, files)
        except SymphonyError as exc:
            app.notify(f"{exc.message}\n{exc.hint}", title="Cannot replace", severity="error")
            return None
        from dataclasses import replace as with_changes

        plan = with_changes(plan, conflicts=(*unsaved, *plan.conflicts))
        if not await app.push_screen_wait(ReplacePreview(plan, replacement)):
            return None
        outcome = await asyncio.to_thread(apply_replace, plan)
        ui().last_replace = outcome
        for item in outcome.applied:
            editor = app.editor_for(item.path)
            if editor is not None and not editor.dirty:
                editor.reload_from_disk()
        changed = sum(len(item.changes) for item in plan.files if item.changes)
        message = f"Replaced {changed} line{'s' * (changed != 1)} in {len(outcome.applied)} files."
        if outcome.conflicts:
            message += "\nSkipped: " + "; ".join(conflict.message for conflict in outcome.conflicts)
        app.notify(message + "\nUndo with 'Search: Undo Replace All'.", title="Replace", timeout=10)
        panel.start_search()
        return outcome

    async def undo_replace() -> None:
        from core.workspace.search import undo_replace as undo_files

        outcome = ui().last_replace
        if outcome is None:
            app.notify("There is no replace-all to undo.", title="Replace")
            return
        refused = await asyncio.to_thread(undo_files, outcome)
        ui().last_replace = None
        for item in outcome.applied:
            editor = app.editor_for(item.path)
            if editor is not None and not editor.dirty:
                editor.reload_from_disk()
        if refused:
            app.notify("Not restored: " + "; ".join(error.message for error in refused), severity="warning")
        else:
            app.notify(f"Restored {len(outcome.applied)} files.", title="Replace")
        search_panel().start_search()

    add("search.replaceAll", "Replace All in Files", "Search", replace_all)
    add("search.undoReplace", "Undo Replace All", "Search", undo_replace)

    # ----------------------------------------------------------------- source control

    def current_scm() -> tuple[str, str] | None:
        from symphony_tui.widgets.scm_panel import ScmPanel

        item = app.query_one(ScmPanel).current()
        return None if item is None else (item[0], item[1].path)

    async def after_git() -> None:
        await ui().refresh_git()
        for view in diff_views():
            await ui().reload_diff(view)
        for editor in app.editors:
            app.run_worker(ui().update_gutter(editor), group="git-gutter")

    def diff_views() -> list:  # type: ignore[type-arg]
        from symphony_tui.widgets.diff_view import DiffView

        return list(app.query(DiffView))

    async def git_call(title: str, call) -> bool:  # type: ignore[no-untyped-def]
        try:
            await call
        except SymphonyError as exc:
            app.notify(f"{exc.message}\n{exc.hint}", title=title, severity="error")
            return False
        await after_git()
        return True

    async def stage(path: str | None = None) -> None:
        repo = ui().repo
        target = path or (current_scm() or ("", ""))[1]
        if repo is not None and target:
            await git_call("Cannot stage", repo.stage(target))

    async def unstage(path: str | None = None) -> None:
        repo = ui().repo
        target = path or (current_scm() or ("", ""))[1]
        if repo is not None and target:
            await git_call("Cannot unstage", repo.unstage(target))

    async def discard(path: str | None = None, confirm: bool = True) -> None:
        repo = ui().repo
        target = path or (current_scm() or ("", ""))[1]
        if repo is None or not target:
            return
        if confirm:
            choice = await app.push_screen_wait(
                ChoiceDialog(
                    f"Discard changes to {target}?",
                    "Unstaged changes are lost (an untracked file goes to the trash). This cannot be undone here.",
                    [Choice("discard", "Discard", "d", "error"), Choice("cancel", "Cancel", "c")],
                )
            )
            if choice != "discard":
                return
        if await git_call("Cannot discard", repo.discard(target)):
            editor = app.editor_for(repo.top / target)
            if editor is not None and not editor.dirty and (repo.top / target).exists():
                editor.reload_from_disk()

    async def commit(message: str | None = None) -> str | None:
        from symphony_tui.widgets.scm_panel import ScmPanel

        repo = ui().repo
        if repo is None:
            app.notify("This folder is not in a git repository.", title="Source Control")
            return None
        panel = app.query_one(ScmPanel)
        if message is None:
            message = panel.query_one("#scm-message").value  # type: ignore[attr-defined]
        status = ui().status
        if status is not None and not any(entry.staged for entry in status.entries):
            app.notify("Nothing is staged: stage files or hunks first (s).", title="Commit", severity="warning")
            return None
        try:
            oid = await repo.commit(message or "")
        except (SymphonyError, ValidationError) as exc:
            app.notify(f"{exc.message}\n{exc.hint}", title="Commit failed", severity="error")
            return None
        panel.clear_message()
        app.notify(f"Committed {oid[:8]}: {(message or '').splitlines()[0]}", title="Source Control")
        await after_git()
        return oid

    async def hunk(action: str, view_id: str) -> None:
        from symphony_tui.widgets.diff_view import DiffView

        repo = ui().repo
        found = app.query(f"#{view_id}") if view_id else None
        if repo is None or not found:
            return
        view = found.first(DiffView)
        current = view.current_hunk()
        if current is None:
            return
        if action == "discard":
            choice = await app.push_screen_wait(
                ChoiceDialog(
                    f"Discard this change to {view.path}?",
                    f"The change at line {current.new_start} goes back to the staged version.",
                    [Choice("discard", "Discard", "d", "error"), Choice("cancel", "Cancel", "c")],
                )
            )
            if choice != "discard":
                return
        call = {"stage": repo.stage_hunk, "unstage": repo.unstage_hunk, "discard": repo.discard_hunk}[action]
        await git_call(f"Cannot {action} the change", call(current))

    async def open_file() -> None:
        repo = ui().repo
        current = current_scm()
        if repo is not None and current is not None and (repo.top / current[1]).is_file():
            await app.open_file(repo.top / current[1])

    async def open_changes() -> None:
        editor = app.active_editor
        rel_path = ui().repo_path(editor.state.path) if editor is not None and editor.state.path else None
        if rel_path is None:
            app.notify("Open a file of the repository first.", title="Source Control")
            return
        await ui().open_diff(rel_path, "head")

    add("scm.stage", "Stage File", "Git", stage, args={"path": str})
    add("scm.unstage", "Unstage File", "Git", unstage, args={"path": str})
    add("scm.discard", "Discard Changes", "Git", discard, args={"path": str, "confirm": bool})
    add("scm.commit", "Commit Staged", "Git", commit, args={"message": str})
    add("scm.hunk", "Stage/Unstage/Discard Hunk", "Git", hunk, palette=False, args={"action": str, "view_id": str})
    add("scm.openFile", "Open File", "Git", open_file, palette=False)
    add("scm.openChanges", "Open Changes (against HEAD)", "Git", open_changes)
    add("scm.refresh", "Refresh", "Git", after_git)
