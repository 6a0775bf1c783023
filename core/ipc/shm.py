"""Large payloads by shared memory: the frame carries only a handle, the receiver copies the bytes out and unlinks.

Meant for artifacts and file contents over SHM_THRESHOLD (1 MiB): the socket then carries a few dozen bytes, so
other messages are not stuck behind the payload and the frame-size limit does not apply. Connections do it
automatically (``IpcSettings.shm_threshold``): a message whose encoding reaches the threshold has its large bytes
values swapped for handles, and a received payload containing the ``$shm`` marker has its handles swapped back.
A handle is ``{"$shm": name, "size": n}`` (docs/ipc-protocol.md §4.4). The sender tracks what it shared per
connection and unlinks anything unclaimed when that connection closes, so a crashed receiver leaks nothing for
longer than the connection lives.

On POSIX the segment is written and read with ``write``/``read`` on the ``shm_open`` descriptor rather than
through ``multiprocessing.shared_memory``'s mapping: touching a fresh mapping page by page costs a fault per
4 KiB (3-4x slower for 10 MiB on a VM), and this way no resource tracker claims segments whose ownership passes
to the receiver. Windows keeps ``multiprocessing.shared_memory``.
"""

from __future__ import annotations

import os
import re
import secrets
import sys
from typing import Any, Final

from core.errors import NotFoundError, ProtocolError

SHM_THRESHOLD: Final = 1024 * 1024
"""Payloads at least this large should travel by shared memory."""
SHM_KEY: Final = "$shm"
_NAME = re.compile(r"^symphony_[0-9a-f]{24}$")


if sys.platform != "win32":
    import _posixshmem  # type: ignore[import-not-found, unused-ignore]  # CPython's shm_open/shm_unlink

    def _create(name: str, data: bytes | bytearray | memoryview) -> None:
        fd = _posixshmem.shm_open(f"/{name}", os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
        try:
            view = memoryview(data).cast("B")
            written = 0
            while written < len(view):
                written += os.write(fd, view[written:])
        except BaseException:
            _posixshmem.shm_unlink(f"/{name}")
            raise
        finally:
            os.close(fd)

    def _take(name: str, size: int) -> bytes:
        fd = _posixshmem.shm_open(f"/{name}", os.O_RDONLY, 0o600)  # FileNotFoundError if absent
        try:
            _unlink(name)  # taken once: nobody else can open it from now on
            available = os.fstat(fd).st_size
            if size > available:
                raise _claims_too_much(name, size, available)
            parts: list[bytes] = []
            got = 0
            while got < size:
                chunk = os.read(fd, size - got)
                if not chunk:
                    raise _claims_too_much(name, size, got)
                parts.append(chunk)
                got += len(chunk)
            return parts[0] if len(parts) == 1 else b"".join(parts)
        finally:
            os.close(fd)

    def _unlink(name: str) -> bool:
        try:
            _posixshmem.shm_unlink(f"/{name}")
        except FileNotFoundError:
            return False
        return True

else:  # pragma: no cover - Windows: named file mappings through multiprocessing
    from multiprocessing import shared_memory

    def _create(name: str, data: bytes | bytearray | memoryview) -> None:
        size = len(data)
        segment = shared_memory.SharedMemory(name=name, create=True, size=max(size, 1))
        buf = segment.buf
        assert buf is not None
        buf[:size] = data
        del buf
        segment.close()  # Windows keeps a mapping alive while any handle is open; the receiver opens it soon

    def _take(name: str, size: int) -> bytes:
        segment = shared_memory.SharedMemory(name=name)
        try:
            if size > segment.size:
                raise _claims_too_much(name, size, segment.size)
            buf = segment.buf
            assert buf is not None
            try:
                return bytes(buf[:size])
            finally:
                del buf
        finally:
            segment.close()

    def _unlink(name: str) -> bool:
        return False  # Windows frees a mapping when its last handle closes


def _claims_too_much(name: str, size: int, available: int) -> ProtocolError:
    return ProtocolError(
        f"shared-memory handle claims {size} bytes but segment {name} has {available}",
        data={"reason": "bad_shm_handle"},
    )


def is_shared_handle(value: Any) -> bool:
    """True if ``value`` looks like a shared-memory handle."""
    return isinstance(value, dict) and SHM_KEY in value


class SharedSegments:
    """The segments one side has shared over one connection and the receiver has not claimed yet."""

    def __init__(self) -> None:
        self._names: set[str] = set()

    def share(self, data: bytes | bytearray | memoryview) -> dict[str, Any]:
        """Copy ``data`` into a new segment and return the handle to send."""
        name = f"symphony_{secrets.token_hex(12)}"
        _create(name, data)
        self._names.add(name)
        return {SHM_KEY: name, "size": len(data)}

    def externalize(self, obj: Any, threshold: int) -> tuple[Any, int]:
        """``obj`` with every bytes value of at least ``threshold`` bytes replaced by a handle; and how many were.

        Containers are copied only along the paths that change, so the caller's message is never mutated.
        """
        cls = type(obj)
        if cls is bytes or cls is bytearray or cls is memoryview:
            if len(obj) >= threshold:
                return self.share(obj), 1
            return obj, 0
        if cls is dict:
            out: dict[Any, Any] | None = None
            count = 0
            for key, value in obj.items():
                new, n = self.externalize(value, threshold)
                if n:
                    if out is None:
                        out = dict(obj)
                    out[key] = new
                    count += n
            return (obj if out is None else out), count
        if cls is list or cls is tuple:
            items: list[Any] | None = None
            count = 0
            for index, value in enumerate(obj):
                new, n = self.externalize(value, threshold)
                if n:
                    if items is None:
                        items = list(obj)
                    items[index] = new
                    count += n
            return (obj if items is None else items), count
        return obj, 0

    def release_unclaimed(self) -> int:
        """Unlink every segment the receiver never took (call when the connection closes); returns how many."""
        released = sum(1 for name in self._names if _unlink(name))
        self._names.clear()
        return released


SHM_MARK: Final = SHM_KEY.encode()
"""Present in any encoded payload (msgpack or JSON) that carries a handle: cheap to search before walking."""


def internalize(obj: Any) -> Any:
    """``obj`` with every shared-memory handle replaced by its bytes (taking and unlinking each segment).

    Raises ProtocolError or NotFoundError for a bad or already-taken handle; segments taken before the failure
    stay taken (their bytes are dropped with the message).
    """
    cls = type(obj)
    if cls is dict:
        if SHM_KEY in obj and len(obj) == 2 and "size" in obj:
            return receive_shared(obj)
        return {key: internalize(value) for key, value in obj.items()}
    if cls is list:
        return [internalize(value) for value in obj]
    return obj


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
        return _take(name, size)
    except FileNotFoundError as exc:
        raise NotFoundError(
            f"shared-memory segment {name} does not exist (already taken, or its sender closed)",
            data={"name": name},
        ) from exc
