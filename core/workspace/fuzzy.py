"""Fuzzy ranking of file paths for the ctrl+p picker.

A path matches only if the query's characters appear in it in order (case-insensitively); a possessive
regular expression over all paths joined in one string finds those in C, shortest paths first, so a scan can
stop once it has enough candidates.
Survivors are scored by an fzf-style alignment that picks the best placement of the query: characters in the
file name beat characters in folder names, runs of consecutive characters and starts of words (after ``/``,
``_``, ``-``, ``.``, a space, or a camelCase hump) earn bonuses, gaps cost a little. Recently opened files get
a bonus that fades with age. Ties go to the shorter path, then to the original order.
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

SCORE_MATCH = 16
"""Every matched character."""
BONUS_PATH_START = 10
"""A match at the very start of the path or right after a path separator."""
BONUS_WORD_START = 8
"""A match right after ``_``, ``-``, ``.`` or a space."""
BONUS_CAMEL = 7
"""A match on an upper-case letter after a lower-case one, or a digit after a non-digit."""
BONUS_CONSECUTIVE = 5
"""A match right after the previous matched character."""
FIRST_CHAR_MULTIPLIER = 2
"""The first query character's word-start bonus counts this many times (where a match begins matters most)."""
BONUS_IN_BASENAME = 6
"""Per matched character inside the file name (after the last separator)."""
BONUS_ALL_IN_BASENAME = 24
"""The whole query matched inside the file name."""
PENALTY_GAP_START = 3
"""Opening a gap between two matched characters."""
PENALTY_GAP_EXTEND = 1
"""Each further skipped character in a gap."""
BONUS_RECENT = 30
"""Bonus for the most recently used file; later entries of ``recent`` get proportionally less, down to half."""
BONUS_NEAR_FOLDER = 4
"""Per leading folder a match shares with the file being edited (``near``): siblings beat far-away namesakes."""
BONUS_NEAR_MAX = 16
"""Proximity never outweighs more than a strong match difference."""
MAX_ALIGNED = 300
"""Beyond this many candidates only the most promising (by a cheap key) get the full alignment; each costs
~15 us, and 300 keeps a keystroke over 100,000 paths under 30 ms while the best 50 are still found among them."""

_SEPARATORS = frozenset("/\\")
_WORD_SEPARATORS = frozenset("_-. ")


@dataclass(frozen=True, slots=True)
class Match:
    """A path that matched, its score (higher is better) and which characters to highlight."""

    path: str
    score: float
    positions: list[int] = field(default_factory=list)
    """Indices into ``path`` of the matched characters, ascending."""


class FuzzyIndex:
    """A path list prepared once (folded case, file-name offsets) for ranking many queries, e.g. per keystroke.

    Candidates are found by scanning two strings built once: every folded file name, and every folded path,
    NUL-separated and sorted shortest first (the tie-break the ranking uses). A scan in that order can stop as
    soon as it has MAX_ALIGNED candidates of a tier, so a one-letter query over 100,000 paths touches only the
    first few hundred names instead of every path.
    """

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths: tuple[str, ...] = tuple(paths)
        """The paths, in the caller's order."""
        self._folded: list[str] | None = None
        self._bases: list[int] = []
        self._by_order: list[int] = []
        """Path indices sorted by (folded length, index): the order candidates are preferred in."""
        self._rank_of: list[int] = []
        """Each path's position in ``_by_order``."""
        self._names_text = ""
        """Folded file names in ``_by_order`` order, each followed by NUL (which no path contains)."""
        self._names_starts: list[int] = []
        self._paths_text = ""
        """Folded paths in ``_by_order`` order, each followed by NUL."""
        self._paths_starts: list[int] = []
        self._index_of: dict[str, int] = {}
        self._last: tuple[str, list[int] | None] = ("", None)
        """The last query and every path it matched (None when the scan stopped early): typing one more
        character only narrows them."""

    def rank(self, query: str, limit: int = 50, recent: Sequence[str] = (), near: str = "") -> list[Match]:
        """The best ``limit`` matches for ``query``, best first; see ``rank_paths``.

        ``near`` is the path of the file being edited: matches sharing its folders rank higher (path proximity).
        """
        needle = _fold("".join(query.split()))
        if limit <= 0:
            return []
        if not needle:
            return self._recent_then_rest(limit, recent)
        folded = self._prepared()
        bases = self._bases
        recency = _recency_bonus(recent)
        near_parts = _folders_of(near)
        candidates = self._candidates(needle, recency)
        matches: list[tuple[float, int, int, list[int]]] = []
        for index in candidates:
            path = self.paths[index]
            aligned = _best_alignment(needle, folded[index], path, bases[index])
            if aligned is None:
                continue
            score, positions = aligned
            if near_parts:
                score += _proximity_bonus(near_parts, path)
            matches.append((score + recency.get(path, 0.0), len(path), index, positions))
        best = heapq.nsmallest(limit, matches, key=lambda item: (-item[0], item[1], item[2]))
        return [Match(self.paths[index], score, positions) for score, _, index, positions in best]

    def _prepared(self) -> list[str]:
        if self._folded is None:
            folded = [_fold(path) for path in self.paths]
            self._bases = [_basename_start(path) for path in self.paths]
            self._by_order = sorted(range(len(folded)), key=lambda index: len(folded[index]))
            self._rank_of = [0] * len(folded)
            for rank, index in enumerate(self._by_order):
                self._rank_of[index] = rank
            names = [folded[index][self._bases[index] :] for index in self._by_order]
            self._names_text, self._names_starts = _joined(names)
            self._paths_text, self._paths_starts = _joined([folded[index] for index in self._by_order])
            self._index_of = {path: index for index, path in reversed(list(enumerate(self.paths)))}
            self._folded = folded
        return self._folded

    def _candidates(self, needle: str, recency: dict[str, float]) -> list[int]:
        """The paths worth aligning: every match when there are at most MAX_ALIGNED, else the most promising.

        A query that extends the previous one can only match a subset of what that matched, so when the
        previous query's matches are all known, they are filtered instead of scanning again.
        """
        folded = self._prepared()
        in_order = _subsequence_regex(needle)
        previous, survivors = self._last
        if survivors is not None and previous and needle.startswith(previous):
            found = [index for index in survivors if in_order.search(folded[index])]
            if len(found) <= MAX_ALIGNED:
                self._last = (needle, found)
                return found
        chosen, complete = self._most_promising(needle, in_order, recency)
        self._last = (needle, chosen if complete else None)
        return chosen

    def _recent_then_rest(self, limit: int, recent: Sequence[str]) -> list[Match]:
        """Empty query: recent files that are in the list (most recent first), then the rest in order."""
        known = set(self.paths)
        ordered = list(dict.fromkeys(path for path in recent if path in known))
        chosen = set(ordered)
        for path in self.paths:
            if len(ordered) >= limit:
                break
            if path not in chosen:
                chosen.add(path)
                ordered.append(path)
        return [Match(path, 0.0, []) for path in ordered[:limit]]

    def _most_promising(
        self, needle: str, in_order: re.Pattern[str], recency: dict[str, float]
    ) -> tuple[list[int], bool]:
        """Up to MAX_ALIGNED matching paths, in tiers: query inside the file name, then in order in it, then
        inside the path, then in order in it; shorter paths first within a tier. Recently used files are few
        and always kept. Returns the choice and whether it holds every match (no tier was cut short).
        """
        folded = self._prepared()
        names_text, paths_text = self._names_text, self._paths_text
        substring = re.compile(re.escape(needle))

        def tier(index: int) -> int:
            name = folded[index][self._bases[index] :]
            if needle in name:
                return 0
            return 1 if in_order.search(name) else (2 if needle in folded[index] else 3)

        recent = [
            index
            for path in recency
            if (index := self._index_of.get(path)) is not None and in_order.search(folded[index])
        ]
        order = self._rank_of
        chosen = sorted(recent, key=lambda index: (tier(index), order[index]))[:MAX_ALIGNED]
        taken = set(chosen)
        for pattern, text, starts in (
            (substring, names_text, self._names_starts),
            (in_order, names_text, self._names_starts),
            (substring, paths_text, self._paths_starts),
            (in_order, paths_text, self._paths_starts),
        ):
            position = 0
            search = pattern.search
            while len(chosen) < MAX_ALIGNED and (hit := search(text, position)) is not None:
                rank = bisect.bisect_right(starts, hit.start()) - 1
                position = starts[rank + 1]
                index = self._by_order[rank]
                if index not in taken:
                    taken.add(index)
                    chosen.append(index)
            if len(chosen) >= MAX_ALIGNED:
                return chosen, False
        return chosen, True


def _joined(texts: list[str]) -> tuple[str, list[int]]:
    """``texts`` each followed by NUL, and where each starts (plus one past the end, for the last)."""
    starts = [0] * (len(texts) + 1)
    offset = 0
    for position, text in enumerate(texts):
        starts[position] = offset
        offset += len(text) + 1
    starts[-1] = offset
    return "".join(text + "\0" for text in texts), starts


def _subsequence_regex(needle: str) -> re.Pattern[str]:
    """Matches text of one NUL-separated entry holding ``needle``'s characters in order.

    Each gap skips only characters other than the next one wanted, possessively: the earliest placement is
    the only one tried, so a failing entry costs one pass over it.
    """
    parts = [re.escape(needle[0])]
    for char in needle[1:]:
        escaped = re.escape(char)
        parts.append(f"[^{escaped}\\x00]*+{escaped}")
    return re.compile("".join(parts))


def rank_paths(query: str, paths: Sequence[str], limit: int = 50, recent: Sequence[str] = ()) -> list[Match]:
    """Rank ``paths`` against ``query`` for a file picker, best first, at most ``limit`` results.

    Whitespace in the query is ignored. An empty query lists ``recent`` paths (those present in ``paths``,
    most recent first) and then the other paths in their given order. Build a ``FuzzyIndex`` instead to
    rank the same paths for many queries.
    """
    return FuzzyIndex(paths).rank(query, limit, recent)


def _folders_of(path: str) -> list[str]:
    """The folder names of a ``/`` or ``\\`` separated path (its file name dropped)."""
    return path.replace("\\", "/").split("/")[:-1] if path else []


def _proximity_bonus(near: list[str], path: str) -> float:
    """BONUS_NEAR_FOLDER per leading folder ``path`` shares with the edited file, up to BONUS_NEAR_MAX."""
    shared = 0
    for mine, theirs in zip(near, _folders_of(path), strict=False):
        if mine != theirs:
            break
        shared += 1
    return min(shared * BONUS_NEAR_FOLDER, BONUS_NEAR_MAX)


def _fold(text: str) -> str:
    """Lower-case without changing length, so indices in the folded text are indices in the original."""
    folded = text.lower()
    if len(folded) == len(text):
        return folded
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


def _basename_start(path: str) -> int:
    return max(path.rfind("/"), path.rfind("\\")) + 1


def _recency_bonus(recent: Sequence[str]) -> dict[str, float]:
    """Most recent gets BONUS_RECENT, the oldest listed gets half of it."""
    unique = list(dict.fromkeys(recent))
    if not unique:
        return {}
    step = BONUS_RECENT / 2 / max(len(unique) - 1, 1)
    return {path: BONUS_RECENT - rank * step for rank, path in enumerate(unique)}


def _position_bonus(original: str, index: int) -> int:
    """How much a match at ``index`` is worth beyond SCORE_MATCH, from what precedes it."""
    if index == 0:
        return BONUS_PATH_START
    before, char = original[index - 1], original[index]
    if before in _SEPARATORS:
        return BONUS_PATH_START
    if before in _WORD_SEPARATORS and char not in _WORD_SEPARATORS:
        return BONUS_WORD_START
    if (before.islower() and char.isupper()) or (char.isdigit() and not before.isdigit()):
        return BONUS_CAMEL
    return 0


def _occurrences(needle: str, text: str, start: int) -> list[list[int]] | None:
    """For each query character, where it can match in ``text[start:]`` while leaving room for the others."""
    earliest: list[int] = []
    position = start
    for char in needle:
        found = text.find(char, position)
        if found < 0:
            return None
        earliest.append(found)
        position = found + 1
    latest = [0] * len(needle)
    position = len(text)
    for i in range(len(needle) - 1, -1, -1):
        position = text.rfind(needle[i], 0, position)
        latest[i] = position
    spots: list[list[int]] = []
    for i, char in enumerate(needle):
        here: list[int] = []
        position = earliest[i]
        while 0 <= position <= latest[i]:
            here.append(position)
            position = text.find(char, position + 1)
        spots.append(here)
    return spots


def _align(needle: str, folded: str, original: str, base: int, start: int) -> tuple[float, list[int]] | None:
    """Best-scoring placement of ``needle`` in ``folded[start:]`` (dynamic programming over occurrences)."""
    spots = _occurrences(needle, folded, start)
    if spots is None:
        return None
    neg_inf = float("-inf")
    first = spots[0]
    # chunks[k]: the bonus of the position where the run of consecutive matches ending at spot k began;
    # the rest of the run earns it too, so "foo" at a word start beats "f_o_o" spread over three word starts.
    chunks = [_position_bonus(original, j) for j in first]
    scores: list[float] = [
        SCORE_MATCH + bonus * FIRST_CHAR_MULTIPLIER + (BONUS_IN_BASENAME if j >= base else 0)
        for j, bonus in zip(first, chunks, strict=True)
    ]
    back: list[list[int]] = [[-1] * len(first)]
    previous = first
    for row in range(1, len(needle)):
        current = spots[row]
        row_scores: list[float] = []
        row_chunks: list[int] = []
        row_back: list[int] = []
        # Gapped transitions: the best earlier spot is kept as a running max of (score + GAP_EXTEND * position),
        # so each row costs time linear in the number of occurrences.
        pointer, running, running_at = 0, neg_inf, -1
        for j in current:
            while pointer < len(previous) and previous[pointer] < j - 1:
                value = scores[pointer] + PENALTY_GAP_EXTEND * previous[pointer]
                if value > running:
                    running, running_at = value, pointer
                pointer += 1
            bonus = _position_bonus(original, j)
            best, best_at, chunk = neg_inf, -1, bonus
            if running_at >= 0:
                best = running - PENALTY_GAP_START - PENALTY_GAP_EXTEND * (j - 2) + bonus
                best_at = running_at
            if pointer < len(previous) and previous[pointer] == j - 1 and scores[pointer] > neg_inf:
                run_bonus = max(bonus, chunks[pointer], BONUS_CONSECUTIVE)
                if scores[pointer] + run_bonus >= best:
                    best, best_at, chunk = scores[pointer] + run_bonus, pointer, max(bonus, chunks[pointer])
            row_back.append(best_at)
            row_chunks.append(chunk)
            if best_at < 0:
                row_scores.append(neg_inf)
            else:
                row_scores.append(best + SCORE_MATCH + (BONUS_IN_BASENAME if j >= base else 0))
        scores, chunks, previous = row_scores, row_chunks, current
        back.append(row_back)
    best_score = max(scores)
    if best_score == neg_inf:
        return None
    at = scores.index(best_score)
    positions = [0] * len(needle)
    for row in range(len(needle) - 1, -1, -1):
        positions[row] = spots[row][at]
        at = back[row][at]
    return best_score, positions


def _best_alignment(needle: str, folded: str, original: str, base: int) -> tuple[float, list[int]] | None:
    """The better of: the whole query inside the file name (with its bonus), or anywhere in the path."""
    anywhere = _align(needle, folded, original, base, 0)
    if anywhere is None:
        return None
    in_name = _align(needle, folded, original, base, base) if base else None
    if in_name is not None:
        in_name = (in_name[0] + BONUS_ALL_IN_BASENAME, in_name[1])
        if in_name[0] >= anywhere[0]:
            return in_name
    elif base == 0:
        return anywhere[0] + BONUS_ALL_IN_BASENAME, anywhere[1]
    return anywhere


__all__ = ["FuzzyIndex", "Match", "rank_paths"]
