"""Columns in code points (Symphony's unit) versus the code units a server counts in (UTF-16 by default).

LSP lets client and server agree on a position encoding at initialize time; Symphony offers UTF-32 first
(code points, no conversion) and falls back to what the server picks. ASCII lines need no conversion at all,
which is the common case and the fast path.
"""

from __future__ import annotations

import re
from typing import Final, Literal

Encoding = Literal["utf-8", "utf-16", "utf-32"]

UTF8: Final = "utf-8"
UTF16: Final = "utf-16"
UTF32: Final = "utf-32"

_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")


def normalize_encoding(kind: str | None) -> Encoding:
    """The encoding a server announced (absent means UTF-16, per the LSP specification)."""
    if kind in (UTF8, UTF32):
        return kind  # type: ignore[return-value]
    return UTF16


_OTHER_BREAKS = "\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
"""What ``str.splitlines`` breaks at besides LF."""


def split_lines(text: str) -> list[str]:
    """LSP lines (broken at CRLF, CR or LF only), each keeping its terminator; never empty."""
    if not any(char in text for char in _OTHER_BREAKS):  # a memchr each: faster than one regex scan
        # Only LF breaks: str.splitlines does the same split in C (the regex split and join per line took 46 ms
        # for a 100,000-line file, on the UI loop when a language server opens it). It leaves out the empty
        # line after a final break, which LSP counts.
        lines = text.splitlines(keepends=True)
        if not lines or lines[-1].endswith("\n"):
            lines.append("")
        return lines
    parts = _LINE_BREAK.split(text)
    lines = [parts[i] + parts[i + 1] for i in range(0, len(parts) - 1, 2)]
    lines.append(parts[-1])
    return lines


def line_content(line: str) -> str:
    """A line without its terminator."""
    if line.endswith("\r\n"):
        return line[:-2]
    if line.endswith(("\n", "\r")):
        return line[:-1]
    return line


def _unit_length(char: str, encoding: Encoding) -> int:
    code = ord(char)
    if encoding == UTF16:
        return 2 if code > 0xFFFF else 1
    if code < 0x80:
        return 1
    if code < 0x800:
        return 2
    return 3 if code < 0x10000 else 4


def to_units(line: str, column: int, encoding: Encoding) -> int:
    """Code-point column -> the server's code units on ``line`` (a column past the end is kept as is)."""
    if encoding == UTF32 or line.isascii():
        return column
    head = line[:column]
    if encoding == UTF8:
        units = len(head.encode("utf-8", "surrogatepass"))
    else:
        units = len(head) + sum(1 for char in head if ord(char) > 0xFFFF)
    return units + max(0, column - len(line))


def from_units(line: str, units: int, encoding: Encoding) -> int:
    """The server's code units on ``line`` -> code-point column; a unit inside a character rounds down."""
    if encoding == UTF32 or line.isascii():
        return units
    count = 0
    for column, char in enumerate(line):
        width = _unit_length(char, encoding)
        if count + width > units:
            return column
        count += width
    return len(line) + (units - count)


__all__ = [
    "UTF8",
    "UTF16",
    "UTF32",
    "Encoding",
    "from_units",
    "line_content",
    "normalize_encoding",
    "split_lines",
    "to_units",
]
