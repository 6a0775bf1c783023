"""What a person sees of the language features added to split views and signature help (SVG snapshots under
snapshots/), against the small pygls server of features_server.py."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from symphony_tui.app import SymphonyApp
from tests.symphony_tui.lsp.test_workbench_features import features_workspace, signature_lines
from tests.symphony_tui.lsp.test_workbench_jedi import wait_until

SIZE = (110, 24)


def test_second_pane_of_a_split_with_an_overload_picked_and_a_deprecated_name(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = features_workspace(tmp_path, {"calls.py": "old_f()\nvalue = Klass\n\n"})
    app = SymphonyApp(root, open_paths=[root / "calls.py"], watch_config=False)

    async def run_before(pilot: Pilot[None]) -> None:
        editor = app.active_editor
        assert editor is not None
        app.query_one("#explorer").display = False
        await wait_until(pilot, lambda: 1 in editor.decorations.semantic)
        await app.run_command("editor.split")
        await pilot.pause()
        twin = app.active_editor
        assert twin is not None and twin is not editor
        twin.move_cursor((2, 0))
        await pilot.press(*"pick(1, ")
        await wait_until(pilot, lambda: app.lsp.signature.visible and signature_lines(app)[1] == "b: int")
        await pilot.press("alt+down")
        await wait_until(pilot, lambda: signature_lines(app)[0].startswith("pick(a: str"))
        await wait_until(pilot, lambda: 1 in editor.decorations.semantic and 2 not in editor.decorations.semantic)
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_completion_list_with_the_highlighted_items_documentation_beside_it(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.symphony_tui.lsp.test_workbench_completion import _workspace

    root = _workspace(tmp_path)
    app = SymphonyApp(root, open_paths=[root / "main.py"], watch_config=False)

    async def run_before(pilot: Pilot[None]) -> None:
        editor = app.active_editor
        assert editor is not None
        app.query_one("#explorer").display = False
        await wait_until(pilot, lambda: app.lsp.running_server(app.lsp.document(editor)) is not None)  # type: ignore[arg-type]
        editor.move_cursor((2, 0))
        await pilot.press("g", "r", "e")
        completion = app.lsp.completion
        await wait_until(pilot, lambda: completion.visible and completion.popup.docs.display)  # type: ignore[union-attr]
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
