"""A server's completion answer, and its client-side filtering as the user keeps typing.

Servers answer with hundreds of items on every keystroke (rust-analyzer and tsserver mark their lists
incomplete, so each key asks again), and the popup shows ten. :class:`CompletionItems` therefore keeps the
answer as the JSON it arrived in and types an item into ``lsprotocol.CompletionItem`` only when it is looked
at (a visible row, the item being resolved or accepted): structuring 500 items cost ~5 ms per keystroke.

A server's list for ``os.pa`` stays valid while the user types ``os.pat``, ``os.path`` (unless the server said
the list is incomplete), so the popup re-ranks it on each keystroke: it must cost well under a millisecond
for hundreds of items. The typed characters must appear in order in an item's ``filter_text`` (or label);
rapidfuzz's bit-parallel LCS checks that in C. Survivors are ordered by how they match (case-exact prefix,
prefix, contiguous, word starts, scattered), then by the server's ``sort_text``. Highlight positions are
computed only for the rows the popup actually draws.

LSP 3.17 lets a ``CompletionList`` carry ``itemDefaults`` (commitCharacters, editRange, insertTextFormat,
insertTextMode, data) that every item lacking the field takes: servers send one edit range for 500 items
instead of 500 copies. The defaults are merged into an item's JSON when it is typed, so ranking stays free of
them; ``editRange`` (item.textEditText, else its label, becomes the edit's text) also says where the text the
list is filtered against starts (:meth:`CompletionItems.edit_start`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, overload

from cattrs import Converter
from lsprotocol import types as lsp
from rapidfuzz import process
from rapidfuzz.distance import LCSseq

from core.errors import ProtocolError

log = logging.getLogger(__name__)

_WORD_BREAKS = frozenset("_-.:/ ")
_converter: Converter | None = None


def _lsp_converter() -> Converter:
    global _converter
    if _converter is None:
        from pygls.protocol import default_converter

        _converter = default_converter()  # type: ignore[no-untyped-call]
    return _converter


class CompletionItems(Sequence[lsp.CompletionItem]):
    """A server's completion items, typed one by one on first access (then cached).

    ``labels``, ``filter_texts``, ``sort_texts`` and :meth:`commit_characters` read the JSON directly, so
    ranking never types an item. Items without a string label are dropped (logged); an item whose other fields
    do not match the LSP types is shown by its label alone rather than failing the whole list.
    """

    __slots__ = ("_defaults", "_preselected", "_raw", "_typed", "filter_texts", "labels", "sort_texts")

    def __init__(self, raw: Sequence[Any] = (), typed: Sequence[lsp.CompletionItem] = (), defaults: Any = None) -> None:
        self._defaults: dict[str, Any] = _valid_defaults(defaults)
        """The list's itemDefaults (fields of the wrong shape dropped), merged into each item as it is typed."""
        self._preselected: frozenset[int] | None = None
        if typed:
            self._raw: list[dict[str, Any]] | None = None
            self._typed: list[lsp.CompletionItem | None] = list(typed)
            self.labels = [item.label for item in typed]
            """Each item's label."""
            self.filter_texts = [item.filter_text or item.label for item in typed]
            """The text typed characters are matched against (filterText, else the label)."""
            self.sort_texts = [item.sort_text or item.label for item in typed]
            """The server's order (sortText, else the label)."""
            return
        # One pass, checks inline: a 500-item answer arrives on every keystroke for an incomplete list.
        kept: list[dict[str, Any]] = []
        labels: list[str] = []
        filter_texts: list[str] = []
        sort_texts: list[str] = []
        for item in raw:
            label = item.get("label") if isinstance(item, dict) else None
            if not isinstance(label, str):
                continue
            kept.append(item)
            labels.append(label)
            text = item.get("filterText")
            filter_texts.append(text if isinstance(text, str) and text else label)
            text = item.get("sortText")
            sort_texts.append(text if isinstance(text, str) and text else label)
        if len(kept) != len(raw):
            log.info("dropped %d completion items without a label", len(raw) - len(kept))
        self._raw = kept
        self._typed = [None] * len(kept)
        self.labels = labels
        self.filter_texts = filter_texts
        self.sort_texts = sort_texts

    @classmethod
    def of(cls, items: Sequence[lsp.CompletionItem]) -> CompletionItems:
        """Typed items (tests, or a list built by hand)."""
        return items if isinstance(items, CompletionItems) else cls(typed=items)

    def __len__(self) -> int:
        return len(self._typed)

    @overload
    def __getitem__(self, index: int) -> lsp.CompletionItem: ...

    @overload
    def __getitem__(self, index: slice) -> list[lsp.CompletionItem]: ...

    def __getitem__(self, index: int | slice) -> lsp.CompletionItem | list[lsp.CompletionItem]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        item = self._typed[index]
        if item is None:
            item = self._typed[index] = self._structure(index)
        return item

    def __iter__(self) -> Iterator[lsp.CompletionItem]:
        return (self[index] for index in range(len(self)))

    def _structure(self, index: int) -> lsp.CompletionItem:
        assert self._raw is not None
        raw = self._raw[index]
        if self._defaults:
            raw = _with_defaults(raw, self._defaults)
        try:  # with attrs' validators on (unlike whole messages): a few items are typed, so they cost nothing
            item: lsp.CompletionItem = _lsp_converter().structure(raw, lsp.CompletionItem)
        except Exception as exc:
            log.info("completion item %r does not match the LSP types (%s); showing its label only", raw, exc)
            item = lsp.CompletionItem(label=raw["label"])
        return item

    def kind(self, index: int) -> int | None:
        """The item's CompletionItemKind as a number (None if absent or not a number), without typing the item:
        the popup draws it for every visible row of every new list."""
        value = self._raw[index].get("kind") if self._raw is not None else self[index].kind
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def commit_characters(self, index: int) -> Sequence[str] | None:
        """The item's own commitCharacters, else the list's default ones (None when neither is given), without
        typing the item."""
        if self._raw is None:
            return self[index].commit_characters
        value = self._raw[index].get("commitCharacters", self._defaults.get("commitCharacters"))
        if not isinstance(value, list):
            return None
        return [char for char in value if isinstance(char, str)]

    def preselected(self) -> frozenset[int]:
        """Indices of the items the server asks to have selected (``preselect``), read once when first asked:
        only a popup opened with nothing typed yet (after a trigger character) looks."""
        if self._preselected is None:
            if self._raw is None:
                found = [index for index, item in enumerate(self._typed) if item is not None and item.preselect]
            else:
                found = [index for index, item in enumerate(self._raw) if item.get("preselect") is True]
            self._preselected = frozenset(found)
        return self._preselected

    def edit_start(self) -> lsp.Position | None:
        """Where the list's default edit range starts (its insert range's start for an InsertReplaceEdit), in
        the server's coordinates; None without one. Typed text is filtered from there, as the edit replaces it."""
        span = self._defaults.get("editRange")
        if span is None:
            return None
        start = span.get("insert", span)["start"]
        return lsp.Position(line=start["line"], character=start["character"])

    def complete(self, item: lsp.CompletionItem) -> lsp.CompletionItem:
        """``item`` (e.g. as a server's resolve answered it) with the list's defaults filled in where it has
        none: a resolve answer rebuilt by the server may leave out what the list's defaults gave the item."""
        if not self._defaults:
            return item
        converter = _lsp_converter()
        raw = converter.unstructure(item)
        try:
            completed: lsp.CompletionItem = converter.structure(_with_defaults(raw, self._defaults), lsp.CompletionItem)
        except Exception as exc:
            log.info("completion defaults do not fit %r (%s); left out", raw, exc)
            return item
        return completed


_DEFAULT_CHECKS: dict[str, Any] = {
    "commitCharacters": lambda value: isinstance(value, list),
    "editRange": lambda value: (
        _is_range(value)
        or (isinstance(value, dict) and _is_range(value.get("insert")) and _is_range(value.get("replace")))
    ),
    "insertTextFormat": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "insertTextMode": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "data": lambda value: True,
}


def _is_position(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(value.get(key), int) and value[key] >= 0 for key in ("line", "character")
    )


def _is_range(value: Any) -> bool:
    return isinstance(value, dict) and _is_position(value.get("start")) and _is_position(value.get("end"))


def _valid_defaults(value: Any) -> dict[str, Any]:
    """The itemDefaults this client applies; a field of the wrong shape is dropped (logged), not the list."""
    if not isinstance(value, dict):
        if value is not None:
            log.info("ignoring completion itemDefaults that are not an object: %r", value)
        return {}
    kept = {key: value[key] for key, check in _DEFAULT_CHECKS.items() if key in value and check(value[key])}
    dropped = set(value) - set(kept)
    if dropped:
        log.info("ignoring completion itemDefaults fields %s of %r", sorted(dropped), value)
    return kept


def _with_defaults(raw: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """An item's JSON with the list's defaults for the fields it lacks (the JSON given is left unchanged)."""
    merged = dict(raw)
    for key in ("commitCharacters", "insertTextFormat", "insertTextMode", "data"):
        if key in defaults and key not in merged:
            merged[key] = defaults[key]
    span = defaults.get("editRange")
    if span is not None and "textEdit" not in merged:
        text = merged.get("textEditText")
        new_text = text if isinstance(text, str) else merged["label"]
        # A Range becomes a TextEdit, {insert, replace} an InsertReplaceEdit.
        merged["textEdit"] = {**span, "newText": new_text} if "insert" in span else {"range": span, "newText": new_text}
    return merged


@dataclass(frozen=True, slots=True)
class CompletionAnswer:
    """A server's completion answer: its items, and whether it must be asked again as the user types."""

    is_incomplete: bool
    items: CompletionItems

    @classmethod
    def from_json(cls, value: Any, server: str = "the language server") -> CompletionAnswer:
        """``CompletionItem[] | CompletionList | null`` as JSON; any other shape is a ProtocolError."""
        if value is None:
            return cls(False, CompletionItems())
        if isinstance(value, list):
            return cls(False, CompletionItems(value))
        if isinstance(value, dict) and isinstance(value.get("items"), list):
            incomplete = value.get("isIncomplete", False)
            if isinstance(incomplete, bool):
                return cls(incomplete, CompletionItems(value["items"], defaults=value.get("itemDefaults")))
        raise ProtocolError(
            f"{server} answered textDocument/completion with data that is not a completion list",
            hint="The server may be too new or buggy; its raw answer is in its log.",
            data={"server": server, "method": lsp.TEXT_DOCUMENT_COMPLETION},
        )

    @classmethod
    def of(cls, result: lsp.CompletionList | Sequence[lsp.CompletionItem] | None) -> CompletionAnswer:
        """A typed answer (as lsprotocol structures it)."""
        if result is None:
            return cls(False, CompletionItems())
        if isinstance(result, lsp.CompletionList):
            if result.item_defaults is not None:
                raw = _lsp_converter().unstructure(result)
                return cls(result.is_incomplete, CompletionItems(raw["items"], defaults=raw["itemDefaults"]))
            return cls(result.is_incomplete, CompletionItems.of(result.items))
        return cls(False, CompletionItems.of(list(result)))


class RankedItem(NamedTuple):
    """A completion item that matched the typed text (typed into lsprotocol only when ``item`` is read).

    A tuple, not a frozen dataclass: a hundred are made per keystroke, at a third of the cost.
    """

    items: CompletionItems
    index: int  # type: ignore[assignment]  # the field shadows tuple.index, which nothing here uses
    """The item's position in the server's list."""
    typed: str

    @property
    def item(self) -> lsp.CompletionItem:
        """The item as lsprotocol types it."""
        return self.items[self.index]

    @property
    def label(self) -> str:
        """The item's label (without typing the item)."""
        return self.items.labels[self.index]

    @property
    def positions(self) -> tuple[int, ...]:
        """Indices of the label's characters to highlight (empty when the item matched on its filter_text)."""
        label = self.label
        if self.items.filter_texts[self.index] != label or not self.typed:
            return ()
        return _highlight(label, self.typed)


class CompletionFilter:
    """One server answer, prepared once, ranked per keystroke."""

    def __init__(self, items: Sequence[lsp.CompletionItem]) -> None:
        self.items = CompletionItems.of(items)
        """The server's items, in its order."""
        self._texts = self.items.filter_texts
        self._folded = [text.casefold() for text in self._texts]
        self._order = self.items.sort_texts

    def rank(self, typed: str, limit: int = 100) -> list[RankedItem]:
        """Items matching ``typed`` (the word before the cursor), best first; server order if nothing is typed."""
        items = self.items
        if not typed:
            ordered = sorted(range(len(items)), key=self._order.__getitem__)
            return [RankedItem(items, index, typed) for index in ordered[:limit]]
        needle = typed.casefold()
        found = process.extract(
            needle, self._folded, scorer=LCSseq.similarity, processor=None, score_cutoff=len(needle), limit=None
        )
        texts, folded, order, tier = self._texts, self._folded, self._order, self._tier
        keys = []
        for _, _, index in found:  # the two common tiers inline: 500 calls a keystroke cost ~0.15 ms
            text = texts[index]
            if text.startswith(typed):
                rank = 0
            elif folded[index].startswith(needle):
                rank = 1
            else:
                rank = tier(index, typed, needle)
            keys.append((rank, order[index], len(text), index))
        keys.sort()
        return [RankedItem(items, key[-1], typed) for key in keys[:limit]]

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


__all__ = ["CompletionAnswer", "CompletionFilter", "CompletionItems", "RankedItem"]
