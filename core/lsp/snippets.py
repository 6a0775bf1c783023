"""LSP snippets (``insertTextFormat: Snippet``) expanded into plain text plus tab stops for the editor.

Grammar (LSP 3.17): ``$1``, ``${1}``, ``${1:placeholder with $2 nested}``, ``${1|one,two|}``, ``$0`` (final
cursor), variables ``$TM_FILENAME`` / ``${TM_FILENAME:default}``, and backslash escapes of ``$``, ``}`` and
``\\`` (plus ``,`` and ``|`` inside choices). Variable transforms (``${VAR/regex/format/}``) insert the
variable's value untransformed. Anything that does not parse as a snippet element is kept as literal text,
as editors do, so a malformed snippet still inserts something sensible.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

_VARIABLE_START = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_VARIABLE_CHARS = _VARIABLE_START | set("0123456789")


@dataclass(frozen=True, slots=True)
class TabStop:
    """One tab stop: every place it appears (offsets into the expanded text) and its choices, if any."""

    index: int
    spans: tuple[tuple[int, int], ...]
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Snippet:
    """Expanded text and the tab stops in visiting order ($1, $2, ..., then $0, the final cursor)."""

    text: str
    stops: tuple[TabStop, ...]


@dataclass
class _Builder:
    out: list[str] = field(default_factory=list)
    length: int = 0
    spans: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    choices: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def write(self, text: str) -> None:
        self.out.append(text)
        self.length += len(text)


class _Parser:
    def __init__(self, source: str, variables: Mapping[str, str]) -> None:
        self.source = source
        self.pos = 0
        self.variables = variables
        self.builder = _Builder()

    def parse(self, *, until_brace: bool = False) -> bool:
        """Parse elements into the builder; with ``until_brace``, stop after an unescaped ``}`` (True if found)."""
        text: list[str] = []
        source = self.source
        while self.pos < len(source):
            char = source[self.pos]
            if char == "\\" and self.pos + 1 < len(source) and source[self.pos + 1] in "$}\\":
                text.append(source[self.pos + 1])
                self.pos += 2
                continue
            if until_brace and char == "}":
                self.pos += 1
                self.builder.write("".join(text))
                return True
            if char == "$":
                self.builder.write("".join(text))
                text = []
                if self._element():
                    continue
                text.append("$")
                self.pos += 1
                continue
            text.append(char)
            self.pos += 1
        self.builder.write("".join(text))
        return False

    def _element(self) -> bool:
        """Parse the element at ``$``; False (position unchanged) if it is not one."""
        start = self.pos
        source = self.source
        self.pos += 1
        if self.pos < len(source) and source[self.pos].isdigit():
            self._tabstop(self._int(), self.builder.length, self.builder.length)
            return True
        if self.pos < len(source) and source[self.pos] in _VARIABLE_START:
            self._variable(self._name(), None)
            return True
        if self.pos < len(source) and source[self.pos] == "{":
            self.pos += 1
            if self.pos < len(source) and source[self.pos].isdigit():
                if self._braced_tabstop():
                    return True
            elif self.pos < len(source) and source[self.pos] in _VARIABLE_START and self._braced_variable():
                return True
        self.pos = start
        return False

    def _braced_tabstop(self) -> bool:
        source = self.source
        index = self._int()
        begin = self.builder.length
        if self.pos < len(source) and source[self.pos] == "}":
            self.pos += 1
            self._tabstop(index, begin, begin)
            return True
        if self.pos < len(source) and source[self.pos] == ":":
            self.pos += 1
            mark = len(self.builder.out), self.builder.length
            if self.parse(until_brace=True):
                self._tabstop(index, begin, self.builder.length)
                return True
            del self.builder.out[mark[0] :]
            self.builder.length = mark[1]
            return False
        if self.pos < len(source) and source[self.pos] == "|":
            close = source.find("|}", self.pos + 1)
            if close < 0:
                return False
            options = _split_choices(source[self.pos + 1 : close])
            self.pos = close + 2
            self.builder.write(options[0] if options else "")
            self._tabstop(index, begin, self.builder.length)
            self.builder.choices[index] = tuple(options)
            return True
        return False

    def _braced_variable(self) -> bool:
        source = self.source
        name = self._name()
        if self.pos < len(source) and source[self.pos] == "}":
            self.pos += 1
            self._variable(name, None)
            return True
        if self.pos < len(source) and source[self.pos] == ":":
            self.pos += 1
            if name in self.variables:
                # The value wins; the default is parsed only to skip it.
                saved = self.builder
                self.builder = _Builder()
                closed = self.parse(until_brace=True)
                self.builder = saved
                if closed:
                    self.builder.write(self.variables[name])
                return closed
            return self.parse(until_brace=True)
        if self.pos < len(source) and source[self.pos] == "/":
            close = _transform_end(source, self.pos)
            if close < 0:
                return False
            self.pos = close + 1
            self._variable(name, None)
            return True
        return False

    def _variable(self, name: str, default: str | None) -> None:
        value = self.variables.get(name)
        # Unknown variables insert their name, as the specification says, so the user sees what was meant.
        self.builder.write(value if value is not None else (default if default is not None else name))

    def _tabstop(self, index: int, start: int, end: int) -> None:
        self.builder.spans.setdefault(index, []).append((start, end))

    def _int(self) -> int:
        begin = self.pos
        while self.pos < len(self.source) and self.source[self.pos].isdigit():
            self.pos += 1
        return int(self.source[begin : self.pos])

    def _name(self) -> str:
        begin = self.pos
        while self.pos < len(self.source) and self.source[self.pos] in _VARIABLE_CHARS:
            self.pos += 1
        return self.source[begin : self.pos]


def _split_choices(body: str) -> list[str]:
    options: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body) and body[index + 1] in "$}\\,|":
            current.append(body[index + 1])
            index += 2
            continue
        if char == ",":
            options.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    options.append("".join(current))
    return options


def _transform_end(source: str, slash: int) -> int:
    """Index of the ``}`` closing a ``/regex/format/options}`` transform starting at ``slash`` (-1 if none)."""
    index = slash + 1
    for part in ("regex", "format"):
        depth = 0
        while index < len(source):
            char = source[index]
            if char == "\\":
                index += 2
                continue
            if part == "format" and char == "{":
                depth += 1
            elif part == "format" and char == "}" and depth:
                depth -= 1
            elif char == "/" and not depth:
                break
            index += 1
        else:
            return -1
        index += 1
    close = source.find("}", index)
    return close


def expand_snippet(source: str, variables: Mapping[str, str] | None = None) -> Snippet:
    """Expand an LSP snippet; ``variables`` supplies TM_FILENAME, TM_SELECTED_TEXT and the like."""
    parser = _Parser(source, variables or {})
    parser.parse()
    builder = parser.builder
    text = "".join(builder.out)
    order = sorted(index for index in builder.spans if index != 0)
    stops = [TabStop(index, tuple(builder.spans[index]), builder.choices.get(index, ())) for index in order]
    final = builder.spans.get(0, [(len(text), len(text))])
    stops.append(TabStop(0, tuple(final), builder.choices.get(0, ())))
    return Snippet(text=text, stops=tuple(stops))


__all__ = ["Snippet", "TabStop", "expand_snippet"]
