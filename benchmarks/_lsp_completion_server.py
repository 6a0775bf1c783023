"""A minimal instrumented pygls server for ``benchmarks.lsp``: completion answers at once with N items.

For every completion request it prints ``server_ms: X`` to stderr, where X is the server's own work for the
keystroke: decoding and handling the didChange before it, decoding the request, dispatching it and writing the
response; Symphony's LSP client sends stderr to the server's log file, where the benchmark reads these lines back.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 500
INCOMPLETE = "--incomplete" in sys.argv
"""Mark every answer incomplete, so the client asks again on each keystroke instead of filtering locally."""
KINDS = [lsp.CompletionItemKind.Function, lsp.CompletionItemKind.Variable, lsp.CompletionItemKind.Class]
ITEMS = [
    lsp.CompletionItem(
        label=f"symbol_{index:03}_{'abcdefgh'[index % 8]}",
        kind=KINDS[index % 3],
        detail=f"def symbol_{index:03}(value: int) -> str",
        sort_text=f"{index:04}",
    )
    for index in range(COUNT)
]


class TimedProtocol(LanguageServerProtocol):
    """Times the server's work for each keystroke: decoding and handling the didChange, then decoding the
    completion request, dispatching it and writing the response.

    Decoding starts with pygls's first ``object_hook`` call for a message (the JSON text before its first object
    closes is read without a hook: a few bytes). Before, only the completion request's dispatch was counted, so
    the server's decoding and its didChange handling were charged to the client.
    """

    _started: float | None = None
    _earlier = 0.0
    """Time spent on this keystroke's messages before its completion request (the didChange)."""

    def structure_message(self, data: Any) -> Any:
        if self._started is None:
            self._started = time.perf_counter()
        return super().structure_message(data)

    def handle_message(self, message: Any) -> None:
        started = self._started if self._started is not None else time.perf_counter()
        self._started = None
        method = getattr(message, "method", None)
        super().handle_message(message)
        spent = time.perf_counter() - started
        if method == lsp.TEXT_DOCUMENT_COMPLETION:
            total, self._earlier = self._earlier + spent, 0.0
            print(f"server_ms: {total * 1000:.4f}", file=sys.stderr, flush=True)
        elif method == lsp.TEXT_DOCUMENT_DID_CHANGE:
            self._earlier += spent


server = LanguageServer("bench-completion", "1.0", protocol_cls=TimedProtocol)


@server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=["."]))
def completion(params: lsp.CompletionParams) -> lsp.CompletionList:
    return lsp.CompletionList(is_incomplete=INCOMPLETE, items=ITEMS)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(params: lsp.DidChangeTextDocumentParams) -> None:
    return None


if __name__ == "__main__":
    server.start_io()
