"""The diagnostics store behind the Problems panel and status-bar counts."""

from __future__ import annotations

from lsprotocol import types as lsp

from core.lsp.diagnostics import DiagnosticCounts, DiagnosticStore
from core.lsp.events import DiagnosticsChanged, EventEmitter, LspEvent


def _diag(line: int, severity: lsp.DiagnosticSeverity | None, message: str = "m") -> lsp.Diagnostic:
    span = lsp.Range(start=lsp.Position(line=line, character=0), end=lsp.Position(line=line, character=1))
    return lsp.Diagnostic(range=span, message=message, severity=severity)


def _store() -> tuple[DiagnosticStore, list[LspEvent]]:
    events = EventEmitter()
    seen: list[LspEvent] = []
    events.subscribe(seen.append)
    return DiagnosticStore(events), seen


def test_servers_publishing_for_one_file_are_merged_in_line_order() -> None:
    store, _ = _store()
    store.publish("ruff", "file:///a.py", [_diag(5, lsp.DiagnosticSeverity.Warning, "late")])
    store.publish("jedi", "file:///a.py", [_diag(1, lsp.DiagnosticSeverity.Error, "early")])
    assert [d.message for d in store.for_uri("file:///a.py")] == ["early", "late"]


def test_republishing_replaces_only_that_servers_diagnostics() -> None:
    store, _ = _store()
    store.publish("ruff", "file:///a.py", [_diag(5, lsp.DiagnosticSeverity.Warning)])
    store.publish("jedi", "file:///a.py", [_diag(1, lsp.DiagnosticSeverity.Error)])
    store.publish("jedi", "file:///a.py", [])
    assert store.counts() == DiagnosticCounts(warnings=1)


def test_counts_span_files_and_missing_severity_counts_as_error() -> None:
    store, _ = _store()
    store.publish("s", "file:///a.py", [_diag(0, None), _diag(1, lsp.DiagnosticSeverity.Hint)])
    store.publish("s", "file:///b.py", [_diag(0, lsp.DiagnosticSeverity.Information)])
    assert store.counts() == DiagnosticCounts(errors=1, information=1, hints=1)
    assert store.uris() == ["file:///a.py", "file:///b.py"]


def test_every_publish_emits_the_merged_diagnostics_of_that_file() -> None:
    store, seen = _store()
    store.publish("s", "file:///a.py", [_diag(0, None)])
    store.clear_server("s")
    assert [(type(e), len(e.diagnostics)) for e in seen if isinstance(e, DiagnosticsChanged)] == [
        (DiagnosticsChanged, 1),
        (DiagnosticsChanged, 0),
    ]
    assert store.uris() == []


def test_a_failing_subscriber_does_not_stop_the_others() -> None:
    events = EventEmitter()
    seen: list[LspEvent] = []

    def broken(event: LspEvent) -> None:
        raise RuntimeError("boom")

    events.subscribe(broken)
    unsubscribe = events.subscribe(seen.append)
    store = DiagnosticStore(events)
    store.publish("s", "file:///a.py", [])
    assert len(seen) == 1
    unsubscribe()
    store.publish("s", "file:///a.py", [])
    assert len(seen) == 1
