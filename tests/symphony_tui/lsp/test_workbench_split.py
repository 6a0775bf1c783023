"""The second pane of a split view gets every language feature the first one has, from the same real
jedi-language-server document: completion, signature help, hover, document highlights and diagnostics."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from symphony_tui.app import SymphonyApp
from tests.symphony_tui.lsp.test_workbench_jedi import SIZE, open_and_wait, split_pane, wait_until, workspace

__all__ = ["workspace"]


async def test_a_split_pane_of_the_same_file_completes_signs_hovers_and_shows_diagnostics(workspace: Path) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        owner = await open_and_wait(pilot, app, workspace / "main.py")
        twin = await split_pane(pilot, app, owner)
        assert app.lsp.document(twin) is app.lsp.document(owner)  # one document for the server
        twin.move_cursor((4, 0))
        # Completion opens in the pane typed in, and inserts there.
        await pilot.press(*"cfg.")
        completion = app.lsp.completion
        await wait_until(pilot, lambda: completion.visible and completion.state.start == (4, 4))  # type: ignore[union-attr]
        popup = completion.popup
        assert popup is not None and popup._placed[0] >= twin.region.x  # anchored in the second pane
        await pilot.press("h", "o", "enter")
        await wait_until(pilot, lambda: twin.document[4] == "cfg.home")
        assert owner.document[4] == "cfg.home" and twin.cursor_location == (4, 8)
        # Signature help follows the call typed in the second pane.
        await pilot.press("enter", *"greet(")
        signature = app.lsp.signature
        await wait_until(pilot, lambda: signature.visible)
        assert signature.popup is not None
        assert signature.popup._placed[0] == twin.cursor_screen_offset.x - 1  # anchored at this pane's cursor
        await pilot.press("escape")
        assert not signature.visible
        # A syntax error typed in the second pane is underlined in both panes.
        await pilot.press(*"(x +", "enter")
        await wait_until(pilot, lambda: any(mark.severity == 1 for mark in twin.decorations.diagnostics))
        assert twin.decorations is owner.decorations
        # Hover at the cursor and document highlights work from the second pane too.
        twin.move_cursor((2, 8))  # print(gr|eet("you"))
        await wait_until(pilot, lambda: [m.start[0] for m in twin.decorations.highlights][:2] == [0, 2])
        await app.run_command("editor.showHover")
        await wait_until(pilot, lambda: app.lsp.hover is not None and app.lsp.hover.is_mounted)
        hover = app.lsp.hover
        assert hover is not None and hover._placed[0] >= twin.region.x  # at the second pane's cursor
        body = hover.query_one("#hover-body", Static).content
        assert "Say hello to someone." in str(body.renderables[-1].markup)  # type: ignore[union-attr]
