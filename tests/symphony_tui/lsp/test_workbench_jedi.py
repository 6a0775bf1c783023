"""The language-server features as a user meets them in the workbench, against a real jedi-language-server
(from the dev extra): diagnostics in the Problems panel, completion, go to definition, rename across files, and a
killed server coming back with its diagnostics."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.text import Text
from textual import events
from textual.pilot import Pilot
from textual.widgets import Static

from core.lsp.registry import resolve_argv
from core.lsp.settings import DEFAULT_SERVERS
from symphony_tui.app import SymphonyApp
from symphony_tui.key_parsing import BURST_ATTRIBUTE
from symphony_tui.lsp.panels import ProblemsPanel, ReferencesPanel
from symphony_tui.lsp.status import ProblemCounts
from symphony_tui.lsp.workspace_edit import EditPreview
from symphony_tui.widgets.dialogs import InputDialog
from symphony_tui.widgets.outline_panel import OutlineTree

pytestmark = pytest.mark.skipif(
    resolve_argv(DEFAULT_SERVERS["jedi-language-server"]) is None,
    reason="jedi-language-server is not installed (pip install -e '.[dev]')",
)

SIZE = (120, 36)
UTIL = (
    "import os\n\n\n"
    "def greet(name: str, times: int = 2) -> str:\n"
    '    """Say hello to someone."""\n'
    '    return ", ".join([f"hello {name}"] * times)\n\n\n'
    "class Config:\n"
    "    debug = True\n"
    '    home = os.environ.get("HOME", "/")\n'
)
MAIN = 'from util import Config, greet\n\nprint(greet("you"))\ncfg = Config()\n'


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / ".symphony").mkdir(parents=True)
    # Restart a killed server at once (the default waits half a second and backs off from there).
    (root / ".symphony" / "settings.toml").write_text("[lsp]\nrestart_initial_delay = 0.05\n", encoding="utf-8")
    (root / "util.py").write_text(UTIL, encoding="utf-8")
    (root / "main.py").write_text(MAIN, encoding="utf-8")
    return root


async def wait_until(pilot: Pilot[None], condition: Callable[[], object], attempts: int = 600) -> None:
    """Let the app run until ``condition()`` holds (bounded by event-loop turns; a real server may be slow)."""
    for _ in range(attempts):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition(), "condition never became true"


def server_running(app: SymphonyApp) -> bool:
    manager = app.lsp.manager
    return bool(manager and manager.servers and manager.servers[0].state.value == "running")


async def open_and_wait(pilot: Pilot[None], app: SymphonyApp, path: Path):  # type: ignore[no-untyped-def]
    editor = await app.open_file(path)
    assert editor is not None
    await wait_until(pilot, lambda: server_running(app) and app.lsp.document(editor).opened)  # type: ignore[union-attr]
    return editor


async def split_pane(pilot: Pilot[None], app: SymphonyApp, editor):  # type: ignore[no-untyped-def]
    """Split ``editor``'s pane; the new pane's editor (focused, the same document) once it is there."""
    await app.run_command("editor.split")
    await pilot.pause()
    twin = app.active_editor
    assert twin is not None and twin is not editor and twin.split_of is editor and twin.has_focus
    return twin


def problem_texts(app: SymphonyApp) -> list[str]:
    panel = app.query_one(ProblemsPanel)
    return [row.text for row in panel.rows if row is not None]


async def test_a_syntax_error_shows_in_the_problems_panel_gutter_and_status_bar(workspace: Path) -> None:
    (workspace / "broken.py").write_text("x = 1\ny = (x +\n", encoding="utf-8")
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_and_wait(pilot, app, workspace / "broken.py")
        await wait_until(pilot, lambda: editor.decorations.diagnostics)
        mark = editor.decorations.diagnostics[0]
        assert mark.severity == 1 and mark.start[0] in (1, 2)
        assert editor.decorations.line_severity(mark.start[0]) == 1
        painted = editor._render_line(mark.start[0])
        assert any(segment.style and segment.style.underline for segment in painted)  # the error is underlined
        gutter = "".join(segment.text for segment in painted)[: editor.gutter_width]
        assert gutter.rstrip().endswith("●")  # and signed in the gutter
        counts = app.query_one(ProblemCounts)
        assert "✖ 1" in str(counts.render())
        # Resting the mouse on the error shows its message.
        await pilot.hover(editor, offset=(editor.gutter_width + mark.start[1], mark.start[0]))
        await wait_until(pilot, lambda: app.lsp.hover is not None and app.lsp.hover.is_mounted)
        body = app.lsp.hover.query_one("#hover-body", Static).content  # type: ignore[union-attr]
        assert f"error: {mark.message}  compile" in [part.plain for part in body.renderables if isinstance(part, Text)]
        await app.run_command("lsp.showProblems")
        await pilot.pause()
        panel = app.query_one(ProblemsPanel)
        assert panel.display
        rows = [row for row in panel.rows if row is not None]
        assert rows and rows[0].path == workspace / "broken.py" and rows[0].severity == 1
        # Choosing the problem puts the cursor on it.
        editor.move_cursor((0, 0))
        await pilot.press("enter")
        await wait_until(pilot, lambda: editor.cursor_location == (rows[0].line, rows[0].column))
        # Fixing the error clears it everywhere.
        editor.replace("y = (x + 1)\n", (1, 0), (2, 0))
        await wait_until(pilot, lambda: not editor.decorations.diagnostics)
        await wait_until(pilot, lambda: not problem_texts(app))
        assert "✖ 0" in str(counts.render())


async def test_typing_a_dot_after_an_object_offers_its_attributes_and_enter_inserts_one(workspace: Path) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_and_wait(pilot, app, workspace / "main.py")
        editor.move_cursor((4, 0))
        await pilot.press(*"cfg.")
        completion = app.lsp.completion
        await wait_until(pilot, lambda: completion.visible and completion.state.start == (4, 4))  # type: ignore[union-attr]
        labels = [ranked.item.label for ranked in completion.state.ranked]  # type: ignore[union-attr]
        assert labels[:2] == ["debug", "home"]
        # Typing filters client-side: "ho" leaves home first.
        await pilot.press("h", "o")
        await wait_until(pilot, lambda: completion.visible and completion.state.ranked[0].item.label == "home")  # type: ignore[union-attr]
        await pilot.press("enter")
        await wait_until(pilot, lambda: editor.document[4] == "cfg.home")
        assert editor.cursor_location == (4, 8)
        assert not completion.visible
        # Opening a call shows its signature, the current parameter emphasised.
        await pilot.press("enter", *"greet(")
        signature = app.lsp.signature
        await wait_until(pilot, lambda: signature.visible)
        label = signature.popup.query_one("#hover-body", Static).content.renderables[0]  # type: ignore[union-attr]
        assert label.plain == "def greet(name: str, times: int=2) -> str"  # as jedi writes it
        assert [label.plain[span.start : span.end] for span in label.spans] == ["name: str"]
        await pilot.press("escape")
        assert not signature.visible


def type_burst(app: SymphonyApp, keys: list[tuple[str, str]]) -> None:
    """Queue key presses without letting the app run between them, as a terminal delivers keys typed faster
    than the app reads them (tmux send-keys): their edits reach the server as one didChange."""
    assert app._driver is not None
    for index, (key, char) in enumerate(keys):
        event = events.Key(key, char)
        setattr(event, BURST_ATTRIBUTE, len(keys) - index - 1)  # as the terminal parser tags keys of one read
        app._driver.send_message(event)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("os.pa", "path"), ("gre", "greet")],
    ids=["after-a-dot", "while-typing-a-word"],
)
async def test_keys_typed_in_one_burst_on_a_new_line_open_the_filtered_list(
    workspace: Path, typed: str, expected: str
) -> None:
    (workspace / "burst.py").write_text("import os\nfrom util import greet\n", encoding="utf-8")
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_and_wait(pilot, app, workspace / "burst.py")
        editor.move_cursor((1, len(editor.document[1])))
        type_burst(app, [("enter", "\r"), *[("full_stop" if char == "." else char, char) for char in typed]])
        completion = app.lsp.completion
        await wait_until(pilot, lambda: editor.document[2] == typed)
        await wait_until(pilot, lambda: completion.visible)
        assert completion.state is not None and completion.state.start == (2, typed.rfind(".") + 1)
        labels = [ranked.item.label for ranked in completion.state.ranked]
        assert expected in labels
        word = typed[typed.rfind(".") + 1 :]
        assert labels[0].lower().startswith(word)  # ranked for what was typed after the list was asked for


async def test_f12_goes_to_the_definition_in_another_file_and_shift_f12_lists_its_uses(workspace: Path) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_and_wait(pilot, app, workspace / "main.py")
        editor.move_cursor((2, 8))  # print(gr|eet("you"))
        # Resting on a name highlights its other occurrences in the file.
        await wait_until(pilot, lambda: [m.start for m in editor.decorations.highlights] == [(0, 25), (2, 6)])
        await pilot.press("f12")
        await wait_until(pilot, lambda: app.active_editor is not editor)
        target = app.active_editor
        assert target is not None and target.state.path == workspace / "util.py"
        assert target.cursor_location == (3, 4)  # def |greet
        # The Outline view shows the server's symbols, nested.
        await app.run_command("view.showOutline")
        tree = app.query_one(OutlineTree)
        await wait_until(pilot, lambda: app.lsp.cached_outline(target) and len(tree.root.children) >= 2)
        top = {node.data.name: node.data for node in tree.root.children if node.data is not None}
        assert {"greet", "Config"} <= set(top)
        assert {child.name for child in top["Config"].children} == {"debug", "home"}
        assert top["Config"] is app.lsp.cached_outline(target)[-1]  # type: ignore[index]
        await pilot.press("shift+f12")
        await wait_until(pilot, lambda: app.query(ReferencesPanel) and app.query_one(ReferencesPanel).rows[1:])
        rows = [row for row in app.query_one(ReferencesPanel).rows if row is not None]
        assert {(row.path.name, row.line) for row in rows} >= {("util.py", 3), ("main.py", 0), ("main.py", 2)}
        assert any(row.text.startswith("def greet(") for row in rows)  # each use shows its line


async def test_rename_changes_both_files_after_the_preview_is_accepted(workspace: Path) -> None:
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        util = await open_and_wait(pilot, app, workspace / "util.py")
        util.move_cursor((3, 5))  # def g|reet
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, InputDialog))
        await pilot.press(*"welcome", "enter")  # the old name is selected: typing replaces it
        await wait_until(pilot, lambda: isinstance(app.screen, EditPreview) and app.screen.query("#preview-body"))
        preview = str(app.screen.query_one("#preview-body").render())
        assert "util.py" in preview and "main.py" in preview and "welcome" in preview
        await pilot.press("a")
        main = app.editor_for(workspace / "main.py")
        await wait_until(pilot, lambda: main is not None or app.editor_for(workspace / "main.py") is not None)
        main = app.editor_for(workspace / "main.py")
        assert main is not None
        await wait_until(pilot, lambda: "welcome" in main.text)
        assert main.text == MAIN.replace("greet", "welcome")
        assert util.document[3].startswith("def welcome(")
        await wait_until(pilot, lambda: app.active_editor is util)  # the user stays where they renamed
        assert main.dirty and util.dirty  # changed, left for the user to save


async def test_a_killed_server_comes_back_and_its_diagnostics_are_shown_again(workspace: Path) -> None:
    (workspace / "broken.py").write_text("def f(:\n    pass\n", encoding="utf-8")
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_and_wait(pilot, app, workspace / "broken.py")
        await wait_until(pilot, lambda: editor.decorations.diagnostics)
        before = [(mark.source, mark.start) for mark in editor.decorations.diagnostics]
        assert before == [("compile", (0, 6))]
        assert app.lsp.manager is not None
        server = app.lsp.manager.servers[0]
        old_pid = server.pid
        assert old_pid is not None
        os.kill(old_pid, signal.SIGKILL)
        await wait_until(pilot, lambda: server.pid not in (None, old_pid) and server.state.value == "running")
        assert server.restarts == 1
        # The restarted server knows the document again, with the text typed meanwhile, and republishes.
        editor.insert("# still here\n", (0, 0))
        await wait_until(pilot, lambda: server.documents[app.lsp.document(editor).uri].text.startswith("# still"))  # type: ignore[union-attr]
        # The error is published again by the new process, on its line (now one further down).
        await wait_until(
            pilot, lambda: [(m.source, m.start) for m in editor.decorations.diagnostics] == [("compile", (1, 6))]
        )
        assert "line 2" in editor.decorations.diagnostics[0].message
        await app.run_command("lsp.showProblems")
        rows = [row for row in app.query_one(ProblemsPanel).rows if row is not None]
        assert [(row.path.name, row.line, row.column) for row in rows] == [("broken.py", 1, 6)]
        # The server's stderr log, with both runs in it, opens from the palette.
        await app.run_command("lsp.showLog")
        log_editor = app.active_editor
        assert log_editor is not None and log_editor.state.path == server.log_path
        assert log_editor.text.count("starting: ") == 2 and "jedi-language-server" in log_editor.text


async def test_semantic_tokens_recolour_names_after_tree_sitter(workspace: Path) -> None:
    (workspace / ".symphony" / "settings.toml").write_text(
        '[lsp.servers.jedi-language-server]\ncommand = ["jedi-language-server"]\nlanguages = ["python"]\n'
        "initialization_options = { semanticTokens = { enable = true } }\n",
        encoding="utf-8",
    )
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_and_wait(pilot, app, workspace / "main.py")
        await wait_until(pilot, lambda: 3 in editor.decorations.semantic)
        # cfg = Config(): jedi knows Config is a class, which tree-sitter sees only as a call.
        assert (6, 12, "class") in editor.decorations.semantic[3]
        class_colour = editor._theme.syntax_styles.get("class").color  # type: ignore[union-attr]
        assert class_colour != editor._theme.syntax_styles.get("function.call").color  # type: ignore[union-attr]
        editor.decorations_changed()
        painted = "".join(
            segment.text
            for segment in editor._render_line(3)
            if segment.style is not None and segment.style.color == class_colour
        )
        assert painted == "Config"  # the class colour, not tree-sitter's call colour
        # An edit on the line drops its tokens until the server sends fresh ones.
        editor.insert("x", (3, 0))
        assert 3 not in editor.decorations.semantic
        await wait_until(pilot, lambda: 3 in editor.decorations.semantic)
        assert (7, 13, "class") in editor.decorations.semantic[3]


async def test_renaming_an_open_file_in_the_explorer_moves_its_problems_to_the_new_name(workspace: Path) -> None:
    from textual.widgets import Input

    from symphony_tui.widgets.explorer import Explorer

    (workspace / "broken.py").write_text("x = 1\ny = (x +\n", encoding="utf-8")
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_and_wait(pilot, app, workspace / "broken.py")
        await wait_until(pilot, lambda: editor.decorations.diagnostics)
        explorer = app.query_one(Explorer)
        explorer.reveal(workspace / "broken.py")
        explorer.focus()
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, InputDialog))
        app.screen.query_one(Input).value = "renamed.py"
        await pilot.press("enter")
        await wait_until(pilot, lambda: (workspace / "renamed.py").exists())
        document = lambda: app.lsp.document(editor)  # noqa: E731
        await wait_until(pilot, lambda: document() is not None and document().uri.endswith("/renamed.py"))  # type: ignore[union-attr]
        assert app.lsp.manager is not None
        store = app.lsp.manager.diagnostics
        await wait_until(pilot, lambda: [uri.rsplit("/", 1)[-1] for uri in store.uris()] == ["renamed.py"])
        await app.run_command("lsp.showProblems")
        await pilot.pause()
        rows = [row for row in app.query_one(ProblemsPanel).rows if row is not None]
        assert rows and all(row.path == workspace / "renamed.py" for row in rows)
