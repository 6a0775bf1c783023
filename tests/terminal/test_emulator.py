"""Conformance subset for the sequences full-screen programs rely on (vttest/esctest style, checked on the model)."""

from __future__ import annotations

import pytest

from core.errors import ValidationError
from terminal.emulator import TerminalEmulator
from terminal.events import Bell, ClipboardTarget, ClipboardWrite, CwdChanged, TitleChanged
from terminal.modes import MouseFormat, MouseTracking
from terminal.screen import CursorShape, UnderlineStyle

ESC = b"\x1b"
CSI = b"\x1b["


def make(cols: int = 20, rows: int = 5, **kwargs: int) -> TerminalEmulator:
    return TerminalEmulator(cols, rows, **kwargs)


def test_plain_text_fills_cells_and_moves_cursor() -> None:
    emu = make()
    emu.feed(b"hello\r\nworld")
    assert emu.line(0).text == "hello"
    assert emu.line(1).text == "world"
    assert (emu.cursor.x, emu.cursor.y) == (5, 1)


def test_feed_reports_the_rows_it_changed_and_the_row_the_cursor_left() -> None:
    emu = make()
    emu.feed(b"a\r\nb\r\nc")
    assert emu.feed(CSI + b"2;1Hz") == frozenset({1, 2})
    assert emu.feed(b"z") == frozenset({1})
    assert emu.feed(b"") == frozenset()


def test_sgr_16_256_and_truecolor_colours() -> None:
    emu = make()
    emu.feed(CSI + b"31mA" + CSI + b"94mB" + CSI + b"38;5;200mC" + CSI + b"38;2;1;2;3mD" + CSI + b"48;2;9;8;7mE")
    cells = emu.line(0).cells
    assert cells[0].style.fg == 1
    assert cells[1].style.fg == 12
    assert cells[2].style.fg == 200
    assert cells[3].style.fg == (1, 2, 3)
    assert cells[4].style.bg == (9, 8, 7)


def test_sgr_attributes_and_reset() -> None:
    emu = make()
    emu.feed(CSI + b"1;2;3;4;9;7mX" + CSI + b"0m" + CSI + b"4:3mY" + CSI + b"0mZ")
    x, y, z = emu.line(0).cells[:3]
    assert (x.style.bold, x.style.dim, x.style.italic, x.style.strikethrough, x.style.reverse) == (True,) * 5
    assert x.style.underline is UnderlineStyle.SINGLE
    assert y.style.underline is UnderlineStyle.CURLY
    assert z.style == emu.line(1).cells[0].style  # default


def test_wide_characters_take_two_cells() -> None:
    emu = make()
    emu.feed("中文 😀!".encode())
    cells = emu.line(0).cells
    assert [(c.text, c.width) for c in cells[:8]] == [
        ("中", 2),
        ("", 0),
        ("文", 2),
        ("", 0),
        (" ", 1),
        ("😀", 2),
        ("", 0),
        ("!", 1),
    ]
    assert emu.cursor.x == 8


def test_alternate_screen_hides_and_restores_the_primary_screen() -> None:
    emu = make()
    emu.feed(b"shell prompt")
    emu.feed(CSI + b"?1049h" + CSI + b"H" + b"vim")
    assert emu.modes.alternate_screen
    assert emu.line(0).text == "vim"
    emu.feed(CSI + b"?1049l")
    assert not emu.modes.alternate_screen
    assert emu.line(0).text == "shell prompt"


def test_scroll_region_scrolls_only_its_rows() -> None:
    emu = make(rows=5)
    emu.feed(b"top\r\n1\r\n2\r\n3\r\nbottom")
    emu.feed(CSI + b"2;4r" + CSI + b"4;1H" + b"\n")  # set region rows 2-4, linefeed at its bottom
    assert [emu.line(y).text for y in range(5)] == ["top", "2", "3", "", "bottom"]


def test_insert_and_delete_lines() -> None:
    emu = make(rows=4)
    emu.feed(b"a\r\nb\r\nc\r\nd")
    emu.feed(CSI + b"2;1H" + CSI + b"L")
    assert [emu.line(y).text for y in range(4)] == ["a", "", "b", "c"]
    emu.feed(CSI + b"M" + CSI + b"M")
    assert [emu.line(y).text for y in range(4)] == ["a", "c", "", ""]


def test_insert_erase_and_delete_characters() -> None:
    emu = make()
    emu.feed(b"abcdef" + CSI + b"1;2H" + CSI + b"2@")
    assert emu.line(0).text == "a  bcdef"
    emu.feed(CSI + b"3P")
    assert emu.line(0).text == "acdef"
    emu.feed(CSI + b"2X")
    assert emu.line(0).text == "a  ef"


def test_cursor_visibility_and_shape() -> None:
    emu = make()
    emu.feed(CSI + b"?25l")
    assert not emu.cursor.visible
    emu.feed(CSI + b"?25h" + CSI + b"6 q")
    assert emu.cursor.visible
    assert emu.cursor.shape is CursorShape.BAR
    emu.feed(CSI + b"4 q")
    assert emu.cursor.shape is CursorShape.UNDERLINE


def test_title_cwd_clipboard_and_bell_become_events() -> None:
    emu = make()
    emu.feed(b"\x1b]2;build\x07\x1b]7;file://host/home/me\x1b\\\x1b]52;c;Y29weQ==\x07\x07")
    assert emu.drain_events() == [
        TitleChanged("build"),
        CwdChanged("file://host/home/me"),
        ClipboardWrite("copy", ClipboardTarget.CLIPBOARD),
        Bell(),
    ]
    assert emu.title == "build"
    assert emu.drain_events() == []


def test_osc8_hyperlinks_are_attached_to_their_cells() -> None:
    emu = make()
    emu.feed(b"see \x1b]8;;https://example.org\x1b\\docs\x1b]8;;\x1b\\ now")
    cells = emu.line(0).cells
    assert {c.hyperlink for c in cells[4:8]} == {"https://example.org"}
    assert cells[3].hyperlink is None
    assert cells[9].hyperlink is None


def test_scrollback_keeps_lines_and_the_viewport_can_scroll_into_them() -> None:
    emu = make(rows=3, scrollback=100)
    emu.feed(b"\r\n".join(f"line{i}".encode() for i in range(10)))
    assert emu.line(2).text == "line9"
    assert emu.scrollback_rows == 7
    emu.scroll_viewport(-7)
    assert emu.viewport_offset == 7
    assert emu.line(0).text == "line0"
    emu.scroll_to_bottom()
    assert emu.viewport_offset == 0
    assert "line0\nline1" in emu.history_text()


def test_resize_reflows_soft_wrapped_lines() -> None:
    emu = make(cols=10, rows=4)
    emu.feed(b"0123456789abcde")
    assert emu.line(0).wrapped
    assert emu.resize(20, 4) == frozenset(range(4))
    assert emu.line(0).text == "0123456789abcde"
    assert (emu.cols, emu.rows) == (20, 4)


def test_status_reports_are_answered_through_replies() -> None:
    emu = make()
    emu.feed(CSI + b"3;7H" + CSI + b"6n")
    assert emu.drain_replies() == b"\x1b[3;7R"
    emu.feed(CSI + b"c")
    assert emu.drain_replies().startswith(b"\x1b[?")


def test_input_modes_are_reported() -> None:
    emu = make()
    emu.feed(CSI + b"?1h" + CSI + b"?2004h" + CSI + b"?1002h" + CSI + b"?1006h" + CSI + b"?1004h" + ESC + b"=")
    modes = emu.modes
    assert modes.application_cursor
    assert modes.bracketed_paste
    assert modes.mouse_tracking is MouseTracking.BUTTON
    assert modes.mouse_format is MouseFormat.SGR
    assert modes.focus_events
    assert modes.application_keypad
    emu.feed(CSI + b"?1003h")
    assert emu.modes.mouse_tracking is MouseTracking.ANY


@pytest.mark.parametrize(("cols", "rows"), [(0, 5), (5, 0), (100_000, 5)])
def test_out_of_range_sizes_are_refused_with_a_validation_error(cols: int, rows: int) -> None:
    with pytest.raises(ValidationError) as raised:
        TerminalEmulator(cols, rows)
    assert raised.value.data == {"cols": cols, "rows": rows}


def test_negative_scrollback_is_refused() -> None:
    with pytest.raises(ValidationError, match="Scrollback"):
        TerminalEmulator(10, 10, scrollback=-1)
