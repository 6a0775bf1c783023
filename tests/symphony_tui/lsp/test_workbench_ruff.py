"""Formatting and quick fixes from the workbench, against a server that offers them: `ruff server`."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.lsp.registry import resolve_argv
from core.lsp.settings import ServerSpec
from symphony_tui.app import SymphonyApp
from symphony_tui.widgets.quick_pick import QuickPick
from tests.symphony_tui.lsp.test_workbench_jedi import SIZE, wait_until

pytestmark = pytest.mark.skipif(
    resolve_argv(ServerSpec(command=["ruff", "server"], languages=["python"])) is None, reason="ruff is not installed"
)

MESSY = "import os\nx = [1,2,\n  3]\n"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / ".symphony").mkdir(parents=True)
    (root / ".symphony" / "settings.toml").write_text(
        '[lsp]\nformat_on_save = true\n\n[lsp.servers.ruff]\ncommand = ["ruff", "server"]\nlanguages = ["python"]\n',
        encoding="utf-8",
    )
    (root / "messy.py").write_text(MESSY, encoding="utf-8")
    return root


async def test_format_document_then_remove_the_unused_import_with_a_quick_fix(workspace: Path) -> None:
    app = SymphonyApp(workspace, open_paths=[workspace / "messy.py"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = app.active_editor
        assert editor is not None
        await wait_until(pilot, lambda: editor.decorations.diagnostics)  # F401: os imported but unused
        await app.run_command("editor.formatDocument")
        await wait_until(pilot, lambda: editor.text == "import os\n\nx = [1, 2, 3]\n")
        editor.history.checkpoint()
        editor.undo()  # formatting is one undo step
        assert editor.text == MESSY
        editor.redo()
        editor.move_cursor((0, 7))
        await wait_until(pilot, lambda: editor.decorations.lightbulb_line == 0)  # the gutter offers a fix here
        app.dispatch("editor.codeActions")
        await wait_until(pilot, lambda: isinstance(app.screen, QuickPick))
        pick = app.screen
        assert isinstance(pick, QuickPick)
        await pilot.press(*"remove unused", "enter")
        await wait_until(pilot, lambda: editor.text == "\nx = [1, 2, 3]\n")


async def test_format_on_save_writes_the_formatted_text(workspace: Path) -> None:
    app = SymphonyApp(workspace, open_paths=[workspace / "messy.py"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = app.active_editor
        assert editor is not None
        await wait_until(pilot, lambda: app.lsp.manager and app.lsp.manager.server_for(app.lsp.document(editor).uri))  # type: ignore[union-attr]
        server = app.lsp.manager.server_for(app.lsp.document(editor).uri)  # type: ignore[union-attr]
        await wait_until(pilot, lambda: server.state.value == "running")  # type: ignore[union-attr]
        editor.insert("y=1\n", (3, 0))
        await app.run_command("file.save")
        assert (workspace / "messy.py").read_text(encoding="utf-8") == "import os\n\nx = [1, 2, 3]\ny = 1\n"
        assert not editor.dirty


async def test_format_selection_changes_only_the_selected_lines(workspace: Path) -> None:
    (workspace / "two.py").write_text("a=1\nb=2\nc=3\n", encoding="utf-8")
    app = SymphonyApp(workspace, open_paths=[workspace / "two.py"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = app.active_editor
        assert editor is not None
        await wait_until(pilot, lambda: app.lsp.running_server(app.lsp.document(editor)))  # type: ignore[arg-type]
        editor.select_line(1)
        await app.run_command("editor.formatSelection")
        await wait_until(pilot, lambda: editor.text != "a=1\nb=2\nc=3\n")
        assert editor.text == "a=1\nb = 2\nc=3\n"
