"""Client-side filtering of completion items as the user keeps typing, without asking the server again.

A server's list for ``os.pa`` stays valid while the user types ``os.pat``, ``os.path`` (unless the server said
the list is incomplete), so the popup re-ranks it on each keystroke: it must cost well under a millisecond
for hundreds of items. The typed characters must appear in order in an item's ``filter_text`` (or label);
rapidfuzz's bit-parallel LCS checks that in C. Survivors are ordered by how they match (case-exact prefix,
prefix, contiguous, word starts, scattered), then by the server's ``sort_text``. Highlight positions are
computed only for the rows the popup actually draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lsprotocol import types as lsp
from rapidfuzz import process
from rapidfuzz.distance import LCSseq

_WORD_BREAKS = frozenset("_-.:/ ")


@dataclass(frozen=True, slots=True)
class RankedItem:
    """A completion item that matched the typed text."""

    item: lsp.CompletionItem
    typed: str

    @property
    def positions(self) -> tuple[int, ...]:
        """Indices of the label's characters to highlight (empty when the item matched on its filter_text)."""
        label = self.item.label
        if self.item.filter_text not in (None, label) or not self.typed:
            return ()
        return _highlight(label, self.typed)


class CompletionFilter:
    """One server answer, prepared once, ranked per keystroke."""

    def __init__(self, items: Sequence[lsp.CompletionItem]) -> None:
        self.items = list(items)
        """The server's items, in its order."""
        self._texts = [item.filter_text or item.label for item in self.items]
        self._folded = [text.casefold() for text in self._texts]
        self._order = [item.sort_text or item.label for item in self.items]

    def rank(self, typed: str, limit: int = 100) -> list[RankedItem]:
        """Items matching ``typed`` (the word before the cursor), best first; server order if nothing is typed."""
        if not typed:
            ordered = sorted(range(len(self.items)), key=self._order.__getitem__)
            return [RankedItem(self.items[index], typed) for index in ordered[:limit]]
        needle = typed.casefold()
        found = process.extract(
            needle, self._folded, scorer=LCSseq.similarity, processor=None, score_cutoff=len(needle), limit=None
        )
        keys = [
            (self._tier(index, typed, needle), self._order[index], len(self._texts[index]), index)
            for _, _, index in found
        ]
        keys.sort()
        return [RankedItem(self.items[key[-1]], typed) for key in keys[:limit]]

    def _tier(self, index: int, typed: str, needle: str) -> int:
        text, folded = self._texts[index], self._folded[index]
        if text.startswith(typed):
            return 0
        if folded.startswith(needle):
            return 1
        at = folded.find(needle)
        if at > 0:
            return 2 if text[at - 1] in _WORD_BREAKS or text[at].isupper() else 3
        return 4


def _highlight(label: str, typed: str) -> tuple[int, ...]:
    """Greedy in-order match of ``typed`` in ``label``, preferring a contiguous run when there is one."""
    folded, needle = label.casefold(), typed.casefold()
    at = folded.find(needle)
    if at >= 0:
        return tuple(range(at, at + len(needle)))
    positions: list[int] = []
    start = 0
    for char in needle:
        found = folded.find(char, start)
        if found < 0:
            return ()
        positions.append(found)
        start = found + 1
    return tuple(positions)


__all__ = ["CompletionFilter", "RankedItem"]
