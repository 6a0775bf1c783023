"""A small pygls server for the completion tests: one function item that resolves lazily to a snippet with tab
stops, documentation and an auto-import edit (what pyright and rust-analyzer send for an unimported name), and
commit characters (the server's allCommitCharacters, and an item's own)."""

from __future__ import annotations

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

server = LanguageServer("snippets", "1.0")

ITEM = lsp.CompletionItem(label="greet", kind=lsp.CompletionItemKind.Function, data="greet")


GRAPES = lsp.CompletionItem(label="grapes", kind=lsp.CompletionItemKind.Variable, commit_characters=["["])
"""Its own commit characters replace the server's: '[' accepts it, '.' does not."""


@server.feature(
    lsp.TEXT_DOCUMENT_COMPLETION,
    lsp.CompletionOptions(trigger_characters=["."], resolve_provider=True, all_commit_characters=[".", ";"]),
)
def completion(params: lsp.CompletionParams) -> lsp.CompletionList:
    return lsp.CompletionList(is_incomplete=False, items=[ITEM, GRAPES, lsp.CompletionItem(label="grain")])


@server.feature(lsp.COMPLETION_ITEM_RESOLVE)
def resolve(item: lsp.CompletionItem) -> lsp.CompletionItem:
    if item.data != "greet":
        return item
    return lsp.CompletionItem(
        label="greet",
        kind=lsp.CompletionItemKind.Function,
        detail="def greet(name: str, times: int) -> str",
        documentation=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value="Say **hello**."),
        insert_text="greet(${1:name}, ${2:times})$0",
        insert_text_format=lsp.InsertTextFormat.Snippet,
        additional_text_edits=[
            lsp.TextEdit(
                range=lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=0)),
                new_text="from util import greet\n",
            )
        ],
    )


if __name__ == "__main__":
    server.start_io()
