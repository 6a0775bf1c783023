"""Diagnostics of every file from every server, in one place: the Problems panel and status bar read it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from lsprotocol import types as lsp

from core.lsp.events import DiagnosticsChanged, EventEmitter


@dataclass(frozen=True, slots=True)
class DiagnosticCounts:
    """What the status bar shows."""

    errors: int = 0
    warnings: int = 0
    information: int = 0
    hints: int = 0


class DiagnosticStore:
    """Latest published diagnostics per (server, document); readers see them merged per document.

    Diagnostics survive a server restart: they are replaced when the restarted server publishes again,
    so the Problems panel does not flicker empty while a crashed server comes back.
    """

    def __init__(self, events: EventEmitter) -> None:
        self._events = events
        self._by_uri: dict[str, dict[str, tuple[lsp.Diagnostic, ...]]] = {}

    def publish(self, server: str, uri: str, diagnostics: Sequence[lsp.Diagnostic]) -> None:
        """Replace what ``server`` says about ``uri`` (an empty list clears it) and emit DiagnosticsChanged."""
        per_server = self._by_uri.setdefault(uri, {})
        if diagnostics:
            per_server[server] = tuple(diagnostics)
        else:
            per_server.pop(server, None)
            if not per_server:
                del self._by_uri[uri]
        self._events.emit(DiagnosticsChanged(uri=uri, diagnostics=self.for_uri(uri)))

    def clear_server(self, server: str) -> None:
        """Forget everything ``server`` said (it was stopped for good, not restarted)."""
        for uri in [uri for uri, per_server in self._by_uri.items() if server in per_server]:
            self.publish(server, uri, ())

    def for_uri(self, uri: str) -> tuple[lsp.Diagnostic, ...]:
        """All diagnostics of one document, ordered by position."""
        merged = [d for diagnostics in self._by_uri.get(uri, {}).values() for d in diagnostics]
        merged.sort(key=lambda d: (d.range.start.line, d.range.start.character))
        return tuple(merged)

    def from_server(self, server: str, uri: str) -> tuple[lsp.Diagnostic, ...]:
        """What one server said about one document."""
        return self._by_uri.get(uri, {}).get(server, ())

    def uris(self) -> list[str]:
        """Documents that have diagnostics, sorted (the Problems panel's groups)."""
        return sorted(self._by_uri)

    def items(self) -> Iterator[tuple[str, tuple[lsp.Diagnostic, ...]]]:
        """(uri, diagnostics) for every document that has some."""
        for uri in self.uris():
            yield uri, self.for_uri(uri)

    def counts(self) -> DiagnosticCounts:
        """Totals by severity across all documents (a missing severity counts as an error, as LSP suggests)."""
        tally = {1: 0, 2: 0, 3: 0, 4: 0}
        for per_server in self._by_uri.values():
            for diagnostics in per_server.values():
                for diagnostic in diagnostics:
                    tally[int(diagnostic.severity or lsp.DiagnosticSeverity.Error)] += 1
        return DiagnosticCounts(errors=tally[1], warnings=tally[2], information=tally[3], hints=tally[4])


__all__ = ["DiagnosticCounts", "DiagnosticStore"]
