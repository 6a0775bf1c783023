"""The didChange and completion messages of every keystroke are built as JSON by hand (cattrs was most of their
cost): they must be exactly what lsprotocol's types unstructure to."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from lsprotocol import types as lsp
from pygls.protocol import default_converter

from core.lsp.client import _change_json
from core.lsp.features import FeatureRequests
from core.types.text import Position

CONVERTER = default_converter()
positions = st.builds(lsp.Position, line=st.integers(0, 2**31 - 1), character=st.integers(0, 2**31 - 1))
texts = st.text()


@given(start=positions, end=positions, text=texts)
def test_an_incremental_change_is_what_lsprotocol_unstructures(
    start: lsp.Position, end: lsp.Position, text: str
) -> None:
    event = lsp.TextDocumentContentChangePartial(range=lsp.Range(start=start, end=end), text=text)
    assert _change_json(event) == CONVERTER.unstructure(event)


@given(text=texts)
def test_a_whole_document_change_is_what_lsprotocol_unstructures(text: str) -> None:
    event = lsp.TextDocumentContentChangeWholeDocument(text=text)
    assert _change_json(event) == CONVERTER.unstructure(event)


class _Recorder(FeatureRequests):
    """The request side of a client, recording what it would send."""

    encoding = "utf-16"
    capabilities = lsp.ServerCapabilities(completion_provider=lsp.CompletionOptions())
    name = "recorder"

    def __init__(self) -> None:
        self.sent: list[tuple[str, Any]] = []

    def send_request(self, method: str, params: Any, **kwargs: Any) -> Any:
        self.sent.append((method, params))
        return None

    def supports(self, capability: str) -> bool:
        return capability == "completion_provider"

    def position_to_server(self, uri: str, position: Position) -> lsp.Position:
        return lsp.Position(line=position.line, character=position.column * 2)

    def range_to_server(self, uri: str, span: Any) -> lsp.Range:
        raise NotImplementedError

    def diagnostics_for(self, uri: str) -> tuple[lsp.Diagnostic, ...]:
        return ()

    def line_text(self, uri: str, line: int) -> str:
        return ""

    def registration_options(self, method: str, options_type: Any) -> Any:
        return None


@given(
    line=st.integers(0, 10**6),
    column=st.integers(0, 10**6),
    trigger=st.one_of(st.none(), st.sampled_from([".", ":", "(", "é"])),
)
def test_a_completion_request_is_what_lsprotocol_unstructures(line: int, column: int, trigger: str | None) -> None:
    client = _Recorder()
    client.send_completion("file:///a.py", Position(line=line, column=column), trigger_character=trigger)
    [(method, params)] = client.sent
    context = (
        lsp.CompletionContext(trigger_kind=lsp.CompletionTriggerKind.TriggerCharacter, trigger_character=trigger)
        if trigger
        else lsp.CompletionContext(trigger_kind=lsp.CompletionTriggerKind.Invoked)
    )
    typed = lsp.CompletionParams(
        text_document=lsp.TextDocumentIdentifier(uri="file:///a.py"),
        position=lsp.Position(line=line, character=column * 2),
        context=context,
    )
    assert method == lsp.TEXT_DOCUMENT_COMPLETION
    assert params == CONVERTER.unstructure(typed)
