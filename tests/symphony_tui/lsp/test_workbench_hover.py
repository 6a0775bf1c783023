"""How long a hover stays, against a real jedi-language-server: as in VS Code it stays through refreshes that have
nothing to do with it (a notification toast, diagnostics and status updates) and closes once the text under it
moves away (scrolling) or the cursor leaves the place it describes."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from symphony_tui.app import SymphonyApp
from symphony_tui.widgets.editor import Editor
from tests.symphony_tui.lsp.test_workbench_jedi import SIZE, open_and_wait, wait_until, workspace

__all__ = ["workspace"]

LONG = "from util import greet\n" + "x = 1\n" * 100 + "greet('a')\n"


def _hover_shown(app: SymphonyApp) -> bool:
    return app.lsp.hover is not None and app.lsp.hover.is_attached


async def _show(pilot: Pilot[None], app: SymphonyApp, editor: Editor) -> None:
    editor.move_cursor((0, 18))  # on "greet"
    await app.run_command("editor.showHover")
    await wait_until(pilot, lambda: _hover_shown(app))


async def _settle(pilot: Pilot[None]) -> None:
    for _ in range(10):
        await pilot.pause(0.05)


async def test_hover_survives_unrelated_refreshes_and_closes_on_scroll_and_cursor_moves(workspace: Path) -> None:
    (workspace / "long.py").write_text(LONG, encoding="utf-8")
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_and_wait(pilot, app, workspace / "long.py")
        await _show(pilot, app, editor)
        # Unrelated refreshes: a toast, the status bar, a republish of the document's diagnostics.
        app.notify("something else happened")
        app.lsp.refresh_status()
        await _settle(pilot)
        assert _hover_shown(app)
        # Asking again while it shows replaces it (it used to fail mounting a second popup of the same id).
        await app.run_command("editor.showHover")
        await _settle(pilot)
        assert _hover_shown(app)
        # Scrolling: the text it describes moves away from under it.
        editor.scroll_to(y=20, animate=False)
        await wait_until(pilot, lambda: not _hover_shown(app))
        editor.scroll_to(y=0, animate=False)
        await _settle(pilot)
        # The cursor leaving the place (go to line, a click without mouse motion reported).
        await _show(pilot, app, editor)
        editor.move_cursor((1, 0))
        await wait_until(pilot, lambda: not _hover_shown(app))
        # Escape closes it and is used up.
        await _show(pilot, app, editor)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not _hover_shown(app))
        assert editor.cursor_location == (0, 18)
