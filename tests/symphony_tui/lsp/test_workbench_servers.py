"""Servers as the workbench finds them: Symphony's own manifest server for Symphony.toml, and one clear notice
when a language's server is not installed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from textual.widgets import Static

from core.lsp.settings import LspSettings
from symphony_tui.app import SymphonyApp
from tests.symphony_tui.lsp.test_workbench_jedi import SIZE, wait_until

HELLO = Path(__file__).parents[3] / "extensions" / "builtin" / "hello" / "Symphony.toml"
MANIFEST = HELLO.read_text(encoding="utf-8")


async def test_symphony_toml_gets_diagnostics_completion_and_hover_from_the_manifest_server(tmp_path: Path) -> None:
    root = tmp_path / "ext"
    root.mkdir()
    manifest = root / "Symphony.toml"
    manifest.write_text(MANIFEST.replace('version = "1.0.0"', 'version = "1.0.0"\nflavour = "mint"'), encoding="utf-8")
    app = SymphonyApp(root, open_paths=[manifest], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = app.active_editor
        assert editor is not None
        await wait_until(pilot, lambda: editor.decorations.diagnostics)
        mark = editor.decorations.diagnostics[0]
        assert mark.start[0] == 3 and "flavour" in mark.message  # on the unknown key's line
        server = app.lsp.manager.server_for(app.lsp.document(editor).uri)  # type: ignore[union-attr]
        assert server is not None and server.name == "symphony-manifest"
        # Removing the key clears the diagnostic.
        editor.replace("", (3, 0), (4, 0))
        await wait_until(pilot, lambda: not editor.decorations.diagnostics)
        # Hover on a key shows the schema's description.
        editor.move_cursor((1, 1))
        await app.run_command("editor.showHover")
        await wait_until(pilot, lambda: app.lsp.hover is not None)
        body = app.lsp.hover.query_one("#hover-body", Static).content  # type: ignore[union-attr]
        assert "Display name" in str(body.renderables[-1].markup)  # the schema's description of 'name'


async def test_a_missing_server_is_reported_once_with_its_install_hint(tmp_path: Path) -> None:
    root = tmp_path / "go"
    root.mkdir()
    for name in ("a.go", "b.go"):
        (root / name).write_text("package main\n", encoding="utf-8")
    app = SymphonyApp(root, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        manager = await app.lsp.ensure_manager()
        manager._which = lambda name: None  # nothing is installed on this machine
        await app.open_file(root / "a.go")
        await app.open_file(root / "b.go")
        await pilot.pause()
        notices = [n for n in app._notifications if n.title == "Language server missing"]
        assert len(notices) == 1
        assert "gopls" in notices[0].message and "go install golang.org/x/tools/gopls@latest" in notices[0].message
        assert LspSettings().resolved_servers()["gopls"].install_hint in notices[0].message


async def test_inlay_hints_from_a_server_are_drawn_after_the_line_end(tmp_path: Path) -> None:
    # The scripted pygls server registers inlay hints after initialize and answers ': int' at the range start.
    script = Path(__file__).parents[2] / "core" / "lsp" / "scripted_server.py"
    root = tmp_path / "ws"
    (root / ".symphony").mkdir(parents=True)
    (root / ".symphony" / "settings.toml").write_text(
        f"[lsp.servers.scripted]\ncommand = [{json.dumps(sys.executable)}, {json.dumps(str(script))}]\n"
        'languages = ["python"]\nsettings = { scripted = { answer = "hello" } }\n',
        encoding="utf-8",
    )
    (root / "hinted.py").write_text("x = 1\ny = 2\n", encoding="utf-8")
    app = SymphonyApp(root, open_paths=[root / "hinted.py"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = app.active_editor
        assert editor is not None
        await wait_until(pilot, lambda: editor.decorations.inlay)
        assert editor.decorations.inlay == {0: [": int"]}
        editor.decorations_changed()
        painted = "".join(segment.text for segment in editor._render_line(0))
        assert "x = 1   : int" in painted  # after the line (and the cursor's cell), never inside it
        assert editor.document[0] == "x = 1"  # virtual text: not in the document
