"""Things a program tells its terminal besides drawing: title, working directory, clipboard, bell.

The emulator queues these while parsing (``TerminalEmulator.drain_events()``); a session hands them to the UI with
the next frame. OSC 8 hyperlinks are not events: they live on the cells (``Cell.hyperlink``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True, slots=True)
class TitleChanged:
    """OSC 0 / OSC 2 set the window title (a tab title should follow it)."""

    title: str


@dataclass(frozen=True, slots=True)
class CwdChanged:
    """OSC 7 reported the shell's working directory, as the ``file://host/path`` URI or path it sent."""

    cwd: str


class ClipboardTarget(Enum):
    """Which clipboard an OSC 52 write addresses."""

    CLIPBOARD = "c"
    PRIMARY = "p"
    SELECTION = "s"


@dataclass(frozen=True, slots=True)
class ClipboardWrite:
    """OSC 52 asked to put text on the clipboard (this is how copy works over SSH)."""

    text: str
    target: ClipboardTarget = ClipboardTarget.CLIPBOARD


@dataclass(frozen=True, slots=True)
class Bell:
    """BEL outside an escape sequence."""


TerminalEvent = TitleChanged | CwdChanged | ClipboardWrite | Bell
"""Everything ``TerminalEmulator.drain_events()`` may return."""
