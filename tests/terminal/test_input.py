"""Key, mouse, paste and focus encoding follows the program's modes."""

from __future__ import annotations

import pytest

from core.errors import ValidationError
from terminal.emulator import TerminalEmulator
from terminal.input import MouseAction, MouseButton, MouseEvent


@pytest.fixture
def emu() -> TerminalEmulator:
    return TerminalEmulator(80, 24)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("a", b"a"),
        ("A", b"A"),
        ("shift+a", b"A"),
        ("é", "é".encode()),
        ("enter", b"\r"),
        ("tab", b"\t"),
        ("shift+tab", b"\x1b[Z"),
        ("backspace", b"\x7f"),
        ("escape", b"\x1b"),
        ("space", b" "),
        ("ctrl+c", b"\x03"),
        ("ctrl+space", b"\x00"),
        ("ctrl+at", b"\x00"),
        ("ctrl+backslash", b"\x1c"),
        ("alt+x", b"\x1bx"),
        ("up", b"\x1b[A"),
        ("ctrl+up", b"\x1b[1;5A"),
        ("shift+right", b"\x1b[1;2C"),
        ("home", b"\x1b[H"),
        ("pageup", b"\x1b[5~"),
        ("delete", b"\x1b[3~"),
        ("f1", b"\x1bOP"),
        ("f5", b"\x1b[15~"),
    ],
)
def test_keys_encode_like_xterm(emu: TerminalEmulator, key: str, expected: bytes) -> None:
    assert emu.encode_key(key) == expected


def test_application_cursor_mode_switches_arrows_to_ss3(emu: TerminalEmulator) -> None:
    emu.feed(b"\x1b[?1h")
    assert emu.encode_key("up") == b"\x1bOA"
    emu.feed(b"\x1b[?1l")
    assert emu.encode_key("up") == b"\x1b[A"


def test_unknown_key_names_are_rejected(emu: TerminalEmulator) -> None:
    with pytest.raises(ValidationError, match="Unknown key"):
        emu.encode_key("ctrl+nosuchkey")
    with pytest.raises(ValidationError, match="Unknown modifier"):
        emu.encode_key("hyper+a")


def test_paste_is_bracketed_only_when_the_program_asked(emu: TerminalEmulator) -> None:
    assert emu.encode_paste("ls\n") == b"ls\r"
    emu.feed(b"\x1b[?2004h")
    assert emu.encode_paste("ls\n") == b"\x1b[200~ls\n\x1b[201~"


def test_paste_cannot_smuggle_the_closing_fence(emu: TerminalEmulator) -> None:
    emu.feed(b"\x1b[?2004h")
    encoded = emu.encode_paste("x\x1b[201~rm -rf /\n")
    assert encoded.count(b"\x1b[201~") == 1
    assert encoded.endswith(b"\x1b[201~")


def test_mouse_is_silent_until_tracking_is_enabled(emu: TerminalEmulator) -> None:
    press = MouseEvent(MouseAction.PRESS, MouseButton.LEFT, x=3, y=2)
    assert emu.encode_mouse(press) == b""
    emu.feed(b"\x1b[?1000h\x1b[?1006h")
    assert emu.encode_mouse(press) == b"\x1b[<0;4;3M"
    release = MouseEvent(MouseAction.RELEASE, MouseButton.LEFT, x=3, y=2)
    assert emu.encode_mouse(release) == b"\x1b[<0;4;3m"
    wheel = MouseEvent(MouseAction.PRESS, MouseButton.WHEEL_DOWN, x=0, y=0)
    assert emu.encode_mouse(wheel) == b"\x1b[<65;1;1M"


def test_motion_is_reported_only_in_any_event_mode(emu: TerminalEmulator) -> None:
    motion = MouseEvent(MouseAction.MOTION, MouseButton.NONE, x=5, y=5)
    emu.feed(b"\x1b[?1000h\x1b[?1006h")
    assert emu.encode_mouse(motion) == b""
    emu.feed(b"\x1b[?1003h")
    assert emu.encode_mouse(motion) == b"\x1b[<35;6;6M"


def test_x10_mouse_format_without_sgr(emu: TerminalEmulator) -> None:
    emu.feed(b"\x1b[?1000h")
    assert emu.encode_mouse(MouseEvent(MouseAction.PRESS, MouseButton.LEFT, x=0, y=0)) == b"\x1b[M !!"


def test_focus_reports_follow_mode_1004(emu: TerminalEmulator) -> None:
    assert emu.encode_focus(True) == b""
    emu.feed(b"\x1b[?1004h")
    assert emu.encode_focus(True) == b"\x1b[I"
    assert emu.encode_focus(False) == b"\x1b[O"
