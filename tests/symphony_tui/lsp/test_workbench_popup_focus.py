"""Completion, signature help and hover belong to the editor pane they opened in: when focus leaves that pane
(the other pane of a split, the explorer, quick open or the palette) or its tab is switched away, they close
instead of floating over what the user went to. Against a real jedi-language-server."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from symphony_tui.app import SymphonyApp
from symphony_tui.widgets.editor import Editor
from symphony_tui.widgets.quick_pick import QuickPick
from tests.symphony_tui.lsp.test_workbench_jedi import SIZE, open_and_wait, split_pane, wait_until, workspace

__all__ = ["workspace"]


async def _complete(pilot: Pilot[None], app: SymphonyApp, editor: Editor) -> None:
    """Type an attribute access on a new last line of ``editor`` and wait for its completion popup."""
    editor.move_cursor((editor.document.line_count - 1, 0))
    await pilot.press(*"cfg.")
    completion = app.lsp.completion
    await wait_until(pilot, lambda: completion.visible and completion.state.editor is editor)  # type: ignore[union-attr]


def _popups_on_screen(app: SymphonyApp) -> list[str]:
    completion, signature, hover = app.lsp.completion, app.lsp.signature, app.lsp.hover
    shown = []
    if completion.popup is not None and completion.popup.is_attached and completion.popup.display:
        shown.append("completion")
    if signature.popup is not None and signature.popup.is_attached:
        shown.append("signature")
    if hover is not None and hover.is_attached:
        shown.append("hover")
    return shown


async def test_completion_closes_when_focus_goes_to_the_other_split_pane_the_explorer_or_quick_open(
    workspace: Path,
) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        owner = await open_and_wait(pilot, app, workspace / "main.py")
        twin = await split_pane(pilot, app, owner)
        # The other pane of the split.
        await _complete(pilot, app, twin)
        await pilot.click(owner)
        await wait_until(pilot, lambda: owner.has_focus)
        await wait_until(pilot, lambda: not _popups_on_screen(app))
        assert not app.lsp.completion.visible
        # The explorer (alt+e).
        await _complete(pilot, app, owner)
        await pilot.press("alt+e")
        await wait_until(pilot, lambda: not owner.has_focus)
        await wait_until(pilot, lambda: not _popups_on_screen(app))
        # Quick open (ctrl+p): a modal screen over the editor, which keeps its focus behind it.
        owner.focus()
        await _complete(pilot, app, owner)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, QuickPick))
        await wait_until(pilot, lambda: not _popups_on_screen(app))
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, QuickPick))
        assert not _popups_on_screen(app)


async def test_signature_help_and_hover_close_when_focus_leaves_the_pane_and_on_a_tab_switch(
    workspace: Path,
) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_and_wait(pilot, app, workspace / "util.py")
        main = await open_and_wait(pilot, app, workspace / "main.py")
        twin = await split_pane(pilot, app, main)
        twin.move_cursor((4, 0))
        await pilot.press(*"greet(")
        signature = app.lsp.signature
        await wait_until(pilot, lambda: signature.visible)
        await pilot.click(main)
        await wait_until(pilot, lambda: not _popups_on_screen(app))
        # Hover asked for at the cursor closes when focus goes elsewhere too.
        main.move_cursor((2, 8))
        await app.run_command("editor.showHover")
        await wait_until(pilot, lambda: _popups_on_screen(app) == ["hover"])
        await pilot.press("alt+e")
        await wait_until(pilot, lambda: not _popups_on_screen(app))
        # Switching the tab (ctrl+pageup) closes the completion popup of the document left behind.
        main.focus()
        await _complete(pilot, app, main)
        await pilot.press("ctrl+pageup")
        await wait_until(
            pilot, lambda: app.active_editor is not None and app.active_editor.state.path.name == "util.py"
        )  # type: ignore[union-attr]
        await wait_until(pilot, lambda: not _popups_on_screen(app))
