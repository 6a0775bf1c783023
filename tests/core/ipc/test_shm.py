"""Shared-memory handles (docs/ipc-protocol.md §4.4): taken once, unlinked by the receiver, leaks reclaimed."""

from __future__ import annotations

import os

import pytest

from core.errors import NotFoundError, ProtocolError
from core.ipc.shm import SharedSegments, receive_shared, share_bytes


def test_round_trip_copies_the_bytes_and_the_handle_works_once() -> None:
    data = os.urandom(1024 * 1024 + 7)
    handle = share_bytes(data)
    assert set(handle) == {"$shm", "size"} and handle["size"] == len(data)
    assert receive_shared(handle) == data
    with pytest.raises(NotFoundError, match="already taken"):
        receive_shared(handle)


def test_empty_payload_is_allowed() -> None:
    assert receive_shared(share_bytes(b"")) == b""


def test_unclaimed_segments_are_released_when_the_connection_closes() -> None:
    segments = SharedSegments()
    taken = segments.share(b"a" * 10)
    left = segments.share(b"b" * 10)
    assert receive_shared(taken) == b"a" * 10
    assert segments.release_unclaimed() == 1
    with pytest.raises(NotFoundError):
        receive_shared(left)


@pytest.mark.parametrize(
    "handle",
    [
        {"$shm": "/etc/passwd", "size": 1},
        {"$shm": "psm_12345", "size": 1},
        {"$shm": "symphony_" + "0" * 24, "size": -1},
        {"$shm": "symphony_" + "0" * 24, "size": True},
        {"size": 3},
    ],
)
def test_handles_that_could_name_foreign_segments_are_refused(handle: dict[str, object]) -> None:
    with pytest.raises(ProtocolError):
        receive_shared(handle)


def test_handle_claiming_more_than_the_segment_holds_is_refused() -> None:
    handle = share_bytes(b"abc")
    handle["size"] = 10**9
    with pytest.raises(ProtocolError, match="claims"):
        receive_shared(handle)
