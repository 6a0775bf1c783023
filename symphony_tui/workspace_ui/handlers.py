"""The app's reactions to the workspace views' messages, as a mixin so app.py only names it.

Textual finds ``on_<message>`` methods along the class's MRO, so these run for SymphonyApp like its own."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from textual.css.query import NoMatches
from textual.widgets import TabbedContent, TabPane, TextArea

from core.errors import SymphonyError
from symphony_tui.debounce import Debounce
from symphony_tui.workspace_ui.lifetime import drop_when_unmounted

if TYPE_CHECKING:
    from core.keymap import Binding
    from symphony_tui.widgets.diff_view import DiffView
    from symphony_tui.widgets.editor import Editor
    from symphony_tui.widgets.explorer import Explorer
    from symphony_tui.widgets.outline_panel import OutlineTree
    from symphony_tui.widgets.scm_panel import ScmPanel
    from symphony_tui.widgets.search_panel import SearchPanel
    from symphony_tui.workspace_ui.controller import WorkspaceUI

log = logging.getLogger(__name__)

FOLLOW_DELAY_S = 0.25
"""Outline and blame follow the cursor after it rests this long (both cost a parse or a git call)."""


class WorkspaceMessages:
    """Handlers for the side bar views, the diff view, and cursor-following (outline, blame)."""

    workspace_ui: WorkspaceUI
    _follow_timer: Debounce | None = None
    _outline_for: tuple[int, int] | None = None

    # ----------------------------------------------------------------- search

    async def on_search_panel_preview(self, message: SearchPanel.Preview) -> None:
        from symphony_tui.commands.builtin import _goto

        app: Any = self
        focused = app.focused
        editor = await app.open_file(message.path)
        if editor is None:
            return
        _goto(editor, message.line)
        editor.cursor_location = (max(0, message.line - 1), message.column)
        if not message.focus and focused is not None and focused.is_attached:
            focused.focus()

    # ----------------------------------------------------------------- explorer

    def on_explorer_move_requested(self, message: Explorer.MoveRequested) -> None:
        app: Any = self
        app.dispatch("explorer.move", source=str(message.source), folder=str(message.folder))

    # ----------------------------------------------------------------- outline

    def on_outline_tree_jump(self, message: OutlineTree.Jump) -> None:
        app: Any = self
        editor = app.active_editor
        if editor is None:
            return
        start = message.symbol.selection.start
        editor.cursor_location = (start.line, start.column)
        editor.scroll_cursor_visible(center=True)
        editor.focus()

    @drop_when_unmounted
    def refresh_outline(self) -> None:
        """Re-read the active editor's symbols (in a thread: tree-sitter parses the whole file)."""
        app: Any = self
        from symphony_tui.widgets.outline_panel import OutlinePanel

        panel = app.query_one(OutlinePanel)
        editor: Editor | None = app.active_editor
        if editor is None:
            self._outline_for = None
            panel.show_symbols((), "No editor is open.")
            return
        app.run_worker(self._load_outline(editor), name="outline", group="outline", exclusive=True)

    @drop_when_unmounted
    async def _load_outline(self, editor: Editor) -> None:
        from core.workspace.symbols import has_outline, outline
        from symphony_tui.widgets.outline_panel import OutlinePanel

        app: Any = self
        panel = app.query_one(OutlinePanel)
        language = editor.state.language
        served = await app.lsp.document_outline(editor)  # the language server's symbols, when it offers them
        if served is not None:
            if editor.is_attached and editor is app.lsp.active_editor:
                with contextlib.suppress(NoMatches):  # the workbench is being torn down
                    panel.show_symbols(served)
                    panel.follow_cursor(*editor.cursor_location)
            return
        if not has_outline(language):
            panel.show_symbols((), f"No outline for {language} files.")
            return
        symbols = await asyncio.to_thread(outline, editor.text, language)
        if editor is not app.active_editor:
            return
        panel.show_symbols(symbols)
        row, column = editor.cursor_location
        panel.follow_cursor(row, column)

    # ----------------------------------------------------------------- following the cursor

    def on_text_area_selection_changed(self, event: TextArea.SelectionChanged) -> None:
        app: Any = self
        if event.text_area is app.active_editor:
            self._schedule_follow()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        app: Any = self
        if event.text_area is app.active_editor:
            self._outline_for = None  # the symbols moved: parse again
            self._schedule_follow()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self._outline_for = None
        self._schedule_follow()

    def _schedule_follow(self) -> None:
        if self._follow_timer is None:
            self._follow_timer = Debounce(FOLLOW_DELAY_S, self._follow, name="following the cursor")
        self._follow_timer.restart()

    @drop_when_unmounted
    def _follow(self) -> None:
        from symphony_tui.widgets.outline_panel import OutlinePanel

        app: Any = self
        try:
            editor = app.active_editor
            panel = app.query_one(OutlinePanel)
        except NoMatches:
            return  # the timer fired while the app was closing: its widgets are gone
        key = (id(editor), editor.document.line_count) if editor is not None else None
        if key != self._outline_for and panel.display:
            # Only while the outline is shown: re-reading a large file's symbols after each pause in typing
            # took seconds of UI time (showing the panel follows again, see WorkspaceUI.show_side).
            self._outline_for = key
            self.refresh_outline()
        elif editor is not None:
            panel.follow_cursor(*editor.cursor_location)
        if editor is not None and self.workspace_ui.repo is not None:
            app.run_worker(self._blame(editor), name="blame", group="git-blame", exclusive=True)
            app.run_worker(self.workspace_ui.update_gutter(editor), name="gutter", group="git-gutter", exclusive=True)
        else:
            from symphony_tui.widgets.status_bar import StatusBar

            app.query_one(StatusBar).show_blame("")

    @drop_when_unmounted
    async def _blame(self, editor: Editor) -> None:
        from symphony_tui.widgets.status_bar import StatusBar
        from symphony_tui.workspace_ui.blame import describe_blame

        app: Any = self
        repo = self.workspace_ui.repo
        path = editor.state.path
        status_bar = app.query_one(StatusBar)
        if repo is None or path is None:
            status_bar.show_blame("")
            return
        try:
            rel = path.resolve().relative_to(repo.top.resolve()).as_posix()
            row = editor.cursor_location[0]
            line = await repo.blame_line(rel, row, editor.text if editor.dirty else None)
        except (ValueError, SymphonyError):
            status_bar.show_blame("")  # untracked, outside the repository, or a line past the committed end
            return
        status_bar.show_blame(describe_blame(line))

    # ----------------------------------------------------------------- source control

    async def on_scm_panel_open_diff(self, message: ScmPanel.OpenDiff) -> None:
        await self.workspace_ui.open_diff(message.entry.path, "staged" if message.staged else "unstaged")

    async def on_scm_panel_commit(self, message: ScmPanel.Commit) -> None:
        app: Any = self
        await app.run_command("scm.commit", message=message.message)

    async def on_diff_view_hunk_action(self, message: DiffView.HunkAction) -> None:
        app: Any = self
        app.dispatch("scm.hunk", action=message.action, view_id=message.view.id or "")

    async def on_diff_view_reload_requested(self, message: DiffView.ReloadRequested) -> None:
        await self.workspace_ui.reload_diff(message.view)


def panel_owns_key(focused: Any, keybindings: Sequence[Binding], index: object) -> bool:
    """Whether a focused workspace view binds the key of global keybinding ``index`` itself.

    Views that set ``OWN_KEYS_WIN`` (explorer, Source Control, diff view, result trees) answer their own keys
    before the global keymap's editor commands (f2 renames the file in the explorer, not the symbol in the editor
    behind it), as VS Code's focused views do; other global commands, and keys the user bound, still win.
    """
    if not isinstance(index, int) or not 0 <= index < len(keybindings):
        return False
    if not keybindings[index].command.startswith("editor."):
        return False  # only editor commands yield: they act on an editor the user is not in
    key = keybindings[index].key
    node = focused
    while node is not None and hasattr(node, "_bindings"):
        if getattr(node, "OWN_KEYS_WIN", False) and node._bindings.key_to_bindings.get(key):
            return True
        node = node.parent
    return False


def pane_holding(widget: Any) -> TabPane | None:
    """The editor-area tab a widget sits in."""
    node = widget
    while node is not None and not isinstance(node, TabPane):
        node = node.parent
    return node


__all__ = ["FOLLOW_DELAY_S", "WorkspaceMessages", "pane_holding", "panel_owns_key"]
