"""The screen model a terminal widget paints: immutable lines of cells with styles, plus the cursor.

Values here are plain frozen dataclasses so a UI thread can hold a line while the emulator thread moves on, and
so snapshot tests can compare them. Colours are kept as the program asked for them (``None`` = the theme's
default, ``int`` = palette index 0-255, ``(r, g, b)`` = truecolor); resolving them against a theme is the UI's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

Color = int | tuple[int, int, int] | None
"""``None`` for the default colour, a palette index 0-255 (0-15 are the ANSI colours), or an RGB triple."""


class UnderlineStyle(IntEnum):
    """SGR 4 and its ``4:n`` sub-parameters."""

    NONE = 0
    SINGLE = 1
    DOUBLE = 2
    CURLY = 3
    DOTTED = 4
    DASHED = 5


class CursorShape(IntEnum):
    """DECSCUSR shapes (the UI decides how each looks)."""

    BAR = 0
    BLOCK = 1
    UNDERLINE = 2
    BLOCK_HOLLOW = 3


@dataclass(frozen=True, slots=True)
class Style:
    """SGR attributes of one cell."""

    fg: Color = None
    bg: Color = None
    underline_color: Color = None
    bold: bool = False
    dim: bool = False
    italic: bool = False
    underline: UnderlineStyle = UnderlineStyle.NONE
    blink: bool = False
    reverse: bool = False
    invisible: bool = False
    strikethrough: bool = False
    overline: bool = False


DEFAULT_STYLE = Style()
"""The style of a cell no SGR sequence touched."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One grid cell. A wide character (CJK, emoji) is a ``width == 2`` cell followed by a ``width == 0`` spacer."""

    text: str = " "
    """The grapheme cluster shown here; a space for blank cells, ``""`` for the spacer after a wide character."""
    width: int = 1
    style: Style = DEFAULT_STYLE
    hyperlink: str | None = None
    """The OSC 8 URI this cell links to, if any."""


BLANK_CELL = Cell()


@dataclass(frozen=True, slots=True)
class Line:
    """One row of the viewport."""

    cells: tuple[Cell, ...]
    wrapped: bool = False
    """True when the text continues on the next row (soft wrap), so copy joins the two without a newline."""

    @property
    def text(self) -> str:
        """The row's characters with trailing blanks removed (what a user would copy)."""
        return "".join(cell.text for cell in self.cells).rstrip()


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where and how to draw the cursor, in viewport cells."""

    x: int
    y: int
    visible: bool = True
    """False when the program hid it (DECTCEM) or it is scrolled out of the viewport."""
    shape: CursorShape = CursorShape.BLOCK
    blinking: bool = False
