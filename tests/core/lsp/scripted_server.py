"""A small real pygls server whose behaviour the client tests steer through document text.

Run as ``python scripted_server.py``. Behaviour:
- hover waits until cancelled (printing ``cancelled hover`` to stderr) or answers after a didChange;
- definition waits for the next didChange, then answers (its answer is then stale for the client);
- a hover on a line containing ``never`` never answers and ignores cancellation;
- opening a document whose text starts with ``crash`` makes the process exit with code 3;
- after didOpen it publishes one diagnostic whose message is the client's ``scripted.answer`` setting;
- didSave sends window/showMessage ``saved: <text>``;
- command ``scripted.apply`` asks the client to apply a workspace edit and returns whether it did;
- inlay hints are not announced at initialize but registered dynamically once initialized;
- env SCRIPTED_EXIT_AT_START=1 makes it exit before reading anything.
"""

from __future__ import annotations

import asyncio
import os
import sys

if os.environ.get("SCRIPTED_EXIT_AT_START") == "1":
    sys.exit(5)

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer

server = LanguageServer("scripted", "1.0")
changed = asyncio.Event()


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: LanguageServer, params: lsp.DidOpenTextDocumentParams) -> None:
    if params.text_document.text.startswith("crash"):
        os._exit(3)
    [answer] = await ls.workspace_configuration_async(
        lsp.ConfigurationParams(items=[lsp.ConfigurationItem(section="scripted.answer")])
    )
    span = lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=1))
    ls.text_document_publish_diagnostics(
        lsp.PublishDiagnosticsParams(
            uri=params.text_document.uri,
            version=params.text_document.version,
            diagnostics=[lsp.Diagnostic(range=span, message=f"answer={answer}")],
        )
    )


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: LanguageServer, params: lsp.DidChangeTextDocumentParams) -> None:
    changed.set()


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE, lsp.SaveOptions(include_text=True))
def did_save(ls: LanguageServer, params: lsp.DidSaveTextDocumentParams) -> None:
    ls.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Info, message=f"saved: {params.text}"))


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
async def hover(ls: LanguageServer, params: lsp.HoverParams) -> lsp.Hover | None:
    document = ls.workspace.get_text_document(params.text_document.uri)
    if "never" in document.lines[params.position.line]:
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                continue
    try:
        await asyncio.sleep(3600)
    except asyncio.CancelledError:
        print("cancelled hover", file=sys.stderr, flush=True)
        raise
    return None


@server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
async def definition(ls: LanguageServer, params: lsp.DefinitionParams) -> list[lsp.Location]:
    changed.clear()
    await changed.wait()
    span = lsp.Range(start=params.position, end=params.position)
    return [lsp.Location(uri=params.text_document.uri, range=span)]


@server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=["."]))
def completion(ls: LanguageServer, params: lsp.CompletionParams) -> lsp.CompletionList:
    document = ls.workspace.get_text_document(params.text_document.uri)
    line = document.lines[params.position.line]
    return lsp.CompletionList(is_incomplete=False, items=[lsp.CompletionItem(label=f"text:{line.rstrip()}")])


@server.command("scripted.apply")
async def apply(ls: LanguageServer, uri: str) -> bool:
    span = lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=0))
    edit = lsp.WorkspaceEdit(changes={uri: [lsp.TextEdit(range=span, new_text="# applied\n")]})
    result = await ls.workspace_apply_edit_async(lsp.ApplyWorkspaceEditParams(edit=edit, label="scripted"))
    return result.applied


def inlay_hints(ls: LanguageServer, params: lsp.InlayHintParams) -> list[lsp.InlayHint]:
    return [lsp.InlayHint(position=params.range.start, label=": int", kind=lsp.InlayHintKind.Type)]


@server.feature(lsp.INITIALIZED)
async def initialized(ls: LanguageServer, params: lsp.InitializedParams) -> None:
    ls.feature(lsp.TEXT_DOCUMENT_INLAY_HINT)(inlay_hints)
    registration = lsp.Registration(id="hints", method=lsp.TEXT_DOCUMENT_INLAY_HINT, register_options={})
    await ls.client_register_capability_async(lsp.RegistrationParams(registrations=[registration]))


if __name__ == "__main__":
    print("scripted server starting", file=sys.stderr, flush=True)
    server.start_io()
