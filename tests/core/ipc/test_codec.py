"""Codecs (docs/ipc-protocol.md, section 3): both round-trip every message value and never leak library errors."""

from __future__ import annotations

from typing import Any

import msgpack  # type: ignore[import-untyped]
import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import ErrorCode, ParseError, ProtocolError, UnsupportedError
from core.ipc.codec import CODEC_NAMES, PLAIN_DEPTH, JsonCodec, MsgpackCodec, _refuse_ext, make_codec
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


# -- msgspec decodes plain messages, msgpack-python the rest: the two must agree (MsgpackCodec) -----------------


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (1, 1.0 and True compare equal but are different messages)."""
    if type(a) is not type(b):
        return False
    if type(a) is dict:
        return (
            a.keys() == b.keys()
            and all(type(k) is type(next(k2 for k2 in b if k2 == k)) for k in a)
            and all(_same(a[k], b[k]) for k in a)
        )
    if type(a) is list:
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _reference_decode(data: bytes) -> Any:
    """What the codec decoded before msgspec: msgpack-python alone."""
    return msgpack.unpackb(data, raw=False, strict_map_key=True, ext_hook=_refuse_ext)


any_keys = st.text(max_size=10) | st.binary(max_size=5) | st.integers(-5, 5) | st.none() | st.booleans()
loose_values = st.recursive(
    json_scalars | st.binary(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_keys, inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=200)
@given(msgpack_values)
def test_msgspec_and_msgpack_python_write_the_same_bytes_and_read_each_others(value: Any) -> None:
    packed = msgpack.packb(value, use_bin_type=True)
    assert msgspec.msgpack.encode(value) == packed  # the wire format does not depend on the library
    assert _same(msgspec.msgpack.decode(packed), value)
    assert _same(MsgpackCodec().decode(packed), value)
    assert _same(MsgpackCodec().decode(memoryview(packed)), value)


@settings(max_examples=200)
@given(loose_values)
def test_the_codec_accepts_and_refuses_exactly_what_msgpack_python_does(value: Any) -> None:
    # Non-str keys (refused), bytes keys and bytes values (accepted) included: msgspec alone would take int keys.
    packed = msgpack.packb(value, use_bin_type=True)
    try:
        expected = _reference_decode(packed)
    except ValueError:
        with pytest.raises(ParseError):
            MsgpackCodec().decode(packed)
        return
    assert _same(MsgpackCodec().decode(packed), expected)


def _mutations(data: bytes, edits: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for position, byte in edits:
        if out:
            out[position % len(out)] = byte
    return bytes(out)


@settings(max_examples=400)
@given(
    st.one_of(
        st.binary(max_size=80),
        st.builds(
            _mutations,
            loose_values.map(lambda v: msgpack.packb(v, use_bin_type=True)),
            st.lists(st.tuples(st.integers(0, 200), st.integers(0, 255)), max_size=3),
        ),
    )
)
def test_whatever_the_msgspec_fast_path_accepts_msgpack_python_decodes_identically(data: bytes) -> None:
    codec = MsgpackCodec()
    try:
        fast = codec.decode_unchecked(data)
    except Exception:
        fast = _REFUSED
    try:
        expected = _reference_decode(data)
    except Exception:
        expected = _REFUSED
        with pytest.raises(ParseError):
            codec.decode(data)
    if fast is not _REFUSED:
        assert _same(fast, expected)
    if expected is not _REFUSED:
        assert _same(codec.decode(data), expected)


_REFUSED = object()


@pytest.mark.parametrize(
    "payload",
    [
        b"\x81\xa1a\x81\x01\x02",  # {"a": {1: 2}}: an int key nested (msgspec alone would take it)
        b"\xd6\xff\x00\x00\x00\x01",  # a msgpack timestamp (msgspec alone would give a datetime)
        b"\x81\xc4\x01k\x01",  # a bytes key: msgpack-python takes it
        b"\x91" * (PLAIN_DEPTH + 2) + b"\x81\x01\x02",  # an int key below the typed depth
        b"\xca\x3f\xc0\x00\x00",  # float32
    ],
)
def test_payloads_msgspec_alone_would_read_differently_decode_as_before(payload: bytes) -> None:
    try:
        expected = _reference_decode(payload)
    except ValueError:
        with pytest.raises(ParseError):
            MsgpackCodec().decode(payload)
        return
    assert _same(MsgpackCodec().decode(payload), expected)
