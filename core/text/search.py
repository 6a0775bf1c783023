"""Find and replace within one text: plain or regex, case-sensitive or not, whole words, optionally within ranges.

Replace-all is a single ``Change``, so it undoes in one step and maps every cursor like any other edit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.errors import ValidationError
from core.text.change import Change


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """What to look for and how."""

    pattern: str
    regex: bool = False
    case_sensitive: bool = False
    whole_word: bool = False

    def compile(self) -> re.Pattern[str]:
        """The compiled pattern; a malformed regex is a ValidationError that says where it breaks."""
        return compile_pattern(
            self.pattern, regex=self.regex, case_sensitive=self.case_sensitive, whole_word=self.whole_word
        )


def compile_pattern(pattern: str, *, regex: bool, case_sensitive: bool, whole_word: bool) -> re.Pattern[str]:
    """Find-in-file and find-in-files share one meaning of regex / case / whole word.

    Whole word means "not preceded or followed by a word character" (as ripgrep's -w), so a pattern that starts
    or ends with punctuation, like ``foo(``, still matches where ``\\b`` would refuse it.
    """
    body = pattern if regex else re.escape(pattern)
    if whole_word:
        body = rf"(?<!\w)(?:{body})(?!\w)"
    flags = re.MULTILINE | (0 if case_sensitive else re.IGNORECASE)
    try:
        return re.compile(body, flags)
    except re.error as exc:
        raise ValidationError(
            f"invalid regular expression {pattern!r}: {exc.msg} at position {exc.pos}",
            hint="Fix the expression, or turn regex mode off to search for the text literally.",
            data={"pattern": pattern, "position": exc.pos},
        ) from None


@dataclass(frozen=True, slots=True)
class Match:
    """One match: [start, end) in code points, and the regex match for group expansion."""

    start: int
    end: int
    groups: re.Match[str]


def find_matches(text: str, query: SearchQuery, within: Sequence[tuple[int, int]] = ()) -> list[Match]:
    """Every non-empty match in ``text`` (or only inside the ``within`` ranges), in order."""
    if not query.pattern:
        return []
    pattern = query.compile()
    spans = sorted(within) if within else [(0, len(text))]
    found: list[Match] = []
    for start, end in spans:
        for match in pattern.finditer(text, start, end):
            if match.end() > match.start():
                found.append(Match(match.start(), match.end(), match))
    return found


def replacement_for(match: Match, query: SearchQuery, replacement: str) -> str:
    """The text that replaces ``match``: regex replacements may use \\1 and \\g<name>."""
    if not query.regex:
        return replacement
    try:
        return match.groups.expand(replacement)
    except (re.error, IndexError) as exc:
        raise ValidationError(
            f"invalid replacement {replacement!r}: {exc}",
            hint="Refer only to groups the expression defines, e.g. \\1 or \\g<name>.",
        ) from None


def replace_all(text: str, query: SearchQuery, replacement: str, within: Sequence[tuple[int, int]] = ()) -> Change:
    """One change replacing every match (an identity change when nothing matches)."""
    matches = find_matches(text, query, within)
    return Change.from_edits(len(text), [(m.start, m.end, replacement_for(m, query, replacement)) for m in matches])
