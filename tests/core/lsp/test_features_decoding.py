"""Result normalisation that does not need a server: semantic tokens, location shapes, URIs."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lsprotocol import types as lsp

from core.errors import ProtocolError, ValidationError
from core.lsp.features import (
    FeatureRequests,
    SemanticToken,
    apply_semantic_edits,
    as_locations,
    decode_semantic_tokens,
)
from core.lsp.positions import Encoding
from core.lsp.uris import path_to_uri, uri_to_path
from core.types.text import Position, Range

LEGEND = lsp.SemanticTokensLegend(token_types=["variable", "function"], token_modifiers=["declaration", "readonly"])


def test_relative_semantic_tokens_become_absolute_with_legend_names() -> None:
    data = [1, 4, 3, 1, 0b01, 0, 6, 2, 0, 0b11, 2, 1, 5, 0, 0]
    assert decode_semantic_tokens(data, LEGEND) == [
        SemanticToken(1, 4, 3, "function", ("declaration",)),
        SemanticToken(1, 10, 2, "variable", ("declaration", "readonly")),
        SemanticToken(3, 1, 5, "variable", ()),
    ]


@st.composite
def _delta(draw: st.DrawFn) -> tuple[list[int], list[int], list[lsp.SemanticTokensEdit]]:
    """An old array, the new one, and edits turning one into the other (non-overlapping, in random order)."""
    old = draw(st.lists(st.integers(0, 9), max_size=40))
    cuts = sorted(draw(st.sets(st.integers(0, len(old)), max_size=6)))
    new: list[int] = []
    edits = []
    previous = 0
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        inserted = draw(st.lists(st.integers(0, 9), max_size=10))
        new += old[previous:start] + inserted
        edits.append(lsp.SemanticTokensEdit(start=start, delete_count=end - start, data=inserted or None))
        previous = end
    new += old[previous:]
    return old, new, draw(st.permutations(edits))


@given(_delta())
def test_delta_edits_applied_to_the_previous_tokens_give_the_new_ones(
    case: tuple[list[int], list[int], list[lsp.SemanticTokensEdit]],
) -> None:
    old, new, edits = case
    assert apply_semantic_edits(old, edits) == tuple(new)


def test_a_delta_reaching_past_the_previous_tokens_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError, match=r"delta edits 3\.\.7 of a 5-integer array"):
        apply_semantic_edits([1, 2, 3, 4, 5], [lsp.SemanticTokensEdit(start=3, delete_count=4)])


def test_location_links_point_at_their_target_selection() -> None:
    span = lsp.Range(start=lsp.Position(line=1, character=2), end=lsp.Position(line=1, character=5))
    whole = lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=9, character=0))
    link = lsp.LocationLink(target_uri="file:///x.py", target_range=whole, target_selection_range=span)
    assert as_locations([link]) == [lsp.Location(uri="file:///x.py", range=span)]
    assert as_locations(None) == []
    assert as_locations((lsp.Location(uri="file:///t.py", range=span),)) == [
        lsp.Location(uri="file:///t.py", range=span)
    ]
    assert as_locations(lsp.Location(uri="file:///y.py", range=span)) == [lsp.Location(uri="file:///y.py", range=span)]


@given(name=st.text(alphabet=st.characters(exclude_categories=["Cs", "Cc"], exclude_characters="/\\\x00"), min_size=1))
def test_paths_round_trip_through_file_uris(name: str) -> None:
    if name in (".", ".."):
        return
    path = Path("/tmp") / name
    assert uri_to_path(path_to_uri(path)) == path


def test_non_file_uri_is_refused_with_the_uri_named() -> None:
    with pytest.raises(ValidationError, match="untitled:1"):
        uri_to_path("untitled:1")


class _CannedServer(FeatureRequests):
    """FeatureRequests over a canned answer: what the server would send for a one-line document."""

    encoding: Encoding = "utf-16"

    def __init__(self, text: str, answer: object, capabilities: lsp.ServerCapabilities) -> None:
        self.text = text
        self.answer = answer
        self.capabilities = capabilities

    async def request(self, method: str, params: object, **options: object) -> object:
        return self.answer

    def supports(self, capability: str) -> bool:
        return bool(getattr(self.capabilities, capability, None))

    def position_to_server(self, uri: str, position: Position) -> lsp.Position:
        return lsp.Position(line=position.line, character=position.column)

    def range_to_server(self, uri: str, span: Range) -> lsp.Range:
        raise NotImplementedError

    def diagnostics_for(self, uri: str) -> tuple[lsp.Diagnostic, ...]:
        return ()

    def line_text(self, uri: str, line: int) -> str:
        return self.text

    def registration_options(self, method: str, options_type: type[object]) -> None:
        return None


async def test_semantic_token_columns_come_back_in_code_points() -> None:
    legend = lsp.SemanticTokensLegend(token_types=["variable"], token_modifiers=[])
    capabilities = lsp.ServerCapabilities(semantic_tokens_provider=lsp.SemanticTokensOptions(legend=legend, full=True))
    # "😀 = ab": the emoji is two UTF-16 units, so 'ab' starts at unit 5 but at code point 4.
    server = _CannedServer("😀 = ab", lsp.SemanticTokens(data=[0, 0, 2, 0, 0, 0, 5, 2, 0, 0]), capabilities)
    tokens = await server.semantic_tokens("file:///t.py")
    assert [(t.start, t.length) for t in tokens] == [(0, 1), (4, 2)]
