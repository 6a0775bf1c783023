"""EditorConfig properties for a file: globs, nearest file wins, root stops the search, bad values ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ConfigError
from core.types import LineEnding
from core.workspace.editorconfig import EditorConfig, editorconfig_for


def test_sections_match_by_glob_and_the_nearest_file_wins(tmp_path: Path) -> None:
    (tmp_path / ".editorconfig").write_text(
        "root = true\n\n[*]\nindent_style = space\nindent_size = 4\nend_of_line = lf\n"
        "insert_final_newline = true\n\n[*.go]\nindent_style = tab\ntab_width = 8\n\n[Makefile]\nindent_style = tab\n",
        encoding="utf-8",
    )
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / ".editorconfig").write_text(
        "[*.js]\nindent_size = 2\ncharset = utf-8-bom\nend_of_line = crlf\ntrim_trailing_whitespace = true\n",
        encoding="utf-8",
    )
    py = editorconfig_for(tmp_path / "a.py")
    assert (py.indent_style, py.indent_size, py.end_of_line, py.insert_final_newline) == (
        "space",
        4,
        LineEnding.LF,
        True,
    )
    go = editorconfig_for(tmp_path / "main.go")
    assert (go.indent_style, go.tab_width) == ("tab", 8)
    js = editorconfig_for(tmp_path / "web" / "app.js")
    assert (js.indent_size, js.encoding, js.bom, js.end_of_line, js.trim_trailing_whitespace) == (
        2,
        "utf-8",
        True,
        LineEnding.CRLF,
        True,
    )
    assert editorconfig_for(tmp_path / "Makefile").indent_style == "tab"


def test_without_an_editorconfig_nothing_is_set_and_odd_values_are_ignored(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    root.mkdir()
    (root / ".editorconfig").write_text("root = true\n", encoding="utf-8")
    assert editorconfig_for(root / "x.txt").is_empty
    (root / ".editorconfig").write_text(
        "root = true\n[*]\nindent_size = lots\nend_of_line = sideways\ncharset = klingon\n", encoding="utf-8"
    )
    assert editorconfig_for(root / "x.txt") == EditorConfig()


def test_indent_size_tab_follows_tab_width(tmp_path: Path) -> None:
    (tmp_path / ".editorconfig").write_text("root = true\n[*]\nindent_size = tab\ntab_width = 3\n", encoding="utf-8")
    assert editorconfig_for(tmp_path / "x.c").indent_size == 3


def test_an_unparsable_editorconfig_is_a_config_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / ".editorconfig").write_text("root = true\n[*\nindent_size = 2\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        editorconfig_for(tmp_path / "x.py")
    assert "x.py" in caught.value.message and caught.value.hint
