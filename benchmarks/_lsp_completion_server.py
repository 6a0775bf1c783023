"""A minimal instrumented pygls server for ``benchmarks.lsp``: completion answers at once with N items.

For every completion request it prints ``server_ms: X`` to stderr, where X is the time from the decoded request
reaching pygls to the response having been serialised and written; Symphony's LSP client sends stderr to the
server's log file, where the benchmark reads these lines back.
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
    """Times completion requests from dispatch to the written response."""

    def handle_message(self, message: Any) -> None:
        timed = getattr(message, "method", None) == lsp.TEXT_DOCUMENT_COMPLETION
        started = time.perf_counter()
        super().handle_message(message)
        if timed:
            print(f"server_ms: {(time.perf_counter() - started) * 1000:.4f}", file=sys.stderr, flush=True)


server = LanguageServer("bench-completion", "1.0", protocol_cls=TimedProtocol)


@server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=["."]))
def completion(params: lsp.CompletionParams) -> lsp.CompletionList:
    return lsp.CompletionList(is_incomplete=INCOMPLETE, items=ITEMS)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(params: lsp.DidChangeTextDocumentParams) -> None:
    return None


if __name__ == "__main__":
    server.start_io()
