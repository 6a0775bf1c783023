"""Client-side re-ranking of a server's completion list while the user types."""

from __future__ import annotations

import json

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types as lsp
from pygls.protocol import default_converter

from core.errors import ProtocolError
from core.lsp.completion import CompletionAnswer, CompletionFilter, CompletionItems


def _items(*labels: str) -> list[lsp.CompletionItem]:
    return [lsp.CompletionItem(label=label, sort_text=f"{index:03}") for index, label in enumerate(labels)]


def test_typed_characters_must_appear_in_order() -> None:
    ranked = CompletionFilter(_items("path", "pathsep", "getpid", "sep")).rank("pth")
    assert [r.item.label for r in ranked] == ["path", "pathsep"]


def test_word_start_matches_rank_first_and_carry_highlight_positions() -> None:
    ranked = CompletionFilter(_items("getpid", "pid_t", "spider")).rank("pid")
    assert ranked[0].item.label == "pid_t"
    assert ranked[0].positions == (0, 1, 2)


def test_nothing_typed_keeps_the_servers_sort_order() -> None:
    items = [lsp.CompletionItem(label="b", sort_text="1"), lsp.CompletionItem(label="a", sort_text="2")]
    assert [r.item.label for r in CompletionFilter(items).rank("")] == ["b", "a"]


def test_filter_text_is_matched_and_duplicates_all_survive() -> None:
    items = [
        lsp.CompletionItem(label="open(file)", filter_text="open"),
        lsp.CompletionItem(label="open(fd)", filter_text="open"),
    ]
    ranked = CompletionFilter(items).rank("op")
    # Without sort_text, LSP sorts by label.
    assert [r.item.label for r in ranked] == ["open(fd)", "open(file)"]
    assert ranked[0].positions == ()


# ----------------------------------------------------------------- answers kept as JSON, typed on access

_KINDS = st.sampled_from(list(lsp.CompletionItemKind))
_TEXT = st.text(max_size=12)
_ITEM = st.builds(
    lsp.CompletionItem,
    label=_TEXT,
    kind=st.none() | _KINDS,
    detail=st.none() | _TEXT,
    documentation=st.none() | _TEXT | st.builds(lsp.MarkupContent, kind=st.just(lsp.MarkupKind.Markdown), value=_TEXT),
    sort_text=st.none() | _TEXT,
    filter_text=st.none() | _TEXT,
    insert_text=st.none() | _TEXT,
    insert_text_format=st.none() | st.sampled_from(list(lsp.InsertTextFormat)),
    commit_characters=st.none() | st.lists(st.sampled_from(".,;( "), max_size=3),
    text_edit=st.none()
    | st.builds(
        lsp.TextEdit,
        range=st.just(lsp.Range(start=lsp.Position(line=0, character=1), end=lsp.Position(line=0, character=4))),
        new_text=_TEXT,
    ),
    data=st.none() | st.integers() | _TEXT,
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_ITEM, max_size=8), st.booleans())
def test_json_answer_types_each_item_as_lsprotocol_would(items: list[lsp.CompletionItem], incomplete: bool) -> None:
    converter = default_converter()
    wire = json.loads(json.dumps(converter.unstructure(lsp.CompletionList(is_incomplete=incomplete, items=items))))
    answer = CompletionAnswer.from_json(wire)
    assert answer.is_incomplete is incomplete
    assert list(answer.items) == list(converter.structure(wire, lsp.CompletionList).items)
    assert answer.items.labels == [item.label for item in items]
    typed = CompletionItems(typed=items)  # read from the JSON without typing: the same texts as typed items give
    assert (answer.items.filter_texts, answer.items.sort_texts) == (typed.filter_texts, typed.sort_texts)
    assert [answer.items.commit_characters(i) for i in range(len(items))] == [
        list(item.commit_characters) if item.commit_characters is not None else None for item in items
    ]


def test_items_are_typed_only_when_looked_at() -> None:
    items = CompletionItems([{"label": f"item{index}", "kind": 3} for index in range(500)])
    ranked = CompletionFilter(items).rank("item49")
    assert [r.label for r in ranked[:11]] == ["item49"] + [f"item{490 + i}" for i in range(10)]
    assert sum(typed is not None for typed in items._typed) == 0
    assert ranked[0].item == lsp.CompletionItem(label="item49", kind=lsp.CompletionItemKind.Function)
    assert ranked[0].item is ranked[0].item  # cached: resolve results are keyed on the item's identity
    assert sum(typed is not None for typed in items._typed) == 1


def test_malformed_items_are_dropped_or_shown_by_label_and_bad_lists_are_errors() -> None:
    answer = CompletionAnswer.from_json(
        {
            "isIncomplete": True,
            "items": [{"kind": 3}, "text", {"label": "ok", "textEdit": "not an edit"}, {"label": "fine"}],
        }
    )
    assert answer.items.labels == ["ok", "fine"]
    assert answer.items[0] == lsp.CompletionItem(label="ok")
    assert CompletionAnswer.from_json(None).items.labels == []
    for bad in ({"items": None}, {"items": [], "isIncomplete": "yes"}, 42):
        with pytest.raises(ProtocolError, match="not a completion list"):
            CompletionAnswer.from_json(bad)


# ----------------------------------------------------------------- itemDefaults (LSP 3.17)

_RANGE = st.builds(
    lsp.Range,
    start=st.builds(lsp.Position, line=st.just(0), character=st.integers(0, 3)),
    end=st.builds(lsp.Position, line=st.just(0), character=st.integers(4, 6)),
)
_DEFAULTS = st.builds(
    lsp.CompletionItemDefaults,
    commit_characters=st.none() | st.lists(st.sampled_from(".,;("), max_size=3),
    edit_range=st.none() | _RANGE | st.builds(lsp.EditRangeWithInsertReplace, insert=_RANGE, replace=_RANGE),
    insert_text_format=st.none() | st.sampled_from(list(lsp.InsertTextFormat)),
    insert_text_mode=st.none() | st.sampled_from(list(lsp.InsertTextMode)),
    data=st.none() | st.integers() | _TEXT,
)


def _reference(item: lsp.CompletionItem, defaults: lsp.CompletionItemDefaults) -> lsp.CompletionItem:
    """What LSP 3.17 says an item lacking a field takes from the list's itemDefaults, on typed objects."""
    changes: dict[str, object] = {}
    for name in ("commit_characters", "insert_text_format", "insert_text_mode", "data"):
        if getattr(item, name) is None and getattr(defaults, name) is not None:
            changes[name] = getattr(defaults, name)
    span = defaults.edit_range
    if item.text_edit is None and span is not None:
        text = item.text_edit_text if item.text_edit_text is not None else item.label
        changes["text_edit"] = (
            lsp.TextEdit(range=span, new_text=text)
            if isinstance(span, lsp.Range)
            else lsp.InsertReplaceEdit(new_text=text, insert=span.insert, replace=span.replace)
        )
    return attrs.evolve(item, **changes)


@settings(max_examples=80, deadline=None)
@given(st.lists(_ITEM, max_size=6), _DEFAULTS, st.lists(st.none() | _TEXT, min_size=6, max_size=6))
def test_items_lacking_a_field_take_the_lists_item_defaults(
    items: list[lsp.CompletionItem], defaults: lsp.CompletionItemDefaults, edit_texts: list[str | None]
) -> None:
    items = [attrs.evolve(item, text_edit_text=text) for item, text in zip(items, edit_texts, strict=False)]
    converter = default_converter()
    wire = json.loads(
        json.dumps(converter.unstructure(lsp.CompletionList(is_incomplete=False, items=items, item_defaults=defaults)))
    )
    answer = CompletionAnswer.from_json(wire)
    structured = converter.structure(wire, lsp.CompletionList)
    expected = [_reference(item, structured.item_defaults) for item in structured.items]
    assert list(answer.items) == expected
    assert [answer.items.commit_characters(i) for i in range(len(items))] == [
        list(item.commit_characters) if item.commit_characters is not None else None for item in expected
    ]
    span = defaults.edit_range
    start = None if span is None else span.start if isinstance(span, lsp.Range) else span.insert.start
    assert answer.items.edit_start() == start
    # A typed answer (as lsprotocol would structure it) applies them the same way.
    assert list(CompletionAnswer.of(converter.structure(wire, lsp.CompletionList)).items) == list(answer.items)


def test_defaults_are_applied_lazily_fill_a_resolve_answer_and_bad_ones_are_dropped() -> None:
    span = {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 3}}
    answer = CompletionAnswer.from_json(
        {
            "isIncomplete": False,
            "itemDefaults": {"editRange": span, "insertTextFormat": 2, "data": {"id": 7}, "commitCharacters": "("},
            "items": [{"label": f"item{index}"} for index in range(500)] + [{"label": "own", "data": 1}],
        }
    )
    items = answer.items
    assert CompletionFilter(items).rank("item49")[0].label == "item49"
    assert sum(typed is not None for typed in items._typed) == 0  # ranking typed nothing
    assert items[0].text_edit == lsp.TextEdit(range=lsp.Range(lsp.Position(0, 0), lsp.Position(0, 3)), new_text="item0")
    assert items[0].insert_text_format == lsp.InsertTextFormat.Snippet and items[0].data == {"id": 7}
    assert items[500].data == 1  # an item's own field wins
    assert items.commit_characters(0) is None  # "(" is not a list: that default alone is dropped
    # A server's resolve answer that left the defaults out gets them back.
    resolved = items.complete(lsp.CompletionItem(label="item0", detail="resolved"))
    assert resolved.detail == "resolved" and resolved.text_edit == items[0].text_edit
    assert resolved.insert_text_format == lsp.InsertTextFormat.Snippet
    assert CompletionAnswer.from_json({"items": [{"label": "a"}], "itemDefaults": 3}).items[0] == lsp.CompletionItem(
        label="a"
    )


def test_preselected_items_are_found_in_json_and_typed_answers() -> None:
    raw = [{"label": "a"}, {"label": "b", "preselect": True}, {"label": "c", "preselect": "yes"}]
    assert CompletionAnswer.from_json(raw).items.preselected() == {1}
    typed = [lsp.CompletionItem(label="a", preselect=True), lsp.CompletionItem(label="b")]
    assert CompletionItems.of(typed).preselected() == {0}
    assert CompletionItems([{"label": "x"}]).preselected() == frozenset()
