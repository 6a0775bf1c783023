"""Files that are not ordinary text: binaries open as a read-only hex view, huge files open without colours."""

from __future__ import annotations

from pathlib import Path

from symphony_tui.app import SymphonyApp
from tests.symphony_tui.pilot_wait import settle

SIZE = (100, 30)
BLOB = b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4


async def test_a_binary_file_opens_as_a_read_only_hex_view_and_is_never_written(tmp_path: Path) -> None:
    blob = tmp_path / "tool.bin"
    blob.write_bytes(BLOB)
    app = SymphonyApp(tmp_path, open_paths=[blob], watch_config=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        editor = app.active_editor
        assert editor is not None and editor.read_only and editor.state.binary
        assert editor.document[0].startswith("00000000  7f 45 4c 46 02 01 01 00  00 01 02 03")
        assert editor.document[0].endswith("|.ELF............|")
        assert any("binary file" in n.message for n in app._notifications)
        await pilot.press("x", "enter", "backspace")
        assert not editor.dirty
        assert await app.save_editor(editor) is False
    assert blob.read_bytes() == BLOB


async def test_a_file_over_the_large_file_limit_opens_without_highlighting(tmp_path: Path) -> None:
    (tmp_path / ".symphony").mkdir()
    (tmp_path / ".symphony" / "settings.toml").write_text("[editor]\nlarge_file_mb = 0.001\n", encoding="utf-8")
    big, small = tmp_path / "big.py", tmp_path / "small.py"
    big.write_text("x = 1\n" * 400, encoding="utf-8")  # 2,400 bytes: over 0.001 MB
    small.write_text("x = 1\n", encoding="utf-8")
    app = SymphonyApp(tmp_path, open_paths=[big, small], watch_config=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        big_editor, small_editor = app.editors
        assert big_editor.language_id == "python" and not big_editor.is_syntax_aware
        assert small_editor.is_syntax_aware
        assert any("syntax highlighting is off" in n.message for n in app._notifications)


async def test_editorconfig_sets_indentation_whitespace_on_save_and_the_format_of_new_files(tmp_path: Path) -> None:
    (tmp_path / ".editorconfig").write_text(
        "root = true\n[*.go]\nindent_style = tab\ntab_width = 8\n"
        "[*.txt]\ntrim_trailing_whitespace = true\ninsert_final_newline = true\nend_of_line = crlf\n",
        encoding="utf-8",
    )
    go, notes = tmp_path / "main.go", tmp_path / "notes.txt"
    go.write_text("package main\n", encoding="utf-8")
    notes.write_bytes(b"keep\nthese  \nbytes")
    app = SymphonyApp(tmp_path, open_paths=[go, notes], watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        go_editor, notes_editor = app.editors
        assert (go_editor.indent_type, go_editor.indent_width) == ("tabs", 8)
        assert notes_editor.indent_type == "spaces"
        notes_editor.insert("!", (0, 4))
        assert await app.save_editor(notes_editor)
        untitled = await app.new_file()
        untitled.insert("one  \ntwo")
        assert await app.save_editor(untitled, path=tmp_path / "new.txt")
    # The existing file keeps its LF endings; trailing blanks go and a final newline comes, as configured.
    assert notes.read_bytes() == b"keep!\nthese\nbytes\n"
    assert (tmp_path / "new.txt").read_bytes() == b"one\r\ntwo\r\n"
