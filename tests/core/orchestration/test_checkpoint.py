"""Node outputs survive the trip through the run database unchanged."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from core.orchestration.checkpoint import decode_outputs, encode_outputs

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text() | st.binary(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(), _json, max_size=5))
def test_outputs_round_trip_including_bytes(outputs: dict[str, Any]) -> None:
    assert decode_outputs(encode_outputs(outputs)) == outputs
