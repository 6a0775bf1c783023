"""Client-side re-ranking of a server's completion list while the user types."""

from __future__ import annotations

import json

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
