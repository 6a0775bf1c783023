"""Language features as the user meets them, against real servers: jedi-language-server where it offers the
feature, and a small pygls server (features_server.py) for overloaded signatures, semantic-token deltas and
ranges, several implementations and a server that never answers."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Static

from symphony_tui.app import SymphonyApp
from symphony_tui.lsp.panels import ProblemsPanel, ReferencesPanel
from symphony_tui.lsp.status import ProblemCounts
from symphony_tui.widgets.editor import Editor
from symphony_tui.widgets.quick_pick import QuickPick
from symphony_tui.workspace_ui.symbol_pick import SymbolTarget
from tests.symphony_tui.lsp.test_workbench_jedi import SIZE, open_and_wait, wait_until, workspace

__all__ = ["workspace"]

SERVER = Path(__file__).with_name("features_server.py")


def features_workspace(tmp_path: Path, files: dict[str, str], lsp_settings: str = "") -> Path:
    root = tmp_path / "features"
    (root / ".symphony").mkdir(parents=True)
    command = json.dumps([sys.executable, str(SERVER)])
    (root / ".symphony" / "settings.toml").write_text(
        f'[lsp]\n{lsp_settings}\n[lsp.servers.features]\ncommand = {command}\nlanguages = ["python"]\n',
        encoding="utf-8",
    )
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


async def open_with_server(pilot: Pilot[None], app: SymphonyApp, path: Path) -> Editor:
    editor = await app.open_file(path)
    assert editor is not None
    await wait_until(pilot, lambda: app.lsp.running_server(app.lsp.document(editor)))  # type: ignore[arg-type]
    return editor


async def stats(app: SymphonyApp) -> dict[str, int]:
    assert app.lsp.manager is not None
    answer: Any = await app.lsp.manager.servers[0].execute_command(lsp.Command("stats", "features.stats"))
    return dict(answer)


def signature_lines(app: SymphonyApp) -> tuple[str, str, str]:
    """The signature shown, its emphasised parameter, and the overload counter line."""
    popup = app.lsp.signature.popup
    assert popup is not None
    parts = popup.query_one("#hover-body", Static).content.renderables  # type: ignore[union-attr]
    label = parts[0]
    assert isinstance(label, Text)
    emphasised = "".join(label.plain[span.start : span.end] for span in label.spans)
    counter = parts[1].plain if len(parts) > 1 and isinstance(parts[1], Text) else ""
    return label.plain, emphasised, counter


async def test_signature_help_cycles_overloads_and_follows_the_argument_being_typed(tmp_path: Path) -> None:
    root = features_workspace(tmp_path, {"calls.py": "x = 1\n\n"})
    app = SymphonyApp(root, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_with_server(pilot, app, root / "calls.py")
        editor.move_cursor((1, 0))
        signature = app.lsp.signature
        await pilot.press(*"pick(")
        await wait_until(pilot, lambda: signature.visible)
        assert signature_lines(app) == ("pick(a: int, b: int)", "a: int", "1 of 2 signatures  (alt+↑ alt+↓)")
        # Typing the first argument and a comma moves the emphasis to the second parameter.
        await pilot.press("1", ",")
        await wait_until(pilot, lambda: signature_lines(app)[1] == "b: int")
        # alt+down shows the other overload; the text is left alone (alt+down otherwise moves the line).
        await pilot.press("alt+down")
        await wait_until(pilot, lambda: signature_lines(app)[0] == "pick(a: str, b: str, c: str)")
        assert signature_lines(app)[1:] == ("b: str", "2 of 2 signatures  (alt+↑ alt+↓)")
        assert editor.text == "x = 1\npick(1,)\n"  # (the closing bracket was auto-inserted)
        # The chosen overload stays while its arguments are typed (the server hears which one shows).
        await pilot.press(*" 'a', ")
        await wait_until(pilot, lambda: signature_lines(app)[1] == "c: str")
        assert signature_lines(app)[0] == "pick(a: str, b: str, c: str)"
        assert (await stats(app)).get("signature_retrigger", 0) >= 1
        # With several overloads, up and down cycle too (and wrap around), without moving the cursor.
        cursor = editor.cursor_location
        await pilot.press("down")
        await wait_until(pilot, lambda: signature_lines(app)[0] == "pick(a: int, b: int)")
        await pilot.press("up")
        await wait_until(pilot, lambda: signature_lines(app)[0] == "pick(a: str, b: str, c: str)")
        assert editor.cursor_location == cursor
        # Escape closes it; the next ',' brings it back.
        await pilot.press("escape")
        assert not signature.visible
        await pilot.press("'", "b", "'", ",")
        await wait_until(pilot, lambda: signature.visible)
        await pilot.press(")")
        await wait_until(pilot, lambda: not signature.visible)  # the call is closed


async def test_semantic_tokens_follow_edits_by_delta_and_modifiers_add_emphasis(tmp_path: Path) -> None:
    root = features_workspace(tmp_path, {"tokens.py": "old_f()\nthing = Klass\n"})
    app = SymphonyApp(root, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_with_server(pilot, app, root / "tokens.py")
        await wait_until(pilot, lambda: 1 in editor.decorations.semantic)
        assert editor.decorations.semantic[0] == [(0, 5, "function"), (0, 5, "~deprecated")]
        assert editor.decorations.semantic[1] == [(8, 13, "class")]
        editor.decorations_changed()
        struck = "".join(s.text for s in editor._render_line(0) if s.style is not None and s.style.strike)
        assert struck == "old_f"  # deprecated: struck through, in the function colour
        # An edit is answered with a delta on the last answer; the result is the same as a full answer.
        editor.insert("static_g = Klass\n", (1, 0))
        await wait_until(pilot, lambda: 2 in editor.decorations.semantic and 1 in editor.decorations.semantic)
        semantic = editor.decorations.semantic
        assert semantic[1] == [(0, 8, "function"), (0, 8, "~static"), (11, 16, "class")]
        assert semantic[2] == [(8, 13, "class")] and semantic[0][0] == (0, 5, "function")
        editor.replace("", (0, 0), (1, 0))  # delete the first line: tokens move up
        await wait_until(pilot, lambda: 2 not in editor.decorations.semantic and 0 in editor.decorations.semantic)
        assert editor.decorations.semantic[0][0] == (0, 8, "function")
        counts = await stats(app)
        assert counts["full"] == 1 and counts["delta"] >= 2 and "range" not in counts


async def test_a_big_file_asks_for_the_tokens_of_the_lines_in_view_and_again_after_scrolling(tmp_path: Path) -> None:
    text = "".join(f"value_{n} = Klass{n}\n" for n in range(3000))
    root = features_workspace(tmp_path, {"big.py": text})
    app = SymphonyApp(root, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_with_server(pilot, app, root / "big.py")
        await wait_until(pilot, lambda: 0 in editor.decorations.semantic)
        assert editor.decorations.semantic[0] == [(10, 16, "class")]
        assert max(editor.decorations.semantic) < 300  # only around the view
        counts = await stats(app)
        assert counts.get("range") == 1 and "full" not in counts
        editor.scroll_to(y=2500, animate=False)
        await wait_until(pilot, lambda: 2510 in editor.decorations.semantic)
        assert editor.decorations.semantic[2510] == [(13, 22, "class")]
        assert 0 in editor.decorations.semantic  # the lines fetched before are kept
        counts = await stats(app)
        assert counts.get("range") == 2 and counts.get("range_from_2400") == 1


async def test_several_implementations_open_in_the_references_panel_and_declaration_jumps(tmp_path: Path) -> None:
    source = "def f():\n    pass\n\n\nclass A:\n    pass\n\n\nclass B(A):\n    pass\n"
    root = features_workspace(tmp_path, {"shapes.py": source})
    app = SymphonyApp(root, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_with_server(pilot, app, root / "shapes.py")
        editor.move_cursor((8, 8))
        await pilot.press("ctrl+f12")
        await wait_until(pilot, lambda: app.query(ReferencesPanel) and app.query_one(ReferencesPanel).display)
        panel = app.query_one(ReferencesPanel)
        await wait_until(pilot, lambda: len([row for row in panel.rows if row is not None]) == 2)
        rows = [row for row in panel.rows if row is not None]
        assert [(row.line, row.column, row.text) for row in rows] == [(4, 6, "class A:"), (8, 6, "class B(A):")]
        assert editor.cursor_location == (8, 8)  # several answers: listed, not jumped to
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: editor.cursor_location == (8, 6))
        await app.run_command("editor.goToDeclaration")
        await wait_until(pilot, lambda: editor.cursor_location == (0, 4))


async def test_type_definition_and_declaration_from_jedi(workspace: Path) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        main = await open_and_wait(pilot, app, workspace / "main.py")
        main.move_cursor((2, 8))  # print(gr|eet("you")): declared by the import in this file
        await app.run_command("editor.goToDeclaration")
        await wait_until(pilot, lambda: main.cursor_location[0] == 0)
        assert main.document[0][main.cursor_location[1] :].startswith("greet")
        main.move_cursor((3, 1))  # c|fg = Config(): its type is the class in util.py
        await app.run_command("editor.goToTypeDefinition")
        await wait_until(pilot, lambda: app.active_editor is not main)
        target = app.active_editor
        assert target is not None and target.state.path == workspace / "util.py"
        assert target.cursor_location == (8, 6)  # class |Config


async def test_workspace_symbols_from_jedi_in_the_palette(workspace: Path) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_and_wait(pilot, app, workspace / "main.py")
        app.dispatch("workbench.gotoWorkspaceSymbol")
        await wait_until(pilot, lambda: isinstance(app.screen, QuickPick))
        await pilot.press(*"greet")
        picker = app.screen
        assert isinstance(picker, QuickPick)
        # The server's answer (not tree-sitter's: util.py is not open) lists greet where it is defined.
        target = SymbolTarget(workspace / "util.py", 3, 4)
        await wait_until(pilot, lambda: [item.value for item in picker._items][:1] == [target])
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.editor_for(workspace / "util.py") is app.active_editor)
        assert app.active_editor.cursor_location == (3, 4)  # type: ignore[union-attr]


async def test_a_server_that_never_answers_times_out_while_typing_goes_on(tmp_path: Path) -> None:
    root = features_workspace(tmp_path, {"slow.py": "never = 1\n\n"}, lsp_settings="request_timeout = 4")
    app = SymphonyApp(root, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_with_server(pilot, app, root / "slow.py")
        server = app.lsp.running_server(app.lsp.document(editor))  # type: ignore[arg-type]
        assert server is not None
        editor.move_cursor((0, 2))
        app.dispatch("editor.goToDeclaration")  # the server never answers this

        def declaration_pending() -> bool:
            return any(pending.method == "textDocument/declaration" for pending in server._pending.values())

        await wait_until(pilot, declaration_pending)
        editor.move_cursor((1, 0))
        await pilot.press(*"typed")
        assert editor.document[1] == "typed"  # the keys edited the buffer while the request waited
        assert declaration_pending()  # and the request is still waiting
        await wait_until(pilot, lambda: any("did not answer" in n.message for n in app._notifications))
        notice = next(n for n in app._notifications if "did not answer" in n.message)
        assert "textDocument/declaration within 4 s" in notice.message
        assert "[Symphony] no answer to textDocument/declaration" in server.log_path.read_text(encoding="utf-8")
        # The server still got every edit: the next request is answered for the typed text.
        assert server.documents[app.lsp.document(editor).uri].text == "never = 1\ntyped\n"  # type: ignore[union-attr]
        editor.move_cursor((1, 5))
        await app.run_command("editor.showHover")
        await wait_until(pilot, lambda: app.lsp.hover is not None)


async def test_keys_go_on_while_the_cursor_rest_request_waits_for_a_server(tmp_path: Path) -> None:
    # The cursor-rest timer once returned the request's task; Textual awaits what a timer callback returns, in
    # the editor's message pump, so every key typed meanwhile waited for the server's answer.
    root = features_workspace(tmp_path, {"slow.py": "never = 1\n"}, lsp_settings="request_timeout = 60")
    app = SymphonyApp(root, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_with_server(pilot, app, root / "slow.py")
        server = app.lsp.running_server(app.lsp.document(editor))  # type: ignore[arg-type]
        assert server is not None
        editor.move_cursor((0, 2))  # rests on a line whose highlights the server never sends

        def highlight_pending() -> bool:
            return any(p.method == "textDocument/documentHighlight" for p in server._pending.values())

        await wait_until(pilot, highlight_pending)
        await pilot.press("end", *"  # typed")
        # (The edit cancels the request; before the fix the keys were not even applied until it ended.)
        await wait_until(pilot, lambda: editor.document[0] == "never = 1  # typed", attempts=40)


async def test_the_problems_panel_lists_the_errors_of_every_open_file(workspace: Path) -> None:
    (workspace / "one.py").write_text("def f(:\n    pass\n", encoding="utf-8")
    (workspace / "two.py").write_text("x = 1\ny = (x +\n", encoding="utf-8")
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        one = await open_and_wait(pilot, app, workspace / "one.py")
        two = await open_and_wait(pilot, app, workspace / "two.py")
        await wait_until(pilot, lambda: one.decorations.diagnostics and two.decorations.diagnostics)
        await app.run_command("lsp.showProblems")
        panel = app.query_one(ProblemsPanel)
        rows = [row for row in panel.rows if row is not None]
        assert {row.path.name for row in rows} == {"one.py", "two.py"}
        assert "✖ 2" in str(app.query_one(ProblemCounts).render())


async def test_declaration_and_type_definition_keys_reach_their_commands(workspace: Path) -> None:
    """alt+f12 / alt+d go to the declaration, ctrl+shift+f12 / alt+y to the type definition (jedi)."""
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        main = await open_and_wait(pilot, app, workspace / "main.py")
        for key in ("alt+f12", "alt+d"):
            main.move_cursor((2, 8))  # print(gr|eet("you")): declared by the import in this file
            await pilot.press(key)
            await wait_until(pilot, lambda: main.cursor_location[0] == 0)
            assert main.document[0][main.cursor_location[1] :].startswith("greet"), key
        for key in ("ctrl+shift+f12", "alt+y"):
            await app.open_file(workspace / "main.py")
            await wait_until(pilot, lambda: app.active_editor is main and main.has_focus)
            util = app.editor_for(workspace / "util.py")
            if util is not None:
                util.move_cursor((0, 0))
            main.move_cursor((3, 1))  # c|fg = Config(): its type is the class in util.py
            await pilot.press(key)
            await wait_until(pilot, lambda: app.active_editor is not main)
            target = app.active_editor
            assert target is not None and target.state.path == workspace / "util.py"
            await wait_until(pilot, lambda: app.active_editor.cursor_location == (8, 6))  # type: ignore[union-attr]


async def test_alt_i_lists_the_implementations_like_ctrl_f12(tmp_path: Path) -> None:
    source = "class A:\n    pass\n\n\nclass B(A):\n    pass\n"
    root = features_workspace(tmp_path, {"shapes.py": source})
    app = SymphonyApp(root, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_with_server(pilot, app, root / "shapes.py")
        editor.move_cursor((4, 8))
        await pilot.press("alt+i")
        await wait_until(pilot, lambda: app.query(ReferencesPanel) and app.query_one(ReferencesPanel).display)
        panel = app.query_one(ReferencesPanel)
        await wait_until(pilot, lambda: len([row for row in panel.rows if row is not None]) == 2)
