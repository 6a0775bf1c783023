"""IPC protocol v1 framing: ``[version u8][type u8][length u32 BE][payload]`` (docs/ipc-protocol.md, section 2).

The decoder is incremental and defensive: it checks version, type and length from the 6-byte header before it
allocates anything for the payload, so a hostile or broken peer can cost at most one ``max_frame_size`` buffer.
Every malformed input becomes a ProtocolError whose ``data["reason"]`` is a stable string from FrameFault.
"""

from __future__ import annotations

import struct
from enum import IntEnum, StrEnum
from typing import Final

from core.errors import ProtocolError

PROTOCOL_VERSION: Final = 1
HEADER_SIZE: Final = 6
DEFAULT_MAX_FRAME_SIZE: Final = 10 * 1024 * 1024
"""10 MiB: the largest payload a peer accepts unless both sides are configured otherwise."""

_HEADER = struct.Struct(">BBI")
_unpack_header = _HEADER.unpack_from
unpack_header = _HEADER.unpack_from
"""``unpack_header(buffer, offset) -> (version, type, length)``, unchecked (see check_header)."""
pack_header = _HEADER.pack
"""``pack_header(version, type, length) -> bytes``: the 6-byte header alone (to send a payload without copying it)."""


class FrameType(IntEnum):
    """What a frame carries; any other value is a protocol error."""

    DATA = 0
    PING = 1
    PONG = 2
    CLOSE = 3


class FrameFault(StrEnum):
    """Stable reasons carried in ``ProtocolError.data["reason"]`` for framing errors."""

    BAD_VERSION = "bad_version"
    BAD_TYPE = "bad_type"
    TOO_LARGE = "frame_too_large"


_VALID_TYPES: Final = frozenset(int(t) for t in FrameType)

Frame = tuple[int, bytes | memoryview]
"""A decoded frame: ``(FrameType value, payload)``; the payload may be a view into the received chunk."""


def encode_frame(
    frame_type: FrameType | int, payload: bytes = b"", *, max_frame_size: int = DEFAULT_MAX_FRAME_SIZE
) -> bytes:
    """One complete frame as bytes; refuses payloads the receiver would reject as too large."""
    size = len(payload)
    if size > max_frame_size:
        raise _too_large(size, max_frame_size)
    return _HEADER.pack(PROTOCOL_VERSION, frame_type, size) + payload


def _too_large(size: int, limit: int) -> ProtocolError:
    return ProtocolError(
        f"IPC frame of {size} bytes exceeds the limit of {limit} bytes",
        hint="Send large payloads through shared memory (core.ipc.shm) or raise ipc.max_frame_size on both sides.",
        data={"reason": FrameFault.TOO_LARGE.value, "size": size, "limit": limit},
    )


def check_header(version: int, frame_type: int, size: int, max_frame_size: int) -> None:
    """Raise the ProtocolError a peer gets for a header we refuse to read further."""
    if version != PROTOCOL_VERSION:
        raise ProtocolError(
            f"IPC frame has protocol version {version}, this side speaks version {PROTOCOL_VERSION}",
            hint="Upgrade the older of the two programs so both speak the same protocol version.",
            data={"reason": FrameFault.BAD_VERSION.value, "version": version},
        )
    if frame_type not in _VALID_TYPES:
        raise ProtocolError(
            f"IPC frame has unknown type {frame_type} (known: 0 data, 1 ping, 2 pong, 3 close)",
            data={"reason": FrameFault.BAD_TYPE.value, "type": frame_type},
        )
    if size > max_frame_size:
        raise _too_large(size, max_frame_size)


class FrameDecoder:
    """Turns bytes arriving in arbitrary splits into whole frames.

    ``feed`` returns the frames completed by the new bytes. After it raises, the stream cannot be resynchronised:
    the decoder stays failed and the connection must be closed.
    """

    __slots__ = ("_buf", "_failed", "_need", "_type", "idle", "max_frame_size")

    def __init__(self, *, max_frame_size: int = DEFAULT_MAX_FRAME_SIZE) -> None:
        self.max_frame_size = max_frame_size
        """Largest payload accepted; checked from the header before any allocation."""
        self._buf = bytearray()  # partial header, or the partial payload of the frame being read
        self._need = 0  # payload bytes still missing for the current frame (0: reading a header)
        self._type = 0
        self._failed: ProtocolError | None = None
        self.idle = True
        """True between frames: nothing partial is held, the next byte starts a header (kept current by feed)."""

    @property
    def buffered(self) -> int:
        """Bytes held for an incomplete frame (bounded by HEADER_SIZE + max_frame_size)."""
        return len(self._buf)

    def feed(self, data: bytes | bytearray | memoryview) -> list[Frame]:
        """Consume ``data``; return the frames it completes, in order. Raises ProtocolError on malformed input.

        Payloads may be views into ``data``: consume them before mutating a buffer passed in.
        """
        if self._failed is not None:
            raise self._failed
        try:
            frames = self._feed(data)
        except ProtocolError as exc:
            self._failed = exc
            self._buf = bytearray()
            self.idle = False
            raise
        self.idle = not self._need and not self._buf
        return frames

    def _feed(self, data: bytes | bytearray | memoryview) -> list[Frame]:
        frames: list[Frame] = []
        view = memoryview(data).cast("B") if not isinstance(data, bytes) else data
        pos = 0
        end = len(view)
        if self._need or self._buf:
            # Finish the frame (or header) left over from the previous chunk.
            pos = self._complete_pending(view, frames)
            if self._need or self._buf:
                return frames
        # Fast path: whole frames straight out of the chunk, payloads as zero-copy views.
        mv = memoryview(view) if isinstance(view, bytes) else view
        limit = self.max_frame_size
        while end - pos >= HEADER_SIZE:
            version, frame_type, size = _unpack_header(view, pos)
            if version != PROTOCOL_VERSION or frame_type not in _VALID_TYPES or size > limit:
                check_header(version, frame_type, size, limit)
            start = pos + HEADER_SIZE
            if end - start < size:
                self._type = frame_type
                self._need = size - (end - start)
                self._buf = bytearray(mv[start:end])
                return frames
            frames.append((frame_type, mv[start : start + size]))
            pos = start + size
        if pos < end:
            self._need = 0
            self._buf = bytearray(mv[pos:end])
        return frames

    def _complete_pending(self, view: bytes | memoryview, frames: list[Frame]) -> int:
        """Extend the buffered partial header/payload from ``view``; return how many bytes were used."""
        buf = self._buf
        pos = 0
        if self._need == 0:  # partial header
            take = min(HEADER_SIZE - len(buf), len(view))
            buf += view[:take]
            pos = take
            if len(buf) < HEADER_SIZE:
                return pos
            version, frame_type, size = _unpack_header(buf, 0)
            check_header(version, frame_type, size, self.max_frame_size)
            self._type = frame_type
            if size == 0:
                frames.append((frame_type, b""))
                self._buf = bytearray()
                return pos
            self._need = size
            self._buf = buf = bytearray()
        take = min(self._need, len(view) - pos)
        buf += view[pos : pos + take]
        self._need -= take
        pos += take
        if self._need == 0:
            frames.append((self._type, bytes(buf)))
            self._buf = bytearray()
        return pos
