"""Highlighting for at least 20 languages from installed wheels, chosen by file name, and changeable per buffer."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from tree_sitter import Parser, Query, QueryCursor

from core.theming import builtin_theme_dir, discover_themes
from symphony_tui.app import SymphonyApp
from symphony_tui.themes import editor_theme
from symphony_tui.widgets.grammars import grammar_for, highlightable_languages
from symphony_tui.widgets.quick_pick import QuickPick
from symphony_tui.widgets.status_bar import StatusBar

SAMPLES: dict[str, str] = {
    "bash": 'if true; then echo "hi"; fi\n',
    "c": "int main(void) { return 0; }\n",
    "cpp": "class A { public: int x; };\nint main() { return 0; }\n",
    "css": "a { color: red; }\n",
    "go": "package main\n\nfunc main() { return }\n",
    "haskell": 'main :: IO ()\nmain = putStrLn "hi"\n',
    "html": '<p class="x">hi</p>\n',
    "java": 'class A { String x = "s"; }\n',
    "javascript": 'const x = "s";\n',
    "json": '{"a": 1}\n',
    "lua": 'local x = "s"\nreturn x\n',
    "make": "all: main.o\n\techo done\n",
    "markdown": "# Title\n\ntext\n",
    "php": '<?php function f() { return "s"; } ?>\n',
    "python": 'def f():\n    return "s"\n',
    "regex": "a+b[0-9]*\n",
    "ruby": 'def f\n  "s"\nend\n',
    "rust": "fn main() { let x = 1; }\n",
    "scala": 'object A { val x = "s" }\n',
    "sql": "SELECT a FROM t;\n",
    "toml": 'a = "s"\n',
    "tsx": 'const x: number = 1;\nfunction f() { return "s"; }\n',
    "typescript": 'let x: string = "s";\nfunction f(a: number): number { return a; }\n',
    "xml": '<a b="c"/>\n',
    "yaml": 'a: "s"\n',
}


def dark_theme_styles():  # type: ignore[no-untyped-def]
    specs, _ = discover_themes([builtin_theme_dir()])
    return editor_theme(specs["symphony-dark"]).syntax_styles


def test_at_least_twenty_languages_are_highlightable() -> None:
    assert len(highlightable_languages()) >= 20
    assert set(SAMPLES) == set(highlightable_languages())


@pytest.mark.parametrize("language_id", sorted(SAMPLES))
def test_each_grammar_loads_offline_and_colours_its_sample(language_id: str) -> None:
    grammar = grammar_for(language_id)
    assert grammar is not None, f"no grammar installed for {language_id}"
    tree = Parser(grammar.language).parse(SAMPLES[language_id].encode())
    captures = QueryCursor(Query(grammar.language, grammar.highlight_query)).captures(tree.root_node)
    styles = dark_theme_styles()
    coloured = [name for name in captures if styles.get(name) is not None]
    assert coloured, f"{language_id}: none of {sorted(captures)} has a colour in the theme"


def test_a_detailed_capture_name_takes_its_parents_colour() -> None:
    styles = dark_theme_styles()
    assert styles.get("function.method.builtin") == styles.get("function")
    assert styles.get("keyword.return") == styles["keyword.return"]
    assert styles.get("no.such.capture") is None


def test_an_unknown_language_has_no_grammar() -> None:
    assert grammar_for("brainfuck") is None
    assert grammar_for("text") is None


async def settle(pilot: Pilot[None]) -> None:
    background = [w for w in pilot.app.workers if w.group != "commands"]
    if background:
        await pilot.app.workers.wait_for_complete(background)
    await pilot.pause()


async def test_typescript_by_extension_and_change_language_mode_on_a_text_file(tmp_path: Path) -> None:
    (tmp_path / "app.ts").write_text(SAMPLES["typescript"], encoding="utf-8")
    (tmp_path / "notes.txt").write_text(SAMPLES["ruby"], encoding="utf-8")
    app = SymphonyApp(tmp_path, open_paths=[tmp_path / "app.ts", tmp_path / "notes.txt"], watch_config=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        ts = app.editors[0]
        assert ts.language_id == "typescript" and ts.is_syntax_aware
        notes = app.active_editor
        assert notes is not None and notes.language_id == "text" and not notes.is_syntax_aware
        notes.move_cursor((1, 2))
        app.dispatch("editor.changeLanguage")
        await pilot.pause()
        assert isinstance(app.screen, QuickPick)
        await pilot.press(*"ruby")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert notes.language_id == "ruby" and notes.is_syntax_aware
        assert notes.text == SAMPLES["ruby"] and notes.cursor_location == (1, 2)
        assert notes._highlights[0], "the keyword 'def' is highlighted after the change"
        assert app.query_one(StatusBar).info.language == "Ruby"
