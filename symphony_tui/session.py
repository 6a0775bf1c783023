"""Session restore, UI side: capture the open tabs and layout, save them while Symphony runs, bring them back.

The session is saved every few seconds when it changed and when the user quits, so even a killed Symphony comes
back with (nearly) the tabs it had; unsaved text comes back through hot exit (``editor_hotexit``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import SymphonyError
from core.workspace.session import SessionState, SessionStore, TabState

if TYPE_CHECKING:
    from symphony_tui.app import SymphonyApp
    from symphony_tui.widgets.editor import Editor

log = logging.getLogger(__name__)

SAVE_EVERY = 3.0
"""Seconds between checks for a changed session (a killed Symphony loses at most this much layout)."""


class SessionKeeper:
    """Captures, saves and restores one app's session."""

    def __init__(self, app: SymphonyApp, store: SessionStore | None = None) -> None:
        self._app = app
        self.store = store or SessionStore(app.workspace)
        """Where the session is kept."""
        self._last_saved: SessionState | None = None
        self._restoring = False

    def start(self) -> None:
        """Save the session periodically from now on."""
        self._app.set_interval(SAVE_EVERY, self.save_if_changed, name="session-save")

    def capture(self) -> SessionState:
        """The workbench as it is now."""
        from symphony_tui.widgets.explorer import Explorer
        from symphony_tui.widgets.terminal_panel import TerminalPanel

        app = self._app
        tabs: list[TabState] = []
        active_index: int | None = None
        active = app.active_editor
        for editor in app.editors:
            path = editor.state.path
            if path is None:
                continue  # untitled buffers come back through hot exit (when they hold text)
            if editor is active:
                active_index = len(tabs)
            offset = editor.scroll_offset
            twin = next((peer for peer in editor.split_peers if peer.split_of is editor), None)
            tabs.append(
                TabState(
                    path=app.workspace_relative(path) or str(path),
                    cursor=editor.cursor_location,
                    scroll=(offset.x, offset.y),
                    language=editor.language_id if editor.language_overridden else None,
                    split_cursor=twin.cursor_location if twin is not None else None,
                )
            )
        explorer = app.query_one(Explorer)
        width = explorer.styles.width
        panel = app.query_one(TerminalPanel)
        side = app.workspace_ui
        return SessionState(
            tabs=tuple(tabs),
            active=active_index,
            explorer_visible=side.side_visible,
            explorer_width=int(width.value) if width is not None and width.is_cells else None,
            terminal_visible=panel.is_open,
            extra={"side_view": side.side_view},
        )

    def save_if_changed(self) -> None:
        """Write the session if it differs from the last one written."""
        if self._restoring:
            return
        try:
            state = self.capture()
        except Exception:  # a half-built or closing workbench: try again next time
            log.debug("session not captured", exc_info=True)
            return
        if state == self._last_saved:
            return
        try:
            self.store.save(state)
        except SymphonyError as exc:
            log.warning("session not saved: %s", exc.message)
            return
        self._last_saved = state

    async def restore(self) -> Editor | None:
        """Reopen the last session's tabs and layout; returns the editor that was active, if any."""
        state = self.store.load()
        if state is None:
            return None
        self._restoring = True
        try:
            return await self._restore(state)
        finally:
            self._restoring = False
            self._last_saved = state

    async def _restore(self, state: SessionState) -> Editor | None:
        from symphony_tui.workspace_ui.controller import SIDE_VIEWS

        app = self._app
        side = app.workspace_ui
        if state.explorer_width is not None:
            for name in SIDE_VIEWS:
                side.side_widget(name).styles.width = state.explorer_width
        view = state.extra.get("side_view")
        if state.explorer_visible:
            side.show_side(view if view in SIDE_VIEWS else "explorer", focus=False)
        elif side.side_visible:
            for name in SIDE_VIEWS:
                side.side_widget(name).display = False
        active: Editor | None = None
        for index, tab in enumerate(state.tabs):
            path = Path(tab.path)
            path = path if path.is_absolute() else app.workspace / path
            if not path.is_file():
                continue  # deleted or moved since: nothing to reopen
            editor = await app.open_file(path)
            if editor is None:
                continue
            if tab.language is not None and tab.language != editor.language_id:
                editor.set_language(tab.language)
            row = min(tab.cursor[0], editor.document.line_count - 1)
            editor.move_cursor((row, min(tab.cursor[1], len(editor.document[row]))))
            x, y = tab.scroll
            editor.call_after_refresh(editor.scroll_to, x, y, animate=False)
            if tab.split_cursor is not None:
                await self._restore_split(editor, tab.split_cursor)
            if index == state.active:
                active = editor
        if state.terminal_visible:
            await app.run_command("terminal.new")
        return active

    async def _restore_split(self, editor: Editor, cursor: tuple[int, int]) -> None:
        """Split ``editor`` again, the second pane's cursor where it was; the first pane keeps the focus."""
        from symphony_tui.widgets.editor_commands import split_editor

        twin = await split_editor(self._app, editor)
        row = min(cursor[0], twin.document.line_count - 1)
        twin.move_cursor((row, min(cursor[1], len(twin.document[row]))))
        twin.scroll_cursor_visible(center=True)
        editor.focus()
