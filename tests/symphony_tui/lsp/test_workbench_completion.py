"""Accepting a completion: the lazily resolved item brings documentation, a snippet whose tab stops the user
fills in turn, and an auto-import edit, all as one undo step."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from symphony_tui.app import SymphonyApp
from tests.symphony_tui.lsp.test_workbench_jedi import SIZE, wait_until

SERVER = Path(__file__).with_name("snippet_server.py")


async def test_a_snippet_completion_imports_its_name_and_walks_its_tab_stops(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    (root / ".symphony").mkdir(parents=True)
    command = json.dumps([sys.executable, str(SERVER)])
    (root / ".symphony" / "settings.toml").write_text(
        f'[lsp.servers.snippets]\ncommand = {command}\nlanguages = ["python"]\n', encoding="utf-8"
    )
    (root / "main.py").write_text("import os\n\n", encoding="utf-8")
    app = SymphonyApp(root, open_paths=[root / "main.py"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = app.active_editor
        assert editor is not None
        await wait_until(pilot, lambda: app.lsp.running_server(app.lsp.document(editor)))  # type: ignore[arg-type]
        editor.move_cursor((2, 0))
        await pilot.press("g", "r", "e")
        completion = app.lsp.completion
        await wait_until(pilot, lambda: completion.visible and completion.state.ranked[0].item.label == "greet")  # type: ignore[union-attr]
        # The highlighted item is resolved for its documentation.
        await wait_until(pilot, lambda: completion.popup.docs.display)  # type: ignore[union-attr]
        await pilot.press("tab")
        await wait_until(pilot, lambda: editor.text == "from util import greet\nimport os\n\ngreet(name, times)")
        assert editor.selected_text == "name"  # the first placeholder is selected
        await pilot.press(*"who")
        await pilot.press("tab")
        await wait_until(pilot, lambda: editor.selected_text == "times")
        await pilot.press("3", "tab")  # the last stop ($0): after the call
        await wait_until(pilot, lambda: editor.document[3] == "greet(who, 3)" and editor.cursor_location == (3, 13))
        assert completion.snippet is None
        editor.history.checkpoint()
        while "greet(" in editor.text:  # undo the typing in the placeholders, then the completion itself
            editor.undo()
        assert editor.text == "import os\n\ngre"  # the import went with the insertion: one step
