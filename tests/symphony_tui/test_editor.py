"""The editor as a user drives it: multiple cursors, find/replace, line commands, undo, dirty tracking."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static
from textual.widgets.text_area import Selection

from symphony_tui.app import SymphonyApp
from symphony_tui.widgets.editor import Editor
from symphony_tui.widgets.editor_find import FindBar
from tests.symphony_tui.pilot_wait import commands_done, settle

SIZE = (100, 30)
SOURCE = "alpha = 1\nbeta = alpha\ngamma = alpha + beta\n"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "mod.py").write_text(SOURCE, encoding="utf-8")
    return root


async def run(pilot: Pilot[None], command: str) -> None:
    await pilot.app.run_command(command)  # type: ignore[attr-defined]
    await pilot.pause()


def open_app(workspace: Path) -> SymphonyApp:
    return SymphonyApp(workspace, open_paths=[workspace / "mod.py"], watch_config=False)


def editor_of(app: SymphonyApp) -> Editor:
    editor = app.active_editor
    assert editor is not None
    return editor


async def test_cursors_added_below_type_and_delete_together_and_undo_as_one_step(workspace: Path) -> None:
    app = open_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = editor_of(app)
        await pilot.press("ctrl+alt+down")
        await commands_done(pilot)
        await pilot.press("ctrl+alt+down")
        await commands_done(pilot)
        assert len(editor.all_selections) == 3
        await pilot.press("#", " ")
        assert editor.text == "# alpha = 1\n# beta = alpha\n# gamma = alpha + beta\n"
        await pilot.press("backspace")
        assert editor.text == "#alpha = 1\n#beta = alpha\n#gamma = alpha + beta\n"
        await pilot.press("escape")
        assert editor.extra_selections == []
        editor.undo()
        assert editor.text == "# alpha = 1\n# beta = alpha\n# gamma = alpha + beta\n"


async def test_ctrl_home_and_ctrl_end_go_to_the_document_ends_and_shift_selects(workspace: Path) -> None:
    app = open_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = editor_of(app)
        editor.move_cursor((1, 3))
        await pilot.press("ctrl+alt+down")
        await commands_done(pilot)
        assert editor.extra_selections
        await pilot.press("ctrl+end")
        assert editor.selection == Selection.cursor((3, 0))
        assert editor.extra_selections == []
        await pilot.press("ctrl+shift+home")
        assert editor.selection == Selection((3, 0), (0, 0))
        assert editor.selected_text == editor.text
        await pilot.press("ctrl+home")
        assert editor.selection == Selection.cursor((0, 0))


async def test_escape_keeps_the_focus_in_the_editor_and_clears_the_selection(workspace: Path) -> None:
    """Textual's TextArea moved focus to the next widget (the explorer, where letters are file commands)."""
    app = open_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = editor_of(app)
        editor.selection = Selection((0, 0), (0, 5))
        await pilot.press("escape")
        assert editor.has_focus
        assert editor.selection == Selection.cursor((0, 5))
        await pilot.press("escape", "x")
        assert editor.has_focus
        assert editor.document[0].startswith("alphax")


async def test_ctrl_d_adds_the_next_occurrence_and_typing_replaces_every_one(workspace: Path) -> None:
    app = open_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = editor_of(app)
        await pilot.press("ctrl+d")  # selects the word under the cursor
        await commands_done(pilot)
        assert editor.selected_text == "alpha"
        for _ in range(2):
            await pilot.press("ctrl+d")
            await commands_done(pilot)
        assert len(editor.all_selections) == 3
        await pilot.press("A")
        assert editor.text == "A = 1\nbeta = A\ngamma = A + beta\n"
        assert editor.dirty
        editor.undo()
        await pilot.pause()
        assert editor.text == SOURCE and not editor.dirty


async def test_select_all_occurrences_then_paste_one_line_per_cursor(workspace: Path) -> None:
    app = open_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = editor_of(app)
        await run(pilot, "editor.selectAllOccurrences")
        assert [editor.document.get_text_range(*s) for s in editor.all_selections] == ["alpha"] * 3
        from textual import events

        editor.post_message(events.Paste("a1\na2\na3"))
        await pilot.pause()
        assert editor.text == "a1 = 1\nbeta = a2\ngamma = a3 + beta\n"


async def test_find_bar_counts_matches_and_enter_moves_to_the_next(workspace: Path) -> None:
    app = open_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = editor_of(app)
        await pilot.press("ctrl+f")
        await commands_done(pilot)
        bar = app.query_one(FindBar)
        assert isinstance(app.focused, Input)
        await pilot.press(*"alpha")
        assert str(bar.query_one("#find-count", Static).render()) == "1 of 3"
        assert editor.selection == Selection((0, 0), (0, 5))
        await pilot.press("enter")
        assert editor.selection == Selection((1, 7), (1, 12))
        assert str(bar.query_one("#find-count", Static).render()) == "2 of 3"
        await pilot.press("alt+w")
        await pilot.press("escape")
        await pilot.pause()
        assert not app.query(FindBar) and app.focused is editor


async def test_replace_all_with_a_regex_is_one_undo_step(workspace: Path) -> None:
    app = open_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = editor_of(app)
        await run(pilot, "editor.replace")
        bar = app.query_one(FindBar)
        await pilot.press("alt+r")
        bar.query_one("#find-input", Input).value = r"(\w+) = "
        bar.query_one("#replace-input", Input).value = r"\1 := "
        await pilot.pause()
        await pilot.press("alt+a")
        assert editor.text == "alpha := 1\nbeta := alpha\ngamma := alpha + beta\n"
        editor.undo()
        assert editor.text == SOURCE


async def test_an_invalid_regex_is_explained_in_the_bar(workspace: Path) -> None:
    app = open_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run(pilot, "editor.find")
        bar = app.query_one(FindBar)
        await pilot.press("alt+r", "(")
        assert "invalid regular expression" in str(bar.query_one("#find-error", Static).render())
        assert str(bar.query_one("#find-count", Static).render()) == "No results"


async def test_line_commands_comment_move_duplicate_and_indent(workspace: Path) -> None:
    app = open_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = editor_of(app)
        await run(pilot, "editor.toggleLineComment")
        assert editor.document[0] == "# alpha = 1"
        await run(pilot, "editor.toggleLineComment")
        assert editor.document[0] == "alpha = 1"
        await pilot.press("alt+down")
        await commands_done(pilot)
        assert editor.document.lines[:2] == ["beta = alpha", "alpha = 1"]
        assert editor.cursor_location[0] == 1
        await run(pilot, "editor.copyLinesDown")
        assert editor.document.lines[:3] == ["beta = alpha", "alpha = 1", "alpha = 1"]
        editor.selection = Selection((0, 0), (2, 3))
        await pilot.press("tab")
        assert editor.document.lines[:3] == ["    beta = alpha", "    alpha = 1", "    alpha = 1"]
        await pilot.press("shift+tab")
        assert editor.document.lines[:3] == ["beta = alpha", "alpha = 1", "alpha = 1"]


async def test_typing_repaints_from_the_shifted_tree_then_reparses_after_a_pause(workspace: Path) -> None:
    app = open_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = editor_of(app)
        editor.sync_reparse_lines = 0  # behave as with a large file
        syntax = editor._syntax
        assert syntax is not None and not syntax.stale
        editor.insert("x = 'a'\n")
        assert syntax.stale  # painted from the edited old tree until the pause
        for _ in range(100):  # bounded by event-loop turns, not a clock
            if not syntax.stale:
                break
            await pilot.pause(0.05)
        assert not syntax.stale
        names = {name for _, _, name in editor._highlights[0]}
        assert "string" in names


async def test_edits_made_while_a_large_file_parses_in_a_thread_are_replayed_onto_the_new_tree(
    workspace: Path,
) -> None:
    app = open_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = editor_of(app)
        editor.sync_reparse_lines = 0  # behave as with a large file
        syntax = editor._syntax
        assert syntax is not None
        editor.insert("first = 'a'\n", (0, 0))
        editor._reparse()  # the pause in typing: the parse starts in a thread...
        assert editor._parse_in_flight is not None
        editor.insert("second = 'b'\n", (0, 0))  # ...and the user types on meanwhile
        assert editor.document[0] == "second = 'b'"
        await settle(pilot)  # the parse lands, with the second edit replayed onto it
        assert editor._parse_in_flight is None
        for _ in range(100):  # then the second edit is parsed after a pause (bounded by turns, not a clock)
            if not syntax.stale:
                break
            await pilot.pause(0.05)
        await settle(pilot)
        assert not syntax.stale
        for row, text in ((0, "'b'"), (1, "'a'")):
            strings = [(start, end) for start, end, name in editor._highlights[row] if name == "string"]
            line = editor.document[row].encode()
            assert [line[start:end].decode() for start, end in strings] == [text]
        editor.undo()
        editor.undo()
        await settle(pilot)
        assert editor.document[0] != "second = 'b'"


async def test_small_files_reparse_on_each_edit(workspace: Path) -> None:
    app = open_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = editor_of(app)
        await pilot.press(*"x = 'a'", "enter")
        assert editor._syntax is not None and not editor._syntax.stale
        assert "string" in {name for _, _, name in editor._highlights[0]}


async def test_an_edit_to_a_file_with_mixed_line_endings_changes_only_the_edited_bytes(workspace: Path) -> None:
    path = workspace / "mixed.txt"
    path.write_bytes(b"one\r\ntwo\nthree\r\nfour\rfive\r\n")
    app = SymphonyApp(workspace, open_paths=[path], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = editor_of(app)
        editor.move_cursor((1, 3))
        await pilot.press("!")
        await pilot.press("ctrl+s")
        await commands_done(pilot)
        assert path.read_bytes() == b"one\r\ntwo!\nthree\r\nfour\rfive\r\n"
        editor.move_cursor((3, 4))
        await pilot.press("enter", "4", "½")
        await pilot.press("ctrl+s")
        await commands_done(pilot)
        # The new break takes the dominant ending (CRLF); every other break is as it was.
        assert path.read_bytes() == b"one\r\ntwo!\nthree\r\nfour\r\n4\xc2\xbd\rfive\r\n"


async def test_ctrl_a_selects_the_whole_document_as_in_vs_code_and_home_still_goes_to_line_start(
    workspace: Path,
) -> None:
    app = open_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = editor_of(app)
        editor.move_cursor((1, 4))
        await pilot.press("home")
        assert editor.cursor_location == (1, 0)
        await pilot.press("ctrl+alt+down")
        await commands_done(pilot)
        assert len(editor.all_selections) == 2
        await pilot.press("ctrl+a")
        assert editor.all_selections == [Selection((0, 0), (3, 0))]
        await pilot.press("Z")
        assert editor.text == "Z"
        editor.undo()
        await run(pilot, "editor.selectAll")
        assert editor.selected_text == SOURCE
