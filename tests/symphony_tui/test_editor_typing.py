"""Typing in the editor as a user does: pairs close, Enter indents, whitespace can be shown, long lines stay fine."""

from __future__ import annotations

from pathlib import Path

from symphony_tui.app import SymphonyApp
from symphony_tui.widgets.editor import Editor
from tests.symphony_tui.pilot_wait import settle

SIZE = (100, 30)


def open_app(tmp_path: Path, name: str, text: str) -> SymphonyApp:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return SymphonyApp(tmp_path, open_paths=[tmp_path / name], watch_config=False)


def editor_of(app: SymphonyApp) -> Editor:
    editor = app.active_editor
    assert editor is not None
    return editor


async def test_typing_a_python_function_closes_pairs_steps_over_closers_and_indents(tmp_path: Path) -> None:
    app = open_app(tmp_path, "mod.py", "")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = editor_of(app)
        await pilot.press(*"def f(x", ")", ":", "enter")
        assert editor.text == "def f(x):\n    "
        await pilot.press(*"return [", "]", "enter")
        assert editor.text == "def f(x):\n    return []\n"
        await pilot.press(*"print(", "backspace")
        assert editor.text == "def f(x):\n    return []\nprint"
        editor.undo()
        assert editor.text.endswith("\nprint()"), "the pair deleted by one backspace comes back with one undo"


async def test_enter_between_braces_and_a_closing_brace_dedents(tmp_path: Path) -> None:
    app = open_app(tmp_path, "main.c", "int main(void) ")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = editor_of(app)
        editor.move_cursor((0, 15))
        await pilot.press("{", "enter")
        assert editor.text == "int main(void) {\n    \n}"
        assert editor.cursor_location == (1, 4)
        await pilot.press(*"if (x) {", "enter", *"y();")
        assert editor.text == "int main(void) {\n    if (x) {\n        y();\n    }\n}"
        editor.replace("        ", (3, 0), (3, 5))  # an over-indented blank line where the closer goes
        editor.move_cursor((3, 8))
        await pilot.press("}")
        assert editor.text == "int main(void) {\n    if (x) {\n        y();\n    }\n}"


async def test_a_selection_typed_over_with_a_quote_is_wrapped(tmp_path: Path) -> None:
    app = open_app(tmp_path, "mod.py", "x = hello\n")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = editor_of(app)
        editor.selection = editor.selection.__class__((0, 4), (0, 9))
        await pilot.press('"')
        assert editor.text == 'x = "hello"\n'
        assert editor.selected_text == "hello"


async def test_auto_close_and_auto_indent_can_be_switched_off(tmp_path: Path) -> None:
    app = open_app(tmp_path, "mod.py", "")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = editor_of(app)
        editor.auto_close_pairs = False
        editor.auto_indent = False
        await pilot.press(*"if f(", ":", "enter")
        assert editor.text == "if f(:\n"


async def test_visible_whitespace_marks_spaces_and_tabs_only_inside_the_text(tmp_path: Path) -> None:
    app = open_app(tmp_path, "mod.py", "a = 1\n\tb\n")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = editor_of(app)
        plain = editor.render_line(0).text
        assert "·" not in plain
        await app.run_command("view.toggleWhitespace")
        await pilot.pause()
        assert editor.show_whitespace
        first = editor.render_line(0).text
        assert first[editor.gutter_width :].rstrip() == "a·=·1"
        assert first[: editor.gutter_width] == plain[: editor.gutter_width]
        assert editor.render_line(1).text[editor.gutter_width :].startswith("→   b")


async def test_bracket_matching_and_rendering_on_a_line_of_100000_characters(tmp_path: Path) -> None:
    line = "x = (" + "a, " * 33_333 + ")"
    app = open_app(tmp_path, "long.py", line + "\n(\n" + "pass\n" * 200)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = editor_of(app)
        editor.move_cursor((0, 4))
        await pilot.pause()
        assert editor._matching_bracket_location == (0, len(line) - 1)
        editor.move_cursor((0, len(line) - 1))
        await pilot.pause()
        assert editor._matching_bracket_location == (0, 4)
        editor.move_cursor((1, 0))  # unmatched: the scan stops at its budget instead of walking the file
        await pilot.pause()
        assert editor._matching_bracket_location is None
        editor.move_cursor((0, 50_000))
        await pilot.press("z")
        assert editor.document[0][50_000] == "z"
        view = editor.scrollable_content_region.width
        assert len(editor.render_line(0).text) == view, "a row is as wide as the view, not as the line"
        assert "z" in editor.render_line(0).text


async def test_typing_else_except_finally_and_case_colons_moves_the_line_out_to_its_block(tmp_path: Path) -> None:
    app = open_app(tmp_path, "mod.py", "")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = editor_of(app)
        await pilot.press(*"if ready", ":", "enter", *"go()", "enter", *"elif later")
        assert editor.text.endswith("\n    elif later"), "no colon yet: the line stays"
        await pilot.press(":")
        assert editor.text == "if ready:\n    go()\nelif later:"
        assert editor.cursor_location == (2, len("elif later:"))
        await pilot.press("enter", *"wait()", "enter", *"else", ":")
        assert editor.text.endswith("\n    wait()\nelse:")
        editor.undo()
        assert editor.text.endswith("\n    wait()\n    else"), "the re-indent is undone with its colon"
        await pilot.press(":", "enter", *"stop()")
        assert editor.text == "if ready:\n    go()\nelif later:\n    wait()\nelse:\n    stop()"

        editor.load_text("")
        await pilot.press(*"try", ":", "enter", *"run()", "enter", *"except OSError as e", ":")
        await pilot.press("enter", *"log(e)", "enter", *"finally", ":")
        assert editor.text == "try:\n    run()\nexcept OSError as e:\n    log(e)\nfinally:"

        editor.load_text("")
        await pilot.press(*"match x", ":", "enter", *"case 1", ":", "enter", *"one()", "enter", *"case _", ":")
        assert editor.text == "match x:\n    case 1:\n        one()\n    case _:"

        editor.load_text("def f():\n    value = 1\n    ")
        editor.move_cursor((2, 4))
        await pilot.press(*"else", ":")
        assert editor.text.endswith("\n    else:"), "no if above: nothing to align with"
