"""Codecs (docs/ipc-protocol.md, section 3): both round-trip every message value and never leak library errors."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import ErrorCode, ParseError, ProtocolError, UnsupportedError
from core.ipc.codec import CODEC_NAMES, JsonCodec, MsgpackCodec, make_codec
from core.ipc.connection import _METHOD_KEY, _PARAMS_KEY, _REQUEST_HEAD, _REQUEST_HEAD_BARE
from core.ipc.peer import _RESULT_FIXED, _RESULT_HEAD, _RESULT_KEY

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=30,
)
msgpack_values = st.recursive(
    json_scalars | st.binary(max_size=40),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=60)
@given(msgpack_values)
def test_msgpack_round_trips_messages_including_bytes(value: Any) -> None:
    codec = MsgpackCodec()
    assert codec.decode(codec.encode(value)) == value


@settings(max_examples=60)
@given(json_values)
def test_json_round_trips_messages(value: Any) -> None:
    codec = JsonCodec()
    assert codec.decode(codec.encode(value)) == value


@settings(max_examples=30)
@given(json_values)
def test_msgpack_decodes_from_a_memoryview_without_copying_first(value: Any) -> None:
    codec = MsgpackCodec()
    assert codec.decode(memoryview(codec.encode(value))) == value


@settings(max_examples=300)
@given(st.binary(max_size=200), st.sampled_from(CODEC_NAMES))
def test_arbitrary_payloads_decode_or_raise_parse_error(data: bytes, name: str) -> None:
    codec = make_codec(name)
    try:
        codec.decode(data)
    except ParseError as exc:
        assert exc.code == ErrorCode.PARSE_ERROR
        assert exc.data["codec"] == name


@pytest.mark.parametrize("name", CODEC_NAMES)
def test_deeply_nested_payload_is_a_parse_error_not_a_crash(name: str) -> None:
    payload = b"[" * 100_000 if name == "json" else b"\x91" * 100_000
    with pytest.raises(ParseError):
        make_codec(name).decode(payload)


def test_msgpack_refuses_trailing_bytes_after_the_message() -> None:
    codec = MsgpackCodec()
    with pytest.raises(ParseError, match="malformed msgpack"):
        codec.decode(codec.encode({"a": 1}) + b"\x00")


def test_msgpack_refuses_extension_types() -> None:
    with pytest.raises(ParseError, match="extension type 5"):
        MsgpackCodec().decode(b"\xd4\x05\x00")


def test_msgpack_refuses_non_string_map_keys() -> None:
    with pytest.raises(ParseError):
        MsgpackCodec().decode(b"\x81\x01\x02")


def test_json_refuses_nan_both_ways() -> None:
    with pytest.raises(ProtocolError, match="as JSON"):
        JsonCodec().encode({"x": float("nan")})
    with pytest.raises(ParseError):
        JsonCodec().decode(b'{"x": NaN}')


def test_json_cannot_carry_bytes_and_says_what_to_do() -> None:
    with pytest.raises(ProtocolError) as info:
        JsonCodec().encode({"blob": b"\x00"})
    assert "msgpack" in info.value.hint


def test_unknown_codec_name_lists_the_known_ones() -> None:
    with pytest.raises(UnsupportedError) as info:
        make_codec("cbor")
    assert "msgpack, json" in info.value.hint


@given(st.one_of(st.integers(min_value=-(2**63), max_value=2**64 - 1), st.text(max_size=40)), msgpack_values)
def test_the_pre_packed_result_envelope_is_the_same_bytes_as_the_whole_map(msg_id: Any, result: Any) -> None:
    # The lingering side writes a result reply as fixed bytes around the packed id and result (core.ipc.peer):
    # a peer must read exactly what packing the map {jsonrpc, id, result} gives.
    codec = MsgpackCodec()
    fused = _RESULT_HEAD + codec.encode(msg_id) + _RESULT_KEY + codec.encode(result)
    assert fused == codec.encode({"jsonrpc": "2.0", "id": msg_id, "result": result})
    assert len(fused) == _RESULT_FIXED + len(codec.encode(msg_id)) + len(codec.encode(result))
    assert codec.decode(fused) == {"jsonrpc": "2.0", "id": msg_id, "result": result}


@given(
    st.integers(min_value=0, max_value=2**63 - 1),
    st.text(min_size=1, max_size=40),
    st.one_of(st.none(), st.lists(msgpack_values, max_size=3), st.dictionaries(st.text(max_size=10), msgpack_values)),
)
def test_the_pre_packed_request_envelope_is_the_same_bytes_as_the_whole_map(
    msg_id: int, method: str, params: Any
) -> None:
    # FramedConnection.send_request writes a lone request as fixed bytes around the packed id, method and params.
    codec = MsgpackCodec()
    message: dict[str, Any] = {"jsonrpc": "2.0", "id": msg_id, "method": method}
    if params is None:
        fused = _REQUEST_HEAD_BARE + codec.encode(msg_id) + _METHOD_KEY + codec.encode(method)
    else:
        message["params"] = params
        fused = (
            _REQUEST_HEAD
            + codec.encode(msg_id)
            + _METHOD_KEY
            + codec.encode(method)
            + _PARAMS_KEY
            + codec.encode(params)
        )
    assert fused == codec.encode(message)


def test_requests_with_a_bulky_top_level_value_skip_the_prepacked_envelope() -> None:
    """Packed there first, a 10 MiB blob was packed twice (send packs it again for shared memory)."""
    from core.ipc.connection import _bulky

    assert _bulky({"blob": b"x" * 100}, 100)
    assert _bulky(["x" * 200], 100)
    assert not _bulky({"a": 1, "b": "short"}, 100)
    assert not _bulky(None, 100)
    assert not _bulky({"nested": {"blob": b"x" * 200}}, 100)  # shallow on purpose: it runs on every request
