"""Find the line where a key is written in a settings file, so schema errors can point at it.

The parsers in the standard library keep no positions, so this re-reads the (already valid) text:
YAML through PyYAML's node graph (exact), JSON through a small token walk (exact for valid JSON),
TOML through a line scan of table headers and ``key =`` lines (exact for the usual one-key-per-line style;
for keys inside inline tables or multi-line arrays it gives the line of the enclosing key).
"""

from __future__ import annotations

import bisect
import json
import re
from typing import Any

from core.config.formats import ConfigFormat
from core.config.merge import KeyPath


def find_key_line(text: str, fmt: ConfigFormat, path: KeyPath) -> int | None:
    """The 1-based line where ``path`` (or its nearest written ancestor) is defined, or None if not found."""
    if not path:
        return None
    if fmt is ConfigFormat.YAML:
        import yaml  # deferred: only YAML settings files need it

        try:
            return _yaml_line(text, path)
        except (yaml.YAMLError, ValueError, IndexError):
            return None
    try:
        if fmt is ConfigFormat.JSON:
            return _best(_json_keys(text), path)
        return _best(_toml_keys(text), path)
    except (ValueError, IndexError):
        # Locating is a courtesy; a document we cannot walk just gets no line number.
        return None


def _best(found: list[tuple[KeyPath, int]], path: KeyPath) -> int | None:
    """The line of ``path`` itself, else of its longest written ancestor."""
    best_len, best_line = 0, None
    for key_path, line in found:
        if len(key_path) > best_len and path[: len(key_path)] == key_path:
            best_len, best_line = len(key_path), line
    return best_line


def _yaml_line(text: str, path: KeyPath) -> int | None:
    import yaml

    node = yaml.compose(text, Loader=yaml.SafeLoader)
    line: int | None = None
    for step in path:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(step):
                    line, node = key_node.start_mark.line + 1, value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            return line
    return line


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+', re.DOTALL)


def _json_keys(text: str) -> list[tuple[KeyPath, int]]:
    """Every key and array element of a JSON document with the line where it starts."""
    line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
    found: list[tuple[KeyPath, int]] = []
    # One frame per open container: [is_object, current key or index, expecting a key next].
    stack: list[list[Any]] = []

    def path() -> KeyPath:
        return tuple(frame[1] for frame in stack)

    def value_starts(pos: int) -> None:
        if stack and not stack[-1][0]:
            found.append((path(), bisect.bisect_right(line_starts, pos)))

    for match in _JSON_TOKEN.finditer(text):
        token, pos = match.group(), match.start()
        frame = stack[-1] if stack else None
        if token in "{[":
            value_starts(pos)
            stack.append([token == "{", 0, token == "{"])
        elif token in "}]":
            stack.pop()
        elif token == ",":
            if frame is not None:
                if frame[0]:
                    frame[2] = True
                else:
                    frame[1] += 1
        elif token == ":":
            continue
        elif frame is not None and frame[0] and frame[2]:
            frame[1], frame[2] = json.loads(token), False
            found.append((path(), bisect.bisect_right(line_starts, pos)))
        else:
            value_starts(pos)
    return found


_TOML_HEADER = re.compile(r"^\s*(\[\[?)\s*(.+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_KEY_PART = re.compile(r"""[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'""")
_TOML_KEY = re.compile(rf"^\s*((?:{_TOML_KEY_PART.pattern})(?:\s*\.\s*(?:{_TOML_KEY_PART.pattern}))*)\s*=")


def _toml_key_parts(dotted_key: str) -> KeyPath:
    parts: list[str] = []
    for part in _TOML_KEY_PART.findall(dotted_key):
        if part.startswith('"'):
            parts.append(json.loads(part))
        elif part.startswith("'"):
            parts.append(part[1:-1])
        else:
            parts.append(part)
    return tuple(parts)


def _resolve_arrays(name: KeyPath, array_counts: dict[KeyPath, int]) -> KeyPath:
    """``("keybindings", "args")`` -> ``("keybindings", 1, "args")`` when ``[[keybindings]]`` was seen twice."""
    resolved: KeyPath = ()
    for part in name:
        resolved = (*resolved, part)
        if resolved in array_counts:
            resolved = (*resolved, array_counts[resolved] - 1)
    return resolved


def _toml_keys(text: str) -> list[tuple[KeyPath, int]]:
    """Table headers and ``key =`` lines of a TOML document with their full key paths."""
    found: list[tuple[KeyPath, int]] = []
    table: KeyPath = ()
    array_counts: dict[KeyPath, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TOML_HEADER.match(line)
        if header and not _TOML_KEY.match(line):
            name = _toml_key_parts(header.group(2))
            is_array = header.group(1) == "[["
            table = _resolve_arrays(name[:-1] if is_array else name, array_counts)
            if is_array:
                array_path = (*table, name[-1])
                index = array_counts.get(array_path, 0)
                array_counts[array_path] = index + 1
                found.append((array_path, number))
                table = (*array_path, index)
            found.append((table, number))
            continue
        key = _TOML_KEY.match(line)
        if key:
            found.append(((*table, *_toml_key_parts(key.group(1))), number))
    return found


__all__ = ["find_key_line"]
