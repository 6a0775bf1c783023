"""Where each key of a TOML document is written, so schema errors about ``contributes.commands[1].title`` can
point at a line. ``tomllib`` parses values but forgets positions; this scanner reads only the key structure.

It understands table headers, arrays of tables (indexed in order), dotted and quoted keys, and skips multi-line
arrays, inline tables and multi-line strings so their contents are not mistaken for keys. It relies on
``tomllib`` having accepted the document; on invalid TOML it does its best and never raises.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass

KeyPath = tuple[str | int, ...]

_BARE = r"[A-Za-z0-9_-]+"
_BASIC = r'"(?:[^"\\]|\\.)*"'
_LITERAL = r"'[^']*'"
_KEY = rf"(?:{_BARE}|{_BASIC}|{_LITERAL})"
_DOTTED = rf"{_KEY}(?:[ \t]*\.[ \t]*{_KEY})*"
_KEY_PART = re.compile(rf"({_BARE}|{_BASIC}|{_LITERAL})")
_ASSIGNMENT = re.compile(rf"^([ \t]*)({_DOTTED})[ \t]*=[ \t]*")
_TABLE = re.compile(rf"^[ \t]*\[[ \t]*({_DOTTED})[ \t]*\][ \t]*(?:#.*)?$")
_ARRAY_TABLE = re.compile(rf"^[ \t]*\[\[[ \t]*({_DOTTED})[ \t]*\]\][ \t]*(?:#.*)?$")


@dataclass(frozen=True, slots=True)
class KeySpan:
    """Where a key is written: 0-based line and the columns of the key text (for a table, its header)."""

    line: int
    start: int
    end: int


def split_key(dotted: str) -> list[str]:
    """``a."b.c".d`` -> ['a', 'b.c', 'd'] (quotes removed, escapes in basic strings decoded)."""
    parts = []
    for match in _KEY_PART.finditer(dotted):
        part = match.group(1)
        if part[0] == '"' and "\\" in part:
            parts.append(_decode_basic(part))
        else:
            parts.append(part[1:-1] if part[0] in "\"'" else part)
    return parts


def _decode_basic(quoted: str) -> str:
    """A TOML basic string's value; tomllib knows every escape, so ask it."""
    try:
        value = tomllib.loads(f"k = {quoted}")["k"]
    except tomllib.TOMLDecodeError:
        return quoted[1:-1]
    return value if isinstance(value, str) else quoted[1:-1]


def _bracket_balance(value: str) -> tuple[int, str | None]:
    """Net open [ and { in ``value`` outside strings, and an unclosed multi-line string delimiter if any."""
    depth = 0
    index = 0
    while index < len(value):
        char = value[index]
        if value.startswith(('"""', "'''"), index):
            delimiter = value[index : index + 3]
            close = value.find(delimiter, index + 3)
            if close < 0:
                return depth, delimiter
            index = close + 3
            continue
        if char == '"':
            match = re.match(_BASIC, value[index:])
            index += match.end() if match else len(value)
            continue
        if char == "'":
            close = value.find("'", index + 1)
            index = close + 1 if close >= 0 else len(value)
            continue
        if char == "#":
            break
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        index += 1
    return depth, None


@dataclass(frozen=True, slots=True)
class TomlKeys:
    """The key structure of one TOML text: where each key path is written, and where each table starts."""

    spans: dict[KeyPath, KeySpan]
    headers: list[tuple[int, KeyPath]]
    """(line, table path) for every header, in order."""

    def locate(self, path: KeyPath) -> KeySpan | None:
        """The span of ``path`` or of its longest written prefix (array items point at their key)."""
        for length in range(len(path), 0, -1):
            span = self.spans.get(path[:length])
            if span is not None:
                return span
        return None

    def prefix_at(self, line: int) -> KeyPath:
        """The table path in force at ``line`` (set by the last header above it)."""
        prefix: KeyPath = ()
        for header_line, path in self.headers:
            if header_line >= line:
                break
            prefix = path
        return prefix


def scan(text: str) -> TomlKeys:
    """Read the key structure of ``text`` (never raises, even on invalid TOML)."""
    spans: dict[KeyPath, KeySpan] = {}
    headers: list[tuple[int, KeyPath]] = []
    array_counts: dict[KeyPath, int] = {}
    prefix: KeyPath = ()
    depth = 0
    open_string: str | None = None
    for number, line in enumerate(text.splitlines()):
        if open_string is not None:
            close = line.find(open_string)
            if close < 0:
                continue
            change, open_string = _bracket_balance(line[close + 3 :])
            depth = max(0, depth + change)
            continue
        if depth > 0:
            change, open_string = _bracket_balance(line)
            depth = max(0, depth + change)
            continue
        if match := _ARRAY_TABLE.match(line):
            path = tuple(split_key(match.group(1)))
            index = array_counts.get(path, 0)
            array_counts[path] = index + 1
            prefix = (*path, index)
            span = KeySpan(number, match.start(1), match.end(1))
            spans.setdefault(path, span)
            spans[prefix] = span
            headers.append((number, prefix))
            continue
        if match := _TABLE.match(line):
            prefix = tuple(split_key(match.group(1)))
            spans.setdefault(prefix, KeySpan(number, match.start(1), match.end(1)))
            headers.append((number, prefix))
            continue
        if match := _ASSIGNMENT.match(line):
            keys = split_key(match.group(2))
            for length in range(1, len(keys) + 1):
                spans.setdefault((*prefix, *keys[:length]), KeySpan(number, match.start(2), match.end(2)))
            change, open_string = _bracket_balance(line[match.end() :])
            depth = max(0, change)
    return TomlKeys(spans=spans, headers=headers)


__all__ = ["KeyPath", "KeySpan", "TomlKeys", "scan", "split_key"]
