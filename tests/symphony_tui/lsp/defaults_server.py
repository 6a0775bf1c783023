"""A small pygls server whose completion list leans on LSP 3.17 ``itemDefaults`` (as rust-analyzer and
typescript-language-server send it): one edit range for every item, starting at the ``$`` before the word (so
the typed text to filter on is ``$gr``, not ``gr``), snippets by default, ``(`` as the default commit
character, and ``data`` that only the defaults carry, which resolve reports back in the documentation. The
edit range is an insert/replace pair (the replace range also covers the rest of the word after the cursor), and
``$gravel`` asks to be preselected."""

from __future__ import annotations

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

server = LanguageServer("defaults", "1.0")


@server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(resolve_provider=True))
def completion(params: lsp.CompletionParams) -> lsp.CompletionList:
    line = server.workspace.get_text_document(params.text_document.uri).lines[params.position.line]
    column = params.position.character
    start = column
    while start > 0 and (line[start - 1].isalnum() or line[start - 1] in "_$"):
        start -= 1
    end = column
    while end < len(line.rstrip("\n")) and line[end].isalnum():
        end += 1
    at = params.position.line
    return lsp.CompletionList(
        is_incomplete=False,
        item_defaults=lsp.CompletionItemDefaults(
            commit_characters=["("],
            edit_range=lsp.EditRangeWithInsertReplace(
                insert=lsp.Range(start=lsp.Position(at, start), end=params.position),
                replace=lsp.Range(start=lsp.Position(at, start), end=lsp.Position(at, end)),
            ),
            insert_text_format=lsp.InsertTextFormat.Snippet,
            data={"from": "defaults"},
        ),
        items=[
            lsp.CompletionItem(label="$grain", text_edit_text="\\$grain(${1:amount})$0"),
            lsp.CompletionItem(label="$gravel", insert_text_format=lsp.InsertTextFormat.PlainText, preselect=True),
            lsp.CompletionItem(label="grout"),  # matches "gr" but not "$gr"
            lsp.CompletionItem(
                label="$block",
                text_edit_text="\\$block:\n    pass$0",
                insert_text_mode=lsp.InsertTextMode.AdjustIndentation,
            ),
        ],
    )


@server.feature(lsp.COMPLETION_ITEM_RESOLVE)
def resolve(item: lsp.CompletionItem) -> lsp.CompletionItem:
    item.documentation = f"data {item.data}"
    return item


if __name__ == "__main__":
    server.start_io()
