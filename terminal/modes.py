"""The terminal modes a program switched on that change how input must be encoded or the screen drawn."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class MouseTracking(IntEnum):
    """Which mouse events the program asked for (DEC modes 9, 1000, 1002, 1003)."""

    NONE = 0
    X10 = 1
    """Mode 9: presses only."""
    NORMAL = 2
    """Mode 1000: presses and releases."""
    BUTTON = 3
    """Mode 1002: plus motion while a button is held."""
    ANY = 4
    """Mode 1003: plus all motion."""


class MouseFormat(IntEnum):
    """How mouse reports are encoded (DEC modes 1005, 1006, 1015, 1016; X10 bytes otherwise)."""

    X10 = 0
    UTF8 = 1
    SGR = 2
    URXVT = 3
    SGR_PIXELS = 4


@dataclass(frozen=True, slots=True)
class TerminalModes:
    """A snapshot of the modes relevant to a UI: what to forward, how to paste, whether to own the mouse wheel."""

    application_cursor: bool = False
    """DECCKM (mode 1): arrows send SS3 instead of CSI."""
    application_keypad: bool = False
    """DECKPAM / mode 66: the keypad sends application sequences."""
    bracketed_paste: bool = False
    """Mode 2004: pastes are wrapped in ESC[200~ ... ESC[201~."""
    focus_events: bool = False
    """Mode 1004: the program wants ESC[I / ESC[O on focus changes."""
    mouse_tracking: MouseTracking = MouseTracking.NONE
    mouse_format: MouseFormat = MouseFormat.X10
    alternate_screen: bool = False
    """A full-screen program is on the alternate screen (no scrollback there): the UI should pass keys through."""
    alternate_scroll: bool = False
    """Mode 1007: on the alternate screen the wheel should send arrow keys."""
    cursor_visible: bool = True
    auto_wrap: bool = True
    insert: bool = False
    """IRM (ANSI mode 4)."""
    synchronized_output: bool = False
    """Mode 2026: the program is mid-frame; a UI may hold the previous frame."""
    kitty_keyboard_flags: int = 0
    """Progressive-enhancement flags of the kitty keyboard protocol (0 = legacy xterm keys)."""
