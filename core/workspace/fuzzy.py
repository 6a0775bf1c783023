"""Fuzzy ranking of file paths for the ctrl+p picker.

A path matches only if the query's characters appear in it in order (case-insensitively); rapidfuzz's
bit-parallel LCS finds those in C (a query is a subsequence exactly when the LCS is as long as the query).
Survivors are scored by an fzf-style alignment that picks the best placement of the query: characters in the
file name beat characters in folder names, runs of consecutive characters and starts of words (after ``/``,
``_``, ``-``, ``.``, a space, or a camelCase hump) earn bonuses, gaps cost a little. Recently opened files get
a bonus that fades with age. Ties go to the shorter path, then to the original order.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import LCSseq

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
MAX_ALIGNED = 1000
"""Beyond this many candidates only the most promising (by a cheap key) get the full alignment."""

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
    """A path list prepared once (folded case, file-name offsets) for ranking many queries, e.g. per keystroke."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths: tuple[str, ...] = tuple(paths)
        """The paths, in the caller's order."""
        self._folded: list[str] | None = None
        self._bases: list[int] | None = None
        self._names: list[str] = []
        """Folded file names (the part after the last separator)."""
        self._order: list[int] = []
        """Each path's rank by (folded length, index): the tie-breaks of ``_most_promising`` as one number."""
        self._last: tuple[str, list[int]] = ("", [])
        """The last query and the paths it matched: typing one more character only narrows them."""

    def rank(self, query: str, limit: int = 50, recent: Sequence[str] = ()) -> list[Match]:
        """The best ``limit`` matches for ``query``, best first; see ``rank_paths``."""
        needle = _fold("".join(query.split()))
        if limit <= 0:
            return []
        if not needle:
            return self._recent_then_rest(limit, recent)
        folded, bases = self._prepared()
        candidates = self._matching(needle, folded)
        recency = _recency_bonus(recent)
        if len(candidates) > MAX_ALIGNED:
            candidates = self._most_promising(needle, candidates, recency)
        matches: list[tuple[float, int, int, list[int]]] = []
        for index in candidates:
            path = self.paths[index]
            aligned = _best_alignment(needle, folded[index], path, bases[index])
            if aligned is None:
                continue
            score, positions = aligned
            matches.append((score + recency.get(path, 0.0), len(path), index, positions))
        best = heapq.nsmallest(limit, matches, key=lambda item: (-item[0], item[1], item[2]))
        return [Match(self.paths[index], score, positions) for score, _, index, positions in best]

    def _prepared(self) -> tuple[list[str], list[int]]:
        if self._folded is None or self._bases is None:
            folded = [_fold(path) for path in self.paths]
            bases = [_basename_start(path) for path in self.paths]
            self._names = [text[base:] for text, base in zip(folded, bases, strict=True)]
            self._order = [0] * len(folded)
            for rank, index in enumerate(sorted(range(len(folded)), key=lambda index: len(folded[index]))):
                self._order[index] = rank
            self._folded, self._bases = folded, bases
        return self._folded, self._bases

    def _matching(self, needle: str, folded: list[str]) -> list[int]:
        """Indices of the paths containing ``needle``'s characters in order (in no particular order).

        A query that extends the previous one can only match a subset of what that matched, so per-keystroke
        ranking searches the previous survivors instead of every path.
        """
        previous, survivors = self._last
        pool = survivors if previous and needle.startswith(previous) else None
        texts = folded if pool is None else [folded[index] for index in pool]
        if len(needle) == 1:  # in order == contains: a plain scan beats the LCS machinery
            positions = [position for position, text in enumerate(texts) if needle in text]
        else:
            found = process.extract(
                needle, texts, scorer=LCSseq.similarity, processor=None, score_cutoff=len(needle), limit=None
            )
            positions = [position for _, _, position in found]
        # Order is irrelevant downstream: every selection breaks ties by length and index explicitly.
        candidates = positions if pool is None else [pool[position] for position in positions]
        self._last = (needle, candidates)
        return candidates

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

    def _most_promising(self, needle: str, candidates: list[int], recency: dict[str, float]) -> list[int]:
        """Cheaply keep MAX_ALIGNED candidates: query inside the file name, then in order in it, then in the path.

        Short queries match most paths; aligning them all would cost milliseconds per thousand. Within a tier,
        shorter paths come first (then the original order); recently used files are few and always kept.
        The tiers are filled best first, so the later (larger) ones are rarely examined at all.
        """
        self._prepared()
        names, order, paths = self._names, self._order, self.paths
        if len(needle) == 1:
            in_name = [index for index in candidates if needle in names[index]]
        else:
            name_texts = [names[index] for index in candidates]
            in_name = [
                candidates[position]
                for _, _, position in process.extract(
                    needle, name_texts, scorer=LCSseq.similarity, processor=None, score_cutoff=len(needle), limit=None
                )
            ]
        in_name_set = set(in_name)
        folded = self._folded or []

        def tier(index: int) -> int:
            if index in in_name_set:
                return 0 if needle in names[index] else 1
            return 2 if needle in folded[index] else 3

        chosen: list[int] = []
        if recency:
            recent = [index for index in candidates if paths[index] in recency]
            chosen = sorted(recent, key=lambda index: (tier(index), order[index]))[:MAX_ALIGNED]
        taken = set(chosen)
        tiers: list[list[int]] = [[], [], [], []]
        for index in in_name:
            if index not in taken:
                tiers[0 if needle in names[index] else 1].append(index)
        for group in tiers[:2]:
            if len(chosen) >= MAX_ALIGNED:
                return chosen
            chosen += heapq.nsmallest(MAX_ALIGNED - len(chosen), group, key=order.__getitem__)
        if len(chosen) >= MAX_ALIGNED:
            return chosen
        for index in candidates:
            if index not in in_name_set and index not in taken:
                tiers[2 if needle in folded[index] else 3].append(index)
        for group in tiers[2:]:
            if len(chosen) >= MAX_ALIGNED:
                break
            chosen += heapq.nsmallest(MAX_ALIGNED - len(chosen), group, key=order.__getitem__)
        return chosen


def rank_paths(query: str, paths: Sequence[str], limit: int = 50, recent: Sequence[str] = ()) -> list[Match]:
    """Rank ``paths`` against ``query`` for a file picker, best first, at most ``limit`` results.

    Whitespace in the query is ignored. An empty query lists ``recent`` paths (those present in ``paths``,
    most recent first) and then the other paths in their given order. Build a ``FuzzyIndex`` instead to
    rank the same paths for many queries.
    """
    return FuzzyIndex(paths).rank(query, limit, recent)


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
