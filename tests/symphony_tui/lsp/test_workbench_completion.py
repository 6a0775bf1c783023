"""Accepting a completion: the lazily resolved item brings documentation, a snippet whose tab stops the user
fills in turn, and an auto-import edit, all as one undo step; commit characters accept and are typed after."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot

from symphony_tui.app import SymphonyApp
from symphony_tui.lsp import completion_session
from symphony_tui.widgets.editor import Editor
from tests.symphony_tui.lsp.test_workbench_jedi import SIZE, open_and_wait, type_burst, wait_until, workspace

__all__ = ["workspace"]

SERVER = Path(__file__).with_name("snippet_server.py")
BENCH_SERVER = Path(__file__).parents[3] / "benchmarks" / "_lsp_completion_server.py"
"""Answers at once with 500 items, marked incomplete: every keystroke asks again."""


def _workspace(tmp_path: Path, server: Path = SERVER) -> Path:
    root = tmp_path / "ws"
    (root / ".symphony").mkdir(parents=True)
    command = json.dumps([sys.executable, str(server)])
    (root / ".symphony" / "settings.toml").write_text(
        f'[lsp.servers.snippets]\ncommand = {command}\nlanguages = ["python"]\n', encoding="utf-8"
    )
    (root / "main.py").write_text("import os\n\n", encoding="utf-8")
    return root


@contextlib.asynccontextmanager
async def _typing_at_bench_server(tmp_path: Path) -> AsyncIterator[tuple[SymphonyApp, Pilot[None], Editor]]:
    """The workbench on a file served by the benchmark's 500-item server, the cursor on an empty line."""
    root = _bench_workspace(tmp_path)
    app = SymphonyApp(root, open_paths=[root / "main.py"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await _editor_with_server(pilot, app)
        editor.move_cursor((2, 0))
        yield app, pilot, editor


def _bench_workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / ".symphony").mkdir(parents=True)
    command = json.dumps([sys.executable, str(BENCH_SERVER), "500", "--incomplete"])
    (root / ".symphony" / "settings.toml").write_text(
        f'[lsp.servers.bench]\ncommand = {command}\nlanguages = ["python"]\n', encoding="utf-8"
    )
    (root / "main.py").write_text("import os\n\n", encoding="utf-8")
    return root


async def _editor_with_server(pilot: Pilot[None], app: SymphonyApp) -> Editor:
    """The open file's editor, once its language server runs."""
    editor = app.active_editor
    assert editor is not None
    await wait_until(pilot, lambda: app.lsp.running_server(app.lsp.document(editor)))  # type: ignore[arg-type]
    return editor


async def test_a_snippet_completion_imports_its_name_and_walks_its_tab_stops(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    app = SymphonyApp(root, open_paths=[root / "main.py"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await _editor_with_server(pilot, app)
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


async def test_commit_characters_accept_the_item_and_are_typed_after_it(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    app = SymphonyApp(root, open_paths=[root / "main.py"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await _editor_with_server(pilot, app)
        completion = app.lsp.completion

        async def complete(typed: str, label: str) -> None:
            editor.move_cursor((editor.document.line_count - 1, 0))
            await pilot.press(*typed)
            await wait_until(pilot, lambda: completion.visible and completion.state.ranked[0].label == label)  # type: ignore[union-attr]

        # The server's allCommitCharacters (';') accept an item that has none of its own.
        await complete("grai", "grain")
        await pilot.press("semicolon")
        await wait_until(pilot, lambda: editor.document[2] == "grain;")
        assert not completion.visible
        # An item's own commitCharacters ('[') replace the server's: '[' accepts it, '.' is just typed.
        await pilot.press("enter")
        await complete("grap", "grapes")
        await pilot.press("left_square_bracket")
        await wait_until(pilot, lambda: editor.document[3].startswith("grapes["))
        await pilot.press("end", "enter")
        await complete("grap", "grapes")
        await pilot.press("full_stop")
        await wait_until(pilot, lambda: editor.document[4] == "grap.")


async def test_each_keystroke_paints_the_edit_and_its_new_list_in_the_same_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a fast server the screen never shows the typed text beside the list of the previous keystroke."""
    monkeypatch.setattr(completion_session, "HOLD_IF_FASTER", 10.0)  # any server counts as fast: no flakiness
    monkeypatch.setattr(completion_session, "HOLD_MAX", 10.0)
    async with _typing_at_bench_server(tmp_path) as (app, pilot, editor):
        completion = app.lsp.completion
        await pilot.press("s")
        await wait_until(pilot, lambda: completion.visible)
        await pilot.pause(0.1)
        painted: list[tuple[str, str]] = []
        screen = app.screen
        original = screen._compositor_refresh

        def refresh() -> None:
            original()
            assert completion.popup is not None
            shown = completion.popup.items
            painted.append((editor.document[2], shown[0].typed if shown else ""))

        screen._compositor_refresh = refresh  # type: ignore[method-assign]
        for char in "ymbol_1":
            await pilot.press(char if char != "_" else "underscore")
            await wait_until(pilot, lambda: painted and painted[-1][0] == painted[-1][1] == editor.document[2])
        screen._compositor_refresh = original  # type: ignore[method-assign]
        stale = [(text, typed) for text, typed in painted if text != typed]
        assert not stale, f"frames showed text beside the previous keystroke's list: {stale}"


async def test_a_keystroke_sends_its_change_and_completion_request_before_the_editor_is_done_with_it(
    tmp_path: Path,
) -> None:
    """The server works while the editor finishes the key (selection watchers, status bar, messages), not after."""
    async with _typing_at_bench_server(tmp_path) as (app, pilot, editor):
        server = app.lsp.running_server(app.lsp.document(editor))  # type: ignore[arg-type]
        assert server is not None
        in_flight: list[list[str]] = []
        original = editor.on_event

        async def on_event(event: events.Event) -> None:
            await original(event)
            if isinstance(event, events.Key):
                in_flight.append([pending.method for pending in server._pending.values()])

        editor.on_event = on_event  # type: ignore[method-assign]
        await pilot.press("s")
        await wait_until(pilot, lambda: app.lsp.completion.visible)
        await pilot.press("y")
        await wait_until(pilot, lambda: bool(app.lsp.completion.state and app.lsp.completion.typed() == "sy"))
        assert in_flight == [["textDocument/completion"], ["textDocument/completion"]]
        assert app.lsp.document(editor).version == 3  # type: ignore[union-attr]  # open, then one didChange a key


async def test_keys_of_one_terminal_read_reach_the_server_as_one_change(tmp_path: Path) -> None:
    """Keys sent at once (tmux send-keys, key repeat over SSH) are one didChange and one request, not one each."""
    async with _typing_at_bench_server(tmp_path) as (app, pilot, editor):
        completion = app.lsp.completion
        await pilot.press("s")
        await wait_until(pilot, lambda: completion.visible)
        document = app.lsp.document(editor)
        assert document is not None
        version = document.version
        type_burst(app, [("y", "y"), ("m", "m"), ("b", "b")])
        await wait_until(pilot, lambda: completion.visible and completion.typed() == "symb")
        assert document.version == version + 1


async def test_a_burst_of_keys_after_a_new_line_replaces_the_open_list_with_one_for_the_new_word(
    tmp_path: Path,
) -> None:
    root = _workspace(tmp_path)
    app = SymphonyApp(root, open_paths=[root / "main.py"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await _editor_with_server(pilot, app)
        editor.move_cursor((2, 0))
        await pilot.press(*"gre")
        completion = app.lsp.completion
        await wait_until(pilot, lambda: completion.visible and completion.state.start == (2, 0))  # type: ignore[union-attr]
        # A pasted line break and two letters in one read: the list still up for "gre" (which Enter would have
        # accepted) must give way to one for "gr" on the new line.
        assert app._driver is not None
        app._driver.send_message(events.Paste("\n"))
        type_burst(app, [("g", "g"), ("r", "r")])
        await wait_until(pilot, lambda: editor.text == "import os\n\ngre\ngr")
        await wait_until(pilot, lambda: completion.visible and completion.state.start == (3, 0))  # type: ignore[union-attr]
        assert completion.typed() == "gr"
        assert completion.state.ranked[0].label.startswith("gr")  # type: ignore[union-attr]


async def test_a_lists_item_defaults_give_its_items_their_range_snippets_commit_characters_and_data(
    tmp_path: Path,
) -> None:
    root = _workspace(tmp_path, Path(__file__).with_name("defaults_server.py"))
    app = SymphonyApp(root, open_paths=[root / "main.py"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await _editor_with_server(pilot, app)
        editor.move_cursor((2, 0))
        await pilot.press("dollar_sign", "g", "r")
        completion = app.lsp.completion
        await wait_until(pilot, lambda: completion.visible and completion.state.ranked[0].label == "$grain")  # type: ignore[union-attr]
        # The default edit range starts at "$": the list is filtered on "$gr", so "grout" is out.
        assert completion.typed() == "$gr"
        assert [r.label for r in completion.state.ranked] == ["$grain", "$gravel"]  # type: ignore[union-attr]
        # Resolve sends the item with the list's default data.
        await wait_until(
            pilot,
            lambda: any(
                item.documentation == "data {'from': 'defaults'}" for item in completion.state.resolved.values()
            ),  # type: ignore[union-attr]
        )
        # The default edit range replaces "$gr" (not just "gr"), and the default format makes it a snippet.
        await pilot.press("tab")
        await wait_until(pilot, lambda: editor.document[2] == "$grain(amount)")
        assert editor.selected_text == "amount"
        # The default commit character accepts an item that has none of its own, and is typed after it.
        await pilot.press("escape", "end", "enter", "dollar_sign", *"grav")
        await wait_until(pilot, lambda: completion.visible and completion.state.ranked[0].label == "$gravel")  # type: ignore[union-attr]
        await pilot.press("left_parenthesis")
        await wait_until(pilot, lambda: editor.document[3].startswith("$gravel("))
        assert not completion.visible


async def test_shift_tab_replaces_the_rest_of_the_word_and_a_preselected_item_is_selected_first(
    tmp_path: Path,
) -> None:
    root = _workspace(tmp_path, Path(__file__).with_name("defaults_server.py"))
    (root / "main.py").write_text("import os\n\nZZ\nZZ\n\n", encoding="utf-8")
    app = SymphonyApp(root, open_paths=[root / "main.py"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await _editor_with_server(pilot, app)
        completion = app.lsp.completion
        for row, key, expected in ((2, "tab", "$gravelZZ"), (3, "shift+tab", "$gravel")):
            editor.move_cursor((row, 0))
            await pilot.press("dollar_sign", *"grav")
            await wait_until(pilot, lambda: completion.visible and completion.state.ranked[0].label == "$gravel")  # type: ignore[union-attr]
            await pilot.press(key)  # tab inserts before "ZZ"; shift+tab (VS Code's alternative) replaces it too
            await wait_until(pilot, lambda row=row, expected=expected: editor.document[row] == expected)
        # Asked for with nothing typed: the server's preselected item is the one selected.
        editor.move_cursor((4, 0))
        await pilot.press("alt+slash")
        await wait_until(pilot, lambda: completion.visible)
        assert completion.popup is not None
        assert [r.label for r in completion.state.ranked] == ["$block", "$grain", "$gravel", "grout"]  # type: ignore[union-attr]
        assert completion.popup.selected == 2
        await pilot.press("enter")
        await wait_until(pilot, lambda: editor.document[4] == "$gravel")


async def test_a_multi_line_item_asking_to_adjust_indentation_gets_the_lines_indentation(tmp_path: Path) -> None:
    root = _workspace(tmp_path, Path(__file__).with_name("defaults_server.py"))
    (root / "main.py").write_text("if True:\n    \n", encoding="utf-8")
    app = SymphonyApp(root, open_paths=[root / "main.py"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await _editor_with_server(pilot, app)
        completion = app.lsp.completion
        editor.move_cursor((1, 4))
        await pilot.press("dollar_sign", *"blo")
        await wait_until(pilot, lambda: completion.visible and completion.state.ranked[0].label == "$block")  # type: ignore[union-attr]
        await pilot.press("tab")
        await wait_until(pilot, lambda: editor.text == "if True:\n    $block:\n        pass\n")
        assert editor.cursor_location == (2, 12)


async def test_deleting_back_while_the_popup_is_open_widens_the_list_and_closes_it_before_the_word(
    workspace: Path,
) -> None:
    """jedi's list for ``cfg.`` is complete: backspace re-ranks it client-side until the dot goes."""
    app = SymphonyApp(workspace, watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_and_wait(pilot, app, workspace / "main.py")
        editor.move_cursor((4, 0))
        await pilot.press(*"cfg.deb")
        completion = app.lsp.completion
        await wait_until(pilot, lambda: completion.visible and completion.typed() == "deb")
        assert [r.label for r in completion.state.ranked] == ["debug"]  # type: ignore[union-attr]
        await pilot.press("backspace", "backspace", "backspace")
        # jedi answered "cfg.d" (or later) with the items starting with "d" only: back before that point, the
        # list is asked for again, and "home" comes back.
        await wait_until(
            pilot,
            lambda: (
                completion.visible
                and completion.typed() == ""
                and {"debug", "home"} <= {r.label for r in completion.state.ranked}
            ),  # type: ignore[union-attr]
        )
        await pilot.press("backspace")  # the dot: the cursor is before the completed word's start
        await wait_until(pilot, lambda: not completion.visible)
        assert editor.document[4] == "cfg"


async def test_a_burst_that_ends_the_word_and_types_another_asks_for_the_new_word(tmp_path: Path) -> None:
    """Keys read at once reach the session as one change: a space (or a dot) inside it ends the open list's
    word, and the list for the new word is asked for (it was re-ranked for "gra gr" and closed)."""
    root = _workspace(tmp_path)
    app = SymphonyApp(root, open_paths=[root / "main.py"], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        editor = await _editor_with_server(pilot, app)
        editor.move_cursor((2, 0))
        await pilot.press(*"gra")
        completion = app.lsp.completion
        await wait_until(pilot, lambda: completion.visible and completion.state.start == (2, 0))  # type: ignore[union-attr]
        type_burst(app, [("space", " "), ("g", "g"), ("r", "r")])
        await wait_until(pilot, lambda: editor.document[2] == "gra gr")
        await wait_until(pilot, lambda: completion.visible and completion.state.start == (2, 4))  # type: ignore[union-attr]
        assert completion.typed() == "gr"
