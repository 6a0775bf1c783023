"""Frame codec (docs/ipc-protocol.md, section 2): round trips, arbitrary splits, and hostile input."""

from __future__ import annotations

import itertools
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import ErrorCode, ProtocolError
from core.ipc.frame import (
    DEFAULT_MAX_FRAME_SIZE,
    HEADER_SIZE,
    PROTOCOL_VERSION,
    FrameDecoder,
    FrameFault,
    FrameType,
    encode_frame,
)

frame_types = st.sampled_from(list(FrameType))
frames = st.lists(st.tuples(frame_types, st.binary(max_size=300)), max_size=12)


def split_points(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    edges = [0, *points, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(edges)]


def decode_all(chunks: list[bytes], decoder: FrameDecoder | None = None) -> list[tuple[int, bytes]]:
    decoder = decoder or FrameDecoder()
    out: list[tuple[int, bytes]] = []
    for chunk in chunks:
        out.extend((t, bytes(p)) for t, p in decoder.feed(chunk))
    return out


def test_header_layout_is_version_type_and_big_endian_length() -> None:
    assert encode_frame(FrameType.PING, b"abc") == bytes([1, 1, 0, 0, 0, 3]) + b"abc"
    assert HEADER_SIZE == 6
    assert PROTOCOL_VERSION == 1
    assert DEFAULT_MAX_FRAME_SIZE == 10 * 1024 * 1024


@given(frames, st.lists(st.integers(min_value=0), max_size=20))
def test_frames_survive_any_split_of_the_stream(items: list[tuple[FrameType, bytes]], cuts: list[int]) -> None:
    stream = b"".join(encode_frame(t, p) for t, p in items)
    assert decode_all(split_points(stream, cuts)) == [(int(t), p) for t, p in items]


@given(frames)
def test_frames_survive_byte_by_byte_delivery(items: list[tuple[FrameType, bytes]]) -> None:
    stream = b"".join(encode_frame(t, p) for t, p in items)
    decoder = FrameDecoder()
    assert decode_all([stream[i : i + 1] for i in range(len(stream))], decoder) == [(int(t), p) for t, p in items]
    assert decoder.buffered == 0


@settings(max_examples=300)
@given(st.binary(max_size=2000), st.lists(st.integers(min_value=0), max_size=10))
def test_arbitrary_bytes_yield_frames_or_a_protocol_error_and_never_buffer_past_the_limit(
    data: bytes, cuts: list[int]
) -> None:
    decoder = FrameDecoder(max_frame_size=512)
    try:
        for chunk in split_points(data, cuts):
            decoder.feed(chunk)
            assert decoder.buffered <= HEADER_SIZE + 512
    except ProtocolError as exc:
        assert exc.code == ErrorCode.PROTOCOL
        assert exc.data["reason"] in {f.value for f in FrameFault}


@given(frames, st.integers(min_value=1))
def test_truncated_stream_keeps_only_the_partial_frame(items: list[tuple[FrameType, bytes]], cut: int) -> None:
    stream = b"".join(encode_frame(t, p) for t, p in items)
    if not stream:
        return
    truncated = stream[: cut % len(stream)]
    decoder = FrameDecoder()
    got = decode_all([truncated], decoder)
    assert got == [(int(t), p) for t, p in items][: len(got)]
    assert decoder.buffered < len(stream)


def test_oversized_length_is_refused_from_the_header_alone() -> None:
    decoder = FrameDecoder(max_frame_size=1024)
    header = struct.pack(">BBI", 1, 0, 0xFFFFFFFF)
    with pytest.raises(ProtocolError) as info:
        decoder.feed(header)
    assert info.value.data == {"reason": "frame_too_large", "size": 0xFFFFFFFF, "limit": 1024}
    assert decoder.buffered == 0


def test_header_split_across_chunks_is_still_checked_before_allocating() -> None:
    decoder = FrameDecoder(max_frame_size=10)
    decoder.feed(b"\x01\x00\x00")
    with pytest.raises(ProtocolError, match="exceeds the limit"):
        decoder.feed(b"\x00\x00\x0b")


def test_wrong_version_names_both_versions() -> None:
    with pytest.raises(ProtocolError, match="version 2, this side speaks version 1") as info:
        FrameDecoder().feed(b"\x02\x00\x00\x00\x00\x00")
    assert info.value.data["reason"] == "bad_version"


def test_unknown_frame_type_is_a_protocol_error() -> None:
    with pytest.raises(ProtocolError, match="unknown type 9") as info:
        FrameDecoder().feed(b"\x01\x09\x00\x00\x00\x00")
    assert info.value.data["reason"] == "bad_type"


def test_decoder_stays_failed_after_an_error() -> None:
    decoder = FrameDecoder()
    with pytest.raises(ProtocolError):
        decoder.feed(b"\x07\x00\x00\x00\x00\x00")
    with pytest.raises(ProtocolError):
        decoder.feed(encode_frame(FrameType.PING))


def test_encoder_refuses_payloads_the_peer_would_reject() -> None:
    with pytest.raises(ProtocolError, match="exceeds the limit"):
        encode_frame(FrameType.DATA, b"x" * 11, max_frame_size=10)


def test_frame_of_exactly_the_limit_is_accepted() -> None:
    payload = b"z" * 4096
    assert decode_all([encode_frame(FrameType.DATA, payload)], FrameDecoder(max_frame_size=4096)) == [(0, payload)]
