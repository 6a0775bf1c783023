"""Client-side re-ranking of a server's completion list while the user types."""

from __future__ import annotations

from lsprotocol import types as lsp

from core.lsp.completion import CompletionFilter


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
