"""Message bodies are parsed by msgspec when it can and by ``json`` otherwise: the result, and what is refused,
must be exactly what ``json.loads`` gives."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from core.lsp.protocol import parse_json

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=30,
)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


@given(values, st.booleans())
def test_any_json_value_reads_as_json_reads_it(value: Any, ascii_only: bool) -> None:
    body = json.dumps(value, ensure_ascii=ascii_only).encode()  # NaN and Infinity included, as json writes them
    assert _same(parse_json(body), json.loads(body))


@given(st.binary(max_size=40) | st.text(max_size=40).map(str.encode))
def test_any_bytes_are_accepted_or_refused_as_json_does(body: bytes) -> None:
    try:
        expected = json.loads(body)
    except ValueError as error:
        try:
            parse_json(body)
        except ValueError as ours:
            assert type(ours) is type(error)
        else:
            raise AssertionError(f"{body!r} was accepted; json refuses it")
        return
    assert _same(parse_json(body), expected)


def test_lone_surrogates_and_duplicate_keys_read_as_json_reads_them() -> None:
    assert parse_json(b'"\\ud800"') == "\ud800"
    assert parse_json(b'{"a": 1, "a": 2}') == {"a": 2}
    assert parse_json(b"123456789012345678901234567890") == 123456789012345678901234567890
