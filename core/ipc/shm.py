"""Large payloads by shared memory: the frame carries only a handle, the receiver copies the bytes out and unlinks.

Meant for artifacts and file contents over SHM_THRESHOLD (1 MiB), where pushing bytes through the socket costs
two kernel copies and frame-size headroom. A handle is ``{"$shm": name, "size": n}`` (docs/ipc-protocol.md §4.4).
The sender tracks what it shared per connection and unlinks anything unclaimed when that connection closes,
so a crashed receiver leaks nothing for longer than the connection lives.
"""

from __future__ import annotations

import contextlib
import re
import secrets
from multiprocessing import resource_tracker, shared_memory
from typing import Any, Final

from core.errors import NotFoundError, ProtocolError

SHM_THRESHOLD: Final = 1024 * 1024
"""Payloads at least this large should travel by shared memory."""
SHM_KEY: Final = "$shm"
_NAME = re.compile(r"^symphony_[0-9a-f]{24}$")


def _untrack(name: str) -> None:
    # Python < 3.13 registers every segment with this process's resource tracker, which would unlink it (and warn)
    # at exit. Ownership passes to the receiver, so the sender's tracker must forget it.
    with contextlib.suppress(Exception):
        resource_tracker.unregister(f"/{name}", "shared_memory")


def is_shared_handle(value: Any) -> bool:
    """True if ``value`` looks like a shared-memory handle."""
    return isinstance(value, dict) and SHM_KEY in value


class SharedSegments:
    """The segments one side has shared over one connection and the receiver has not claimed yet."""

    def __init__(self) -> None:
        self._names: set[str] = set()

    def share(self, data: bytes | bytearray | memoryview) -> dict[str, Any]:
        """Copy ``data`` into a new segment and return the handle to send."""
        size = len(data)
        name = f"symphony_{secrets.token_hex(12)}"
        segment = shared_memory.SharedMemory(name=name, create=True, size=max(size, 1))
        try:
            buf = segment.buf
            assert buf is not None
            buf[:size] = data
            del buf
        except BaseException:
            segment.close()
            segment.unlink()
            raise
        segment.close()
        _untrack(segment._name)  # type: ignore[attr-defined]
        self._names.add(name)
        return {SHM_KEY: name, "size": size}

    def release_unclaimed(self) -> int:
        """Unlink every segment the receiver never took (call when the connection closes); returns how many."""
        released = 0
        for name in self._names:
            try:
                segment = shared_memory.SharedMemory(name=name)
            except FileNotFoundError:
                continue
            segment.close()
            segment.unlink()
            released += 1
        self._names.clear()
        return released


def share_bytes(data: bytes | bytearray | memoryview) -> dict[str, Any]:
    """Share ``data`` without tracking (the receiver must take it)."""
    return SharedSegments().share(data)


def receive_shared(handle: Any) -> bytes:
    """Copy the bytes out of a handle's segment, then unlink it (a handle can be taken once)."""
    if not is_shared_handle(handle):
        raise ProtocolError(f"not a shared-memory handle: {handle!r}", data={"reason": "bad_shm_handle"})
    name, size = handle.get(SHM_KEY), handle.get("size")
    if not isinstance(name, str) or not _NAME.match(name) or type(size) is not int or size < 0:
        raise ProtocolError(
            f"malformed shared-memory handle {handle!r}",
            hint="A handle is {'$shm': 'symphony_<24 hex>', 'size': n}; see docs/ipc-protocol.md §4.4.",
            data={"reason": "bad_shm_handle"},
        )
    try:
        segment = shared_memory.SharedMemory(name=name)
    except FileNotFoundError as exc:
        raise NotFoundError(
            f"shared-memory segment {name} does not exist (already taken, or its sender closed)",
            data={"name": name},
        ) from exc
    try:
        if size > segment.size:
            raise ProtocolError(
                f"shared-memory handle claims {size} bytes but segment {name} has {segment.size}",
                data={"reason": "bad_shm_handle"},
            )
        buf = segment.buf
        assert buf is not None
        try:
            return bytes(buf[:size])
        finally:
            del buf
    finally:
        segment.close()
        with contextlib.suppress(FileNotFoundError):
            segment.unlink()
