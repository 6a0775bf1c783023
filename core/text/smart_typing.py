"""The rules behind typing in a code editor: auto-closing pairs, indentation on Enter, dedent on a closer, and
bracket matching that stays cheap on huge files and long lines.

Pure functions over lines of text (no UI), so the editor widget only applies what they decide. The defaults
follow VS Code: a pair closes only before whitespace, a closer or punctuation; a quote does not close after a
word character (``don't``); typing the closer that is already next to the cursor steps over it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

Location = tuple[int, int]
"""(row, column) in characters."""

OPENERS = {"(": ")", "[": "]", "{": "}"}
CLOSERS = {close: open_ for open_, close in OPENERS.items()}

_BASE_PAIRS = {"(": ")", "[": "]", "{": "}", '"': '"', "'": "'"}
_BACKTICK_LANGUAGES = frozenset(
    {"javascript", "typescript", "tsx", "go", "bash", "zsh", "fish", "sql", "markdown", "kotlin", "scala", "vue"}
)
_NO_SINGLE_QUOTE = frozenset({"rust", "ocaml", "haskell", "clojure", "elm", "fsharp", "text", "markdown", "latex"})
_BRACE_LANGUAGES = frozenset(
    {
        "c", "cpp", "csharp", "css", "dart", "go", "groovy", "java", "javascript", "json", "jsonc", "kotlin", "less",
        "lua", "nix", "objective-c", "php", "rust", "scala", "scss", "swift", "terraform", "hcl", "tsx", "typescript",
        "zig", "bash", "zsh", "perl", "r", "graphql", "protobuf", "svelte", "vue",
    }
)  # fmt: skip
_CLOSE_BEFORE = frozenset(";:.,=}])>` \t")
"""An opener auto-closes only when the next character is one of these (or the line ends)."""


@dataclass(frozen=True)
class OutdentRule:
    """A line that belongs at its block opener's indentation (``else:`` under its ``if``): once typing completes
    ``line``, the line moves out to the nearest shallower line above if that line matches ``opener``."""

    line: re.Pattern[str]
    """The whole line (indentation and comment stripped) that triggers the re-indent."""
    opener: re.Pattern[str]
    """The block header it pairs with (matched against the stripped line)."""
    sibling: re.Pattern[str] | None = None
    """A line at the indentation to align with instead, found before the opener (``case`` under ``case``);
    reaching ``opener`` itself then aligns one level inside it."""


@dataclass(frozen=True)
class IndentRules:
    """How one language indents as you type (VS Code's ``indentationRules``, as data)."""

    indent_after: re.Pattern[str] | None = None
    """Enter after a line matching this indents one level (besides an open bracket)."""
    dedent_after: re.Pattern[str] | None = None
    """Enter at the end of a line matching this dedents one level (the block ends)."""
    outdent: tuple[OutdentRule, ...] = ()
    """Lines that re-indent to their block opener when typed."""
    outdent_triggers: frozenset[str] = frozenset()
    """Characters whose typing checks ``outdent`` (the last character of those lines)."""


def _words(*words: str) -> str:
    return "|".join(words)


def _rule(line: str, openers: str, sibling: str | None = None) -> OutdentRule:
    return OutdentRule(
        re.compile(rf"^(?:{line})$"),
        re.compile(rf"^(?:{openers})\b.*:$"),
        re.compile(rf"^(?:{sibling})\b.*:$") if sibling else None,
    )


INDENT_RULES: dict[str, IndentRules] = {
    "python": IndentRules(
        indent_after=re.compile(r":$"),
        dedent_after=re.compile(r"^\s*(return\b.*|pass|break|continue|raise\b.*)\s*(#.*)?$"),
        outdent=(
            _rule(r"else\s*:", _words("if", "elif", "for", r"async\s+for", "while", "try", "except")),
            _rule(r"elif\b.*:", _words("if", "elif")),
            _rule(r"except\b.*:", _words("try", "except")),
            _rule(r"finally\s*:", _words("try", "except", "else")),
            _rule(r"case\b.*:", "match", sibling="case"),
        ),
        outdent_triggers=frozenset(":"),
    ),
}
"""Indentation rules per language id; languages without an entry only follow brackets."""

_NO_RULES = IndentRules()

OUTDENT_SCAN_LINES = 2000
"""How far up an outdent looks for its block opener (keeps a keystroke cheap in huge files)."""


def indent_rules(language_id: str) -> IndentRules:
    """The indentation rules of ``language_id`` (none: brackets only)."""
    return INDENT_RULES.get(language_id, _NO_RULES)


def pairs_for(language_id: str) -> dict[str, str]:
    """Opener -> closer pairs that auto-close in ``language_id``."""
    pairs = dict(_BASE_PAIRS)
    if language_id in _NO_SINGLE_QUOTE:
        del pairs["'"]
    if language_id in _BACKTICK_LANGUAGES:
        pairs["`"] = "`"
    return pairs


@dataclass(frozen=True)
class TypedEdit:
    """What typing a key does: replace [start, end) with ``text`` and put the cursor (or selection) at
    ``selection_start``..``selection_end``."""

    start: Location
    end: Location
    text: str
    selection_start: Location
    selection_end: Location


def on_character(
    lines: Sequence[str], start: Location, end: Location, character: str, language_id: str
) -> TypedEdit | None:
    """The edit for typing ``character`` over the selection ``start``..``end`` (sorted), or None when plain
    insertion is right."""
    pairs = pairs_for(language_id)
    row, column = start
    line = lines[row]
    if start != end:
        if character not in pairs:
            return None
        # Wrap the selection; it stays selected inside the new pair.
        selected = _text_between(lines, start, end)
        inner_end = _advance(start, selected, 1)
        text = character + selected + pairs[character]
        return TypedEdit(start, end, text, (row, column + 1), inner_end)
    following = line[column : column + 1]
    is_quote = character in pairs and pairs[character] == character
    # Typing the closer that follows the cursor steps over it (it was most likely auto-inserted).
    if following == character and (is_quote or (character in CLOSERS and _closer_is_balanced(line, character))):
        return TypedEdit(start, start, "", (row, column + 1), (row, column + 1))
    if character in CLOSERS and not line[:column].strip():
        opener = find_unmatched_opener(lines, start, CLOSERS[character])
        if opener is not None:
            indent = leading_whitespace(lines[opener[0]])
            if indent != line[:column]:
                new_column = len(indent) + 1
                return TypedEdit((row, 0), start, indent + character, (row, new_column), (row, new_column))
    if character not in pairs:
        return None
    if following and following not in _CLOSE_BEFORE:
        return None
    if is_quote:
        previous = line[column - 1 : column]
        if previous and (previous.isalnum() or previous == "_" or previous == character):
            return None
        if line.count(character) % 2 == 1:
            return None  # an odd quote on the line is probably being closed, not opened
    text = character + pairs[character]
    return TypedEdit(start, start, text, (row, column + 1), (row, column + 1))


def on_outdent(
    lines: Sequence[str], cursor: Location, character: str, language_id: str, indent_unit: str
) -> TypedEdit | None:
    """Typing ``character`` at ``cursor`` completes a line that belongs at its block opener's indentation
    (Python's ``else:``, ``elif ...:``, ``except ...:``, ``finally:``, ``case ...:``): the edit inserts it and
    moves the line out to that opener. None when the line stays where it is."""
    rules = indent_rules(language_id)
    if character not in rules.outdent_triggers:
        return None
    row, column = cursor
    line = lines[row]
    if line[column:].strip():
        return None  # only when typing at the end of the line
    typed = line[:column] + character
    indent = leading_whitespace(typed)
    content = _strip_comment(typed[len(indent) :], language_id).rstrip()
    for rule in rules.outdent:
        if rule.line.match(content):
            target = _opener_indent(lines, row, indent, rule, language_id, indent_unit)
            if target is None or len(target) >= len(indent) or not indent.startswith(target):
                return None
            text = target + typed[len(indent) :]
            end = (row, len(text))
            return TypedEdit((row, 0), cursor, text, end, end)
    return None


def _opener_indent(
    lines: Sequence[str], row: int, indent: str, rule: OutdentRule, language_id: str, indent_unit: str
) -> str | None:
    """The indentation ``rule``'s line should have: that of the nearest shallower line above, if it opens the
    block (None if that line is something else, or nothing is found within ``OUTDENT_SCAN_LINES``)."""
    depth = len(indent)
    for above in range(row - 1, max(-1, row - 1 - OUTDENT_SCAN_LINES), -1):
        text = lines[above]
        if not text.strip():
            continue
        other = leading_whitespace(text)
        if len(other) >= depth:
            continue
        header = _strip_comment(text[len(other) :], language_id).rstrip()
        if rule.sibling is not None and rule.sibling.match(header):
            return other
        if rule.opener.match(header):
            return other + indent_unit if rule.sibling is not None else other
        return None
    return None


def on_backspace(lines: Sequence[str], cursor: Location, language_id: str) -> TypedEdit | None:
    """Backspace between an empty pair deletes both halves."""
    row, column = cursor
    line = lines[row]
    if column == 0 or column >= len(line):
        return None
    opener, closer = line[column - 1], line[column]
    if pairs_for(language_id).get(opener) == closer:
        return TypedEdit((row, column - 1), (row, column + 1), "", (row, column - 1), (row, column - 1))
    return None


def on_enter(lines: Sequence[str], start: Location, end: Location, language_id: str, indent_unit: str) -> TypedEdit:
    """Enter keeps the line's indentation, indents after an opener (or the language's block header, ``:`` in
    Python), puts a closer that follows the cursor on its own line, and dedents after a block's last statement
    (``return``/``pass`` and the like in Python)."""
    row, column = start
    line = lines[row]
    before = line[:column]
    after_line = lines[end[0]][end[1] :]
    indent = leading_whitespace(line)
    if not before.strip():
        indent = before  # Enter inside leading whitespace keeps what is left of the cursor
    stripped = _strip_comment(before, language_id).rstrip()
    last = stripped[-1:]
    rules = indent_rules(language_id)
    opens = last in OPENERS or (rules.indent_after is not None and rules.indent_after.search(stripped) is not None)
    inner = indent + indent_unit if opens else indent
    dedents = rules.dedent_after is not None and rules.dedent_after.match(before) is not None
    if not opens and dedents and column >= len(line.rstrip()):
        inner = _dedent(indent, indent_unit)
    following = after_line.lstrip(" \t")
    if last in OPENERS and following[:1] == OPENERS[last]:
        text = "\n" + inner + "\n" + indent
        cursor = (row + 1, len(inner))
        # The blank the cursor lands on and the closer's line: whitespace after the cursor is dropped.
        return TypedEdit(start, (end[0], end[1] + len(after_line) - len(following)), text, cursor, cursor)
    text = "\n" + inner
    # Whitespace right after the cursor would otherwise push the next line's text past its indentation.
    drop = len(after_line) - len(after_line.lstrip(" \t")) if after_line.strip() else 0
    cursor = (row + 1, len(inner))
    return TypedEdit(start, (end[0], end[1] + drop), text, cursor, cursor)


def leading_whitespace(line: str) -> str:
    """The indentation of ``line``."""
    return line[: len(line) - len(line.lstrip(" \t"))]


def _dedent(indent: str, unit: str) -> str:
    """``indent`` one level shallower."""
    if unit and indent.endswith(unit):
        return indent[: -len(unit)]
    if indent.endswith("\t"):
        return indent[:-1]
    spaces = len(indent) - len(indent.rstrip(" "))
    return indent[: len(indent) - min(spaces, max(1, len(unit)))]


def _strip_comment(text: str, language_id: str) -> str:
    marker = "#" if language_id in ("python", "ruby", "bash", "zsh", "yaml", "toml", "make") else "//"
    index = text.find(marker)
    # Only a marker preceded by whitespace counts, so "a = '#'" and "http://" are left alone.
    while index > 0 and not text[index - 1].isspace():
        index = text.find(marker, index + 1)
    return text if index < 0 else text[:index]


def _text_between(lines: Sequence[str], start: Location, end: Location) -> str:
    if start[0] == end[0]:
        return lines[start[0]][start[1] : end[1]]
    middle = lines[start[0] + 1 : end[0]]
    return "\n".join([lines[start[0]][start[1] :], *middle, lines[end[0]][: end[1]]])


def _advance(start: Location, text: str, shift: int) -> Location:
    """Where ``text`` ends when inserted at ``start`` moved ``shift`` columns right."""
    parts = text.split("\n")
    if len(parts) == 1:
        return (start[0], start[1] + shift + len(text))
    return (start[0] + len(parts) - 1, len(parts[-1]))


def _closer_is_balanced(line: str, closer: str) -> bool:
    """Stepping over ``)`` is right when the line has no more of them than openers (else the user is adding one)."""
    opener = CLOSERS[closer]
    return line.count(opener) >= line.count(closer)


# ------------------------------------------------------------------------- bracket matching

_BRACKETS = re.compile(r"[\[\](){}]")
MATCH_SCAN_CHARACTERS = 200_000
"""Bracket matching gives up after scanning this many characters (a cursor move must stay cheap on huge files)."""


def find_matching_bracket(
    lines: Sequence[str], location: Location, *, budget: int = MATCH_SCAN_CHARACTERS
) -> Location | None:
    """The bracket matching the one at ``location``, or None (not a bracket, unmatched, or beyond ``budget``)."""
    row, column = location
    if row >= len(lines) or column >= len(lines[row]):
        return None
    bracket = lines[row][column]
    if bracket in OPENERS:
        return _scan_forward(lines, (row, column + 1), bracket, budget)
    if bracket in CLOSERS:
        return _scan_backward(lines, location, CLOSERS[bracket], budget)
    return None


def find_unmatched_opener(
    lines: Sequence[str], location: Location, opener: str, *, budget: int = MATCH_SCAN_CHARACTERS
) -> Location | None:
    """The nearest ``opener`` before ``location`` that is not closed before it."""
    return _scan_backward(lines, location, opener, budget)


def _scan_forward(lines: Sequence[str], start: Location, opener: str, budget: int) -> Location | None:
    closer = OPENERS[opener]
    depth = 1
    row, column = start
    while row < len(lines) and budget > 0:
        line = lines[row]
        budget -= len(line) - column + 1
        for match in _BRACKETS.finditer(line, column):
            char = match.group()
            if char == opener:
                depth += 1
            elif char == closer:
                depth -= 1
                if depth == 0:
                    return (row, match.start())
        row, column = row + 1, 0
    return None


def _scan_backward(lines: Sequence[str], end: Location, opener: str, budget: int) -> Location | None:
    """Scan left from ``end`` (exclusive) for the ``opener`` that encloses it."""
    closer = OPENERS[opener]
    depth = 1
    row = end[0]
    line = lines[row][: end[1]] if row < len(lines) else ""
    while budget > 0:
        budget -= len(line) + 1
        for char_index in reversed([m.start() for m in _BRACKETS.finditer(line)]):
            char = line[char_index]
            if char == closer:
                depth += 1
            elif char == opener:
                depth -= 1
                if depth == 0:
                    return (row, char_index)
        row -= 1
        if row < 0:
            return None
        line = lines[row]
    return None
