"""Language servers: a supervised LSP client per server (pygls + lsprotocol), and Symphony's own manifest server.

Start with :class:`LanguageServerManager`: the editor reports ``open/change/save/close`` for each document,
the UI subscribes to its ``events`` and reads its ``diagnostics``, and feature requests go to
``manager.server_for(uri)`` (a :class:`LanguageServerClient`). Settings live in :class:`LspSettings`.

Names load on first use (PEP 562): importing lsprotocol costs most of a second, which start-up should not pay
before the first document is opened.
"""

from typing import TYPE_CHECKING

from core.lazy import lazy_exports

if TYPE_CHECKING:
    from core.lsp.client import ApplyEdit, LanguageServerClient
    from core.lsp.completion import CompletionAnswer, CompletionFilter, CompletionItems, RankedItem
    from core.lsp.diagnostics import DiagnosticCounts, DiagnosticStore
    from core.lsp.edits import ResourceOperation, apply_text_edits, to_core_edits, workspace_edit_changes
    from core.lsp.errors import StaleResponseError
    from core.lsp.events import (
        DiagnosticsChanged,
        EventEmitter,
        LspEvent,
        ServerMessage,
        ServerMissing,
        ServerState,
        ServerStateChanged,
    )
    from core.lsp.features import SemanticToken
    from core.lsp.manager import LanguageServerManager
    from core.lsp.settings import DEFAULT_SERVERS, LspSettings, ServerSpec
    from core.lsp.snippets import Snippet, TabStop, expand_snippet
    from core.lsp.uris import path_to_uri, uri_to_path

_HOMES: dict[str, str] = {
    "ApplyEdit": "client",
    "LanguageServerClient": "client",
    "CompletionAnswer": "completion",
    "CompletionFilter": "completion",
    "CompletionItems": "completion",
    "RankedItem": "completion",
    "DiagnosticCounts": "diagnostics",
    "DiagnosticStore": "diagnostics",
    "ResourceOperation": "edits",
    "apply_text_edits": "edits",
    "to_core_edits": "edits",
    "workspace_edit_changes": "edits",
    "StaleResponseError": "errors",
    "DiagnosticsChanged": "events",
    "EventEmitter": "events",
    "LspEvent": "events",
    "ServerMessage": "events",
    "ServerMissing": "events",
    "ServerState": "events",
    "ServerStateChanged": "events",
    "SemanticToken": "features",
    "LanguageServerManager": "manager",
    "DEFAULT_SERVERS": "settings",
    "LspSettings": "settings",
    "ServerSpec": "settings",
    "Snippet": "snippets",
    "TabStop": "snippets",
    "expand_snippet": "snippets",
    "path_to_uri": "uris",
    "uri_to_path": "uris",
}


__getattr__ = lazy_exports("core.lsp", _HOMES)


__all__ = [
    "DEFAULT_SERVERS",
    "ApplyEdit",
    "CompletionAnswer",
    "CompletionFilter",
    "CompletionItems",
    "DiagnosticCounts",
    "DiagnosticStore",
    "DiagnosticsChanged",
    "EventEmitter",
    "LanguageServerClient",
    "LanguageServerManager",
    "LspEvent",
    "LspSettings",
    "RankedItem",
    "ResourceOperation",
    "SemanticToken",
    "ServerMessage",
    "ServerMissing",
    "ServerSpec",
    "ServerState",
    "ServerStateChanged",
    "Snippet",
    "StaleResponseError",
    "TabStop",
    "apply_text_edits",
    "expand_snippet",
    "path_to_uri",
    "to_core_edits",
    "uri_to_path",
    "workspace_edit_changes",
]
