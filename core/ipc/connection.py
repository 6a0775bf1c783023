"""One framed, authenticated IPC connection as an asyncio.Protocol: handshake, heartbeat, flow control, Close.

Working at the Protocol level (not asyncio streams) keeps one event-loop wake-up per read and no per-message
copies: payloads are decoded straight from the received chunk, and every frame produced while handling one chunk
(typically the responses to it) leaves in a single write. The RPC layer (core.ipc.peer) sits on top and sees
only decoded messages. Works over one duplex transport (Unix socket, named pipe) or a read/write pair (stdio).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any, Final, Literal, cast

from core.errors import (
    AuthenticationError,
    ProtocolError,
    SymphonyError,
    TransportError,
)
from core.ipc.codec import CODEC_NAMES, Codec, make_codec
from core.ipc.frame import PROTOCOL_VERSION, FrameDecoder, FrameType, pack_header, unpack_header
from core.ipc.handshake import (
    MAX_HANDSHAKE_FRAME,
    Authenticator,
    check_hello,
    check_welcome,
    encode_hello,
    encode_refusal,
    encode_welcome,
)
from core.ipc.metrics import ConnectionMetrics
from core.ipc.security import AuthToken, peer_uid
from core.ipc.settings import IpcSettings
from core.ipc.shm import SHM_MARK, SharedSegments, internalize

log = logging.getLogger("symphony.ipc")

Role = Literal["connect", "accept"]
_DATA = int(FrameType.DATA)
_PING = int(FrameType.PING)
_PONG = int(FrameType.PONG)
_CLOSE = int(FrameType.CLOSE)
_NEVER = 1 << 62
_SMALL = 64 * 1024  # below this, header + payload are joined (one copy beats two buffer entries)
_POLL_READ = 64 * 1024  # most bytes per direct read while polling for a reply (below glibc's mmap threshold)
_BYTE_ORDER: Final = sys.byteorder  # FIONREAD answers a native int
_LINGER_RUN: Final = 8  # messages taken by one linger before the event loop runs again
_perf_ns = time.perf_counter_ns
if sys.platform != "win32":
    import fcntl
    import termios

    _ioctl: Callable[[int, int, bytearray], int] = fcntl.ioctl
    _FIONREAD: int = termios.FIONREAD
else:  # never polled there (_pollable_fd), but the names exist for type checkers

    def _ioctl(fd: int, request: int, arg: bytearray) -> int:
        raise OSError("FIONREAD is not available on Windows")

    _FIONREAD = 0
_REQUEST_HEAD: Final = b"\x84\xa7jsonrpc\xa32.0\xa2id"
"""msgpack of a map of 4 (jsonrpc, id, method, params) up to the id's value; a map of 3 without params."""
_REQUEST_HEAD_BARE: Final = b"\x83\xa7jsonrpc\xa32.0\xa2id"
_METHOD_KEY: Final = b"\xa6method"
_PARAMS_KEY: Final = b"\xa6params"
_NONE_READABLE: Final = bytes(4)  # FIONREAD's int when nothing is buffered


class State(Enum):
    """Where a connection is in its life."""

    HANDSHAKE = "handshake"
    OPEN = "open"
    CLOSING = "closing"
    CLOSED = "closed"


def _bulky(params: Any, limit: int) -> bool:
    """Whether a top-level value of ``params`` alone reaches ``limit`` bytes: such a request goes to ``send`` at
    once (shared memory, flow control) instead of being packed here first and then packed again there (a 10 MiB
    blob packed twice cut its rate from ~800 to ~300 MB/s)."""
    if type(params) is dict:
        values: Any = params.values()
    elif type(params) is list:
        values = params
    else:
        return False
    for value in values:  # noqa: SIM110 -- any(<genexpr>) costs ~0.4 us more per request
        if type(value) in _BLOBS and len(value) >= limit:
            return True
    return False


_BLOBS: Final = frozenset({bytes, bytearray, memoryview, str})


class FramedConnection(asyncio.Protocol):
    """Frames, handshake and liveness for one peer; hands decoded messages to ``on_message``."""

    def __init__(
        self,
        role: Role,
        *,
        settings: IpcSettings | None = None,
        token: AuthToken | None = None,
        authenticate: Authenticator | None = None,
        codecs: Sequence[str] = CODEC_NAMES,
        name: str = "",
        label: str = "peer",
    ) -> None:
        if role == "connect" and token is None:
            raise ValueError("a connecting side needs the token it was handed")
        if role == "accept" and authenticate is None:
            raise ValueError("an accepting side needs an authenticator")
        self.role: Role = role
        self.settings = settings or IpcSettings()
        self.label = label
        """How logs name the other end (socket path, pid, identity once known)."""
        self.name = name
        """This side's name, sent in the hello."""
        self.identity: str | None = None
        """On the accepting side, whom the presented token was issued to."""
        self.peer_name = ""
        """The name the connecting side gave in its hello."""
        self.codec: Codec | None = None
        self.metrics = ConnectionMetrics()
        self.state = State.HANDSHAKE
        self.on_message: Callable[[Any], None] = _drop
        """Called with each decoded Data message once the connection is open."""
        self.on_bad_message: Callable[[SymphonyError, Any], None] = _drop2
        """Called with the error for an undecodable Data payload (and None), or for a decoded message holding a
        shared-memory handle that cannot be taken (and that message); the connection stays open."""
        self.on_tick: Callable[[], None] = _noop
        """Called on every heartbeat tick (the RPC layer sweeps request deadlines there)."""
        self.on_closed: Callable[[SymphonyError | None], None] = _drop
        """Called once when the connection is gone: None after an orderly Close, else the reason."""

        self._token = token
        self._authenticate = authenticate
        self._codecs = tuple(codecs)
        # An unauthenticated peer may not make the accepting side buffer more than a handshake frame. The
        # connecting side reached a socket it trusts, and the welcome may share a read with the first messages.
        limit = MAX_HANDSHAKE_FRAME if role == "accept" else self.settings.max_frame_size
        self._decoder = FrameDecoder(max_frame_size=limit)
        self._rtransport: asyncio.BaseTransport | None = None
        self._wtransport: asyncio.WriteTransport | None = None
        self._loop = asyncio.get_running_loop()  # created inside the loop (protocol factory or coroutine)
        self._batch: list[bytes | memoryview] | None = None  # frames written while handling one read
        self._cork: list[bytes | memoryview] | None = None  # frames held until the end of this loop iteration
        self.write_paused = False
        """True while the peer is reading slower than we write (a plain attribute: senders test it per message)."""
        self._drain_waiter: asyncio.Future[None] | None = None
        self._read_pause_reasons: set[str] = set()
        self._rx_seen = True
        self._missed = 0
        self._timer: asyncio.TimerHandle | None = None
        self._close_reason: SymphonyError | None = None
        self._ping_seq = 0
        self._fast = False  # True exactly while OPEN: one attribute test on the hot paths
        self._limit = self.settings.max_frame_size
        self._encode: Callable[[Any], bytes] = _unopened
        self._encode_unchecked: Callable[[Any], bytes] = _unopened
        self._decode: Callable[[bytes | memoryview], Any] = _unopened
        self._decode_unchecked: Callable[[bytes | memoryview], Any] = _unopened
        s = self.settings
        self._hard_cap = max(s.write_buffer_max, s.write_buffer_high + s.max_frame_size + 6)
        # Encoded messages at least this large have their big bytes values moved to shared memory (§4.4).
        self._shm_from = s.shm_threshold if s.shm_threshold is not None else _NEVER
        self._small_from = min(_SMALL, self._shm_from, self._limit + 1)  # send_request: at or above, use send
        self._packed_envelopes = False  # msgpack: requests are written around pre-packed envelope bytes
        self._segments = SharedSegments()
        self._poll_fd = -1  # the non-blocking fd we may read directly while a reply is expected (POSIX only)
        self._write_fd = -1  # the non-blocking fd write_now may write directly (POSIX, with direct reads on)
        self._readable = bytearray(_NONE_READABLE)  # FIONREAD's answer
        self.answered_inline = False
        """Set by the RPC layer when it answered a request before ``on_message`` returned (a linger cue)."""
        self._reading_directly = False  # inside poll_reply or _linger: no nested direct reads
        self._linger_ns = self.settings.request_linger_us * 1000
        self.linger: Callable[[], None] = self._linger
        """Run after a request was answered inline; the RPC layer installs a loop that also answers inline."""
        self._linger_skip = 0  # lingers still to skip after misses
        self._linger_misses = 0  # misses in a row
        self._yield_first = False  # the last direct read found nothing before yielding once
        self._waits = 0
        self.opened: asyncio.Future[None] = self._loop.create_future()
        """Resolves when the handshake succeeds; fails with the reason if it does not."""
        self.closed: asyncio.Future[SymphonyError | None] = self._loop.create_future()
        """Resolves with the close reason (None for an orderly Close) when the connection is gone."""

    # -- asyncio.Protocol ---------------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """A duplex transport (socket, named pipe) is ready; stdio pairs come through ``attach_pipes`` instead."""
        # uvloop's transports do not subclass asyncio.Transport, so no isinstance check here.
        self.attach_pipes(transport, cast(asyncio.WriteTransport, transport))

    def attach_pipes(self, read_transport: asyncio.BaseTransport, write_transport: asyncio.WriteTransport) -> None:
        """Use a read transport and a write transport (the same one for duplex) as this connection."""
        self._rtransport = read_transport
        self._wtransport = write_transport
        self._start()

    def _start(self) -> None:
        wt = self._wtransport
        assert wt is not None
        wt.set_write_buffer_limits(high=self.settings.write_buffer_high, low=self.settings.write_buffer_low)
        if self.settings.reply_poll_us or self.settings.request_linger_us:
            self._poll_fd = _pollable_fd(self._rtransport)
            self._write_fd = _pollable_fd(wt)
        if self.role == "accept":
            uid = peer_uid(wt.get_extra_info("socket"))
            if uid is not None and hasattr(os, "getuid") and uid != os.getuid():
                self._refuse(AuthenticationError(f"IPC peer runs as uid {uid}, not as this user; refused"))
                return
        else:
            assert self._token is not None
            self._write_frame(_DATA, encode_hello(self._token.hex, codecs=self._codecs, name=self.name))
        self._timer = self._loop.call_later(self.settings.handshake_timeout, self._handshake_expired)

    def data_received(self, data: bytes) -> None:
        """Decode frames and dispatch them; frames written meanwhile leave in one batch at the end."""
        metrics = self.metrics
        size = len(data)
        metrics.bytes_in += size
        self._rx_seen = True
        decoder = self._decoder
        if self._fast and size > 6 and decoder.idle:
            # Hot path (one whole Data frame per read, as in sequential request/response): skip the general
            # decoder and the write batch. Anything unusual, including a bad header, takes the general path.
            version, frame_type, length = unpack_header(data, 0)
            if length == size - 6 and frame_type == _DATA and version == PROTOCOL_VERSION and length <= self._limit:
                metrics.messages_in += 1
                try:
                    obj = self._decode(data[6:] if size < _SMALL else memoryview(data)[6:])  # small: copy is cheaper
                except SymphonyError as exc:
                    self._unreadable(exc, None)
                    return
                if data.find(SHM_MARK) != -1:  # not `in`: bytes.__contains__ formats a TypeError first
                    obj = self._take_shared(obj)
                    if obj is _UNREADABLE:
                        return
                self.on_message(obj)
                if self.answered_inline:
                    self.answered_inline = False
                    if self._linger_ns and not self._reading_directly:
                        self.linger()
                return
        try:
            frames = decoder.feed(data)
        except ProtocolError as exc:
            self.log_dropped(exc)
            self._fail(exc)
            return
        if not frames:
            return
        batch: list[bytes | memoryview] = []
        self._batch = batch
        marked = data.find(SHM_MARK) != -1
        try:
            for frame_type, payload in frames:
                if frame_type == _DATA:
                    if self.state is State.OPEN:
                        metrics.messages_in += 1
                        codec = self.codec
                        assert codec is not None
                        try:
                            obj = codec.decode(payload)
                        except SymphonyError as exc:
                            self._unreadable(exc, None)
                            continue
                        # Views point into this chunk (searched once); a frame completed from earlier chunks is bytes.
                        if marked if isinstance(payload, memoryview) else payload.find(SHM_MARK) != -1:
                            obj = self._take_shared(obj)
                            if obj is _UNREADABLE:
                                continue
                        self.on_message(obj)
                    elif self.state is State.HANDSHAKE:
                        self._handshake(payload)
                elif frame_type == _CLOSE:
                    self._peer_closed(payload)
                    break
                elif self.state is State.HANDSHAKE:  # only the hello (Data) or Close may come first
                    self._fail(
                        ProtocolError(
                            f"IPC peer {self.label} sent a frame of type {frame_type} before the handshake",
                            data={"reason": "bad_handshake"},
                        )
                    )
                    break
                elif frame_type == _PING:
                    self._write_frame(_PONG, bytes(payload[:8]))
                if self.state is State.CLOSED:
                    break
        finally:
            self.answered_inline = False  # a cue for the single-frame path only
            self._flush_batch()

    def _take_shared(self, obj: Any) -> Any:
        """``obj`` with its shared-memory handles replaced by their bytes, or _UNREADABLE (already reported)."""
        try:
            return internalize(obj)
        except SymphonyError as exc:
            self._unreadable(exc, obj)
            return _UNREADABLE

    def _unreadable(self, exc: SymphonyError, obj: Any) -> None:
        self.metrics.errors += 1
        self.log_dropped(exc)
        self.on_bad_message(exc, obj)

    def eof_received(self) -> bool | None:
        """The peer shut its writing side: treat it as lost (a Close frame would have come first)."""
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        """The transport is gone; tell the layer above exactly once."""
        if self.state is State.CLOSED:
            return
        if self._close_reason is None and self.state is not State.CLOSING:
            detail = f": {exc}" if exc else ""
            self._close_reason = TransportError(f"IPC connection to {self.label} lost{detail}")
        self._finish()

    def pause_writing(self) -> None:
        """The write buffer passed its high-water mark: senders that await ``drain`` now wait."""
        self.write_paused = True

    def resume_writing(self) -> None:
        """The write buffer drained below its low-water mark."""
        self.write_paused = False
        waiter, self._drain_waiter = self._drain_waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # -- sending ------------------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        """True while messages can be sent."""
        return self.state is State.OPEN

    async def drain(self) -> None:
        """Wait until the write buffer is below its low-water mark (returns at once if it already is)."""
        while self.write_paused:
            if self.state is State.CLOSED:
                raise self.closed_error()
            if self._drain_waiter is None or self._drain_waiter.done():
                self._drain_waiter = self._loop.create_future()
            await asyncio.shield(self._drain_waiter)

    def send(self, obj: Any, *, cork: bool = False) -> None:
        """Encode and send one message; raises TransportError if closed, ProtocolError if it cannot be sent.

        ``cork`` holds the frame until the end of this event-loop iteration so that frames sent by many tasks
        in one iteration (pipelined requests) leave in one write; a lone message should not be corked.
        """
        if not self._fast:
            raise self.closed_error()
        try:
            payload = self._encode_unchecked(obj)
        except Exception:
            payload = self._encode(obj)  # raises the codec's ProtocolError
        size = len(payload)
        if size >= self._shm_from:
            shared, count = self._segments.externalize(obj, self._shm_from)
            if count:
                payload = self._encode(shared)
                size = len(payload)
        if size < _SMALL and self._batch is None and self._cork is None and not cork and not self.write_paused:
            # Hot path: one small frame written straight through (same bytes as _write_frame).
            metrics = self.metrics
            metrics.messages_out += 1
            metrics.bytes_out += size + 6
            wt = self._wtransport
            if wt is not None:
                self.write_now(wt, pack_header(PROTOCOL_VERSION, _DATA, size) + payload)
            return
        if size > self._limit:
            raise ProtocolError(
                f"IPC message of {len(payload)} bytes exceeds the frame limit of {self.settings.max_frame_size}",
                hint="Send large payloads through shared memory (core.ipc.shm) or raise ipc.max_frame_size.",
                data={"reason": "frame_too_large", "size": len(payload), "limit": self.settings.max_frame_size},
            )
        self.metrics.messages_out += 1
        if cork and self._cork is None and self._batch is None:
            self._cork = []
            self._loop.call_soon(self._flush_cork)
        self._write_frame(_DATA, payload)

    def send_request(self, msg_id: int, method: str, params: Any) -> None:
        """Send the request ``{jsonrpc, id, method, params?}`` at once (uncorked): the same bytes as ``send`` of
        that map, but with msgpack the envelope's fixed bytes are packed once and the map is never built.
        Anything unusual (another codec, a large or unencodable message, frames held back) takes ``send``."""
        wt = self._wtransport
        if (
            self._packed_envelopes
            and wt is not None
            and self._batch is None
            and self._cork is None
            and not _bulky(params, self._small_from)
        ):
            pack = self._encode_unchecked
            try:
                if params is None:
                    body = b"".join((_REQUEST_HEAD_BARE, pack(msg_id), _METHOD_KEY, pack(method)))
                else:
                    body = b"".join((_REQUEST_HEAD, pack(msg_id), _METHOD_KEY, pack(method), _PARAMS_KEY, pack(params)))
            except Exception:
                body = None  # send reports it
            if body is not None and len(body) < self._small_from and self._fast and not self.write_paused:
                size = len(body)
                metrics = self.metrics
                metrics.messages_out += 1
                metrics.bytes_out += size + 6
                self.write_now(wt, pack_header(PROTOCOL_VERSION, _DATA, size) + body)
                return
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": msg_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    def write_now(self, wt: asyncio.WriteTransport, data: bytes) -> None:
        """Write ``data`` (one or more whole frames) with ``os.write`` while the transport has nothing queued.

        Why: the transport's write would make the same one syscall, through more layers, on every small message.
        Order is kept (nothing is queued ahead of us); whatever the socket does not take right away, and every
        error, goes to the transport, which queues it, applies flow control, or meets the error itself.
        """
        fd = self._write_fd
        if fd >= 0 and not wt.get_write_buffer_size():
            try:
                sent = os.write(fd, data)
            except OSError:  # would block, or broken: the transport sees to it
                sent = 0
            if sent == len(data):
                return
            data = data[sent:]
        wt.write(data)

    @property
    def can_poll(self) -> bool:
        """True if ``poll_reply`` may read this connection directly (POSIX fd transport, polling enabled)."""
        return self._poll_fd >= 0

    def poll_reply(self, done: asyncio.Future[Any], budget_ns: int) -> bool:
        """Read the transport's fd directly until ``done`` resolves or ``budget_ns`` passes; True if it resolved.

        Why: a reply that arrives while the loop sleeps in epoll costs a cross-CPU wake-up, which on virtual
        machines whose idle vCPUs halt is several times the round trip itself. A caller that expects a quick
        reply polls instead, then finds ``done`` resolved without the loop ever sleeping. Bytes read here go
        through ``data_received`` exactly as if the transport had read them (it reads the same fd, so order is
        kept; it meets end-of-stream or errors itself later). Each round asks the kernel how much is readable
        (FIONREAD: cheaper than a failed read) and, if nothing is, yields the CPU so that a peer sharing our CPU
        answers at once instead of after the budget.
        """
        fd = self._poll_fd
        if fd < 0 or not self._fast or self._read_pause_reasons or self._reading_directly:
            return False
        self._reading_directly = True
        try:
            return self._poll(fd, done, budget_ns)
        finally:
            self._reading_directly = False

    def _poll(self, fd: int, done: asyncio.Future[Any], budget_ns: int) -> bool:
        deadline = _perf_ns() + budget_ns
        read = self._read_direct
        while True:
            obj = read(fd, deadline)
            if obj is _NOTHING:
                return False
            if obj is not _CONSUMED:
                self.on_message(obj)
                self.answered_inline = False  # a linger cue: we are reading directly already
            if done.done():
                return True
            if not self._fast or self._read_pause_reasons:
                return False

    def _read_direct(self, fd: int, deadline: int) -> Any:
        """Spin until ``fd`` has bytes and read them; the decoded message if they are exactly one whole Data frame.

        Returns _NOTHING at ``deadline``, at end-of-stream or on an error (left to the transport, which reads the
        same fd), and _CONSUMED when the bytes took the general path (``data_received``: partial or several
        frames, control frames, shared memory, a malformed payload; ``on_message``: a message the codec's
        ``decode_unchecked`` refuses). So a returned message is one ``decode_unchecked`` gave: with msgpack or JSON,
        every map key in it is a str and no value is bytes (callers skip those checks). Why one function: this is
        the whole per-message read path while polling or lingering, and each Python layer costs on both ends of a
        round trip.

        Each round asks the kernel how much is readable (FIONREAD: cheaper than a failed read) and, if nothing
        is, yields the CPU so that a peer sharing our CPU runs at once. When the peer was not running during our
        own write last time (it spins too, or sits on another CPU), the first ask would only find nothing: yield
        before it (re-checked every 16th wait).
        """
        readable = self._readable
        waits = self._waits = self._waits + 1
        yielded = self._yield_first and waits & 15
        data: bytes | None = None
        try:
            if yielded:
                # The peer had the CPU since our write and most likely answered: read at once (no FIONREAD).
                _sched_yield()
                try:  # noqa: SIM105 -- contextlib.suppress costs a Python frame per read
                    data = os.read(fd, _POLL_READ)
                except BlockingIOError:
                    pass
            if data is None:
                _ioctl(fd, _FIONREAD, readable)
                if readable == _NONE_READABLE:
                    if not yielded:
                        self._yield_first = True
                    while True:
                        if _perf_ns() >= deadline:
                            return _NOTHING
                        _sched_yield()
                        _ioctl(fd, _FIONREAD, readable)
                        if readable != _NONE_READABLE:
                            break
                elif not yielded:
                    self._yield_first = False
                size = int.from_bytes(readable, _BYTE_ORDER)  # read exactly that: no oversized buffer to shrink
                data = os.read(fd, size if size < _POLL_READ else _POLL_READ)
        except OSError:
            return _NOTHING
        if not data:
            return _NOTHING
        # The single-frame path of data_received, inline (same checks, same counters).
        size = len(data)
        if 6 < size < _SMALL and self._fast and self._decoder.idle and data.find(SHM_MARK) == -1:
            version, frame_type, length = unpack_header(data, 0)
            if length == size - 6 and frame_type == _DATA and version == PROTOCOL_VERSION and length <= self._limit:
                metrics = self.metrics
                metrics.bytes_in += size
                metrics.messages_in += 1
                self._rx_seen = True
                payload = data[6:]
                try:
                    return self._decode_unchecked(payload)
                except Exception:
                    try:
                        obj = self._decode(payload)  # the codec's own error, or a message the fast path refuses
                    except SymphonyError as exc:
                        self._unreadable(exc, None)
                        return _CONSUMED
                    self.on_message(obj)  # not returned: callers rely on what decode_unchecked guarantees
                    self.answered_inline = False  # a linger cue: we are reading directly already
                    return _CONSUMED
        self.data_received(data)
        return _CONSUMED

    def _linger(self) -> None:
        """After answering a request inline, read the fd directly for the next message for a while.

        Why: the same halted-vCPU wake-up that poll_reply avoids for replies also hits the side that answers:
        its next request would wake it from epoll on its own, halted CPU. A caller making sequential requests
        sends the next one within microseconds of our reply. Adaptive like reply polling: a linger that runs out
        of budget makes the next 2, 4, ... 1024 cues be ignored (reset by a hit). At most _LINGER_RUN messages
        are taken per linger before the event loop runs again (other tasks, timers, other connections).
        """
        if self._linger_skip:
            self._linger_skip -= 1
            return
        fd = self._poll_fd
        if fd < 0 or self._read_pause_reasons:
            return
        self._reading_directly = True
        budget = self._linger_ns
        taken = 0
        try:
            read = self._read_direct
            while self._fast and taken < _LINGER_RUN and not self._read_pause_reasons:
                obj = read(fd, _perf_ns() + budget)
                if obj is _NOTHING:
                    break
                taken += 1
                if obj is not _CONSUMED:
                    self.on_message(obj)
                    self.answered_inline = False
        finally:
            self._reading_directly = False
        if taken:
            self.metrics.lingered += taken
        if taken < _LINGER_RUN and self._fast:  # the budget ran out waiting
            self.metrics.linger_misses += 1
            if not taken:
                misses = self._linger_misses = min(self._linger_misses + 1, 10)
                self._linger_skip = 1 << misses
                return
        self._linger_misses = 0

    def _write_frame(self, frame_type: int, payload: bytes | memoryview) -> None:
        size = len(payload)
        self.metrics.bytes_out += size + 6
        header = pack_header(PROTOCOL_VERSION, frame_type, size)
        batch = self._cork if self._cork is not None else self._batch
        if batch is not None:
            if size < _SMALL:
                batch.append(header + payload)
            else:
                batch.append(header)
                batch.append(payload)
            return
        wt = self._wtransport
        if wt is None or wt.is_closing():
            return
        if size < _SMALL:
            wt.write(header + payload)
        else:
            wt.writelines((header, payload))
        self._check_backlog(wt)

    def _check_backlog(self, wt: asyncio.WriteTransport) -> None:
        """Disconnect a peer that lets more than the hard cap pile up unread (memory must stay bounded)."""
        if self.write_paused and wt.get_write_buffer_size() > self._hard_cap:
            self._fail(
                ProtocolError(
                    f"IPC peer {self.label} is not reading: {wt.get_write_buffer_size()} bytes are waiting for it",
                    hint="The other process is stuck or flooding requests without reading replies; disconnected.",
                    data={"reason": "peer_not_reading"},
                ),
                send_close=False,
            )

    # -- handshake ----------------------------------------------------------------------------------------

    def _handshake(self, payload: bytes | memoryview) -> None:
        try:
            if len(payload) > MAX_HANDSHAKE_FRAME:
                raise ProtocolError(
                    f"IPC handshake frame of {len(payload)} bytes exceeds {MAX_HANDSHAKE_FRAME}",
                    data={"reason": "bad_handshake"},
                )
            if self.role == "accept":
                assert self._authenticate is not None
                hello = check_hello(payload, self._authenticate, codecs=self._codecs)
                self.identity = hello.identity
                self.peer_name = hello.name
                self.label = f"{self.label} ({hello.identity})"
                self._write_frame(_DATA, encode_welcome(hello.codec))
                self._open(hello.codec)
            else:
                self._open(check_welcome(payload, offered=self._codecs))
        except SymphonyError as exc:
            if self.role == "accept":
                self._refuse(exc)
            else:
                self._fail(exc, send_close=False)

    def _open(self, codec_name: str) -> None:
        self.codec = codec = make_codec(codec_name)
        self._encode = codec.encode
        self._encode_unchecked = getattr(codec, "encode_unchecked", codec.encode)
        self._decode = codec.decode
        self._packed_envelopes = codec_name == "msgpack"
        self._decode_unchecked = getattr(codec, "decode_unchecked", codec.decode)
        self._decoder.max_frame_size = self.settings.max_frame_size
        self.state = State.OPEN
        self._fast = True
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self._loop.call_later(self.settings.heartbeat_interval, self._tick)
        if not self.opened.done():
            self.opened.set_result(None)

    def _refuse(self, exc: SymphonyError) -> None:
        """Tell an unauthenticated or incompatible peer why, then close."""
        self.metrics.errors += 1
        self.log_dropped(exc)
        self._write_frame(_DATA, encode_refusal(exc))
        self._fail(exc)

    def _handshake_expired(self) -> None:
        self._timer = None
        if self.state is State.HANDSHAKE:
            self._fail(
                TransportError(
                    f"IPC peer {self.label} did not complete the handshake within {self.settings.handshake_timeout} s",
                    hint="The peer is not a Symphony process or is stuck; it was disconnected.",
                )
            )

    # -- liveness -----------------------------------------------------------------------------------------

    def _tick(self) -> None:
        self._timer = None
        if self.state is not State.OPEN:
            return
        if self._rx_seen:
            self._missed = 0
        else:
            self._missed += 1
            if self._missed >= self.settings.missed_heartbeats:
                self._fail(
                    TransportError(
                        f"IPC peer {self.label} sent nothing for {self.settings.dead_after:g} s; presumed dead",
                        hint="The other process hung or died; it will be restarted if Symphony manages it.",
                    ),
                    send_close=False,
                )
                return
        self._rx_seen = False
        self._ping_seq += 1
        self._write_frame(_PING, self._ping_seq.to_bytes(8, "big"))
        self.on_tick()
        if self.state is State.OPEN:
            self._timer = self._loop.call_later(self.settings.heartbeat_interval, self._tick)

    # -- closing ------------------------------------------------------------------------------------------

    def close(self, reason: SymphonyError | None = None) -> None:
        """Orderly Close: send a Close frame (with ``reason`` if any), flush, then close the transport."""
        if self.state in (State.CLOSING, State.CLOSED):
            return
        payload = b"" if reason is None else json.dumps({"code": int(reason.code), "message": reason.message}).encode()
        self._write_frame(_CLOSE, payload)
        self._close_reason = reason
        self.state = State.CLOSING
        self._fast = False
        self._close_transports()

    def abort(self, reason: SymphonyError) -> None:
        """Drop the connection at once, without flushing."""
        self._fail(reason, send_close=False)

    def _fail(self, exc: SymphonyError, *, send_close: bool = True) -> None:
        if self.state is State.CLOSED:
            return
        if send_close and self.state is not State.CLOSING:
            self.close(exc)
        self._close_reason = exc
        if not self.opened.done():
            self.opened.set_exception(exc)
        if not send_close:
            for transport in {self._rtransport, self._wtransport}:
                if transport is not None and hasattr(transport, "abort"):
                    transport.abort()
        self._finish()

    def _peer_closed(self, payload: bytes | memoryview) -> None:
        reason: SymphonyError | None = None
        if len(payload):
            try:
                info = json.loads(bytes(payload))
                reason = SymphonyError.from_dict({"code": info["code"], "message": info["message"]})
            except (ValueError, KeyError, TypeError):
                reason = TransportError(f"IPC peer {self.label} closed the connection with an unreadable reason")
        if reason is not None and not self.opened.done():
            self.opened.set_exception(reason)
        self._close_reason = reason
        self.state = State.CLOSING
        self._fast = False
        self._close_transports()
        self._finish()

    def _flush_cork(self) -> None:
        cork, self._cork = self._cork, None
        wt = self._wtransport
        if cork and wt is not None and not wt.is_closing():
            wt.writelines(cork)
            self._check_backlog(wt)

    def _flush_batch(self) -> None:
        if self._cork is not None:
            self._flush_cork()
        batch, self._batch = self._batch, None
        wt = self._wtransport
        if batch and wt is not None and not wt.is_closing():
            if len(batch) == 1:
                wt.write(batch[0])
            else:
                wt.writelines(batch)
            self._check_backlog(wt)

    def _close_transports(self) -> None:
        self._flush_batch()
        for transport in {self._wtransport, self._rtransport}:
            if transport is not None and not transport.is_closing():
                transport.close()

    def _finish(self) -> None:
        if self.state is State.CLOSED:
            return
        self.state = State.CLOSED
        self._fast = False
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._close_transports()
        self._segments.release_unclaimed()  # §4.4: what the peer never took dies with the connection
        reason = self._close_reason
        if not self.opened.done():
            self.opened.set_exception(reason or self.closed_error())
            self.opened.exception()  # mark retrieved: nobody may be waiting for a failed handshake
        if self._drain_waiter is not None and not self._drain_waiter.done():
            self._drain_waiter.set_result(None)
        if not self.closed.done():
            self.closed.set_result(reason)
        self.on_closed(reason)

    def closed_error(self) -> TransportError:
        """The error for using this connection after it closed."""
        detail = f": {self._close_reason.message}" if self._close_reason else ""
        return TransportError(f"IPC connection to {self.label} is closed{detail}")

    # -- flow control for the layer above -----------------------------------------------------------------

    def pause_reading(self, reason: str) -> None:
        """Stop reading from the peer (its writes then back up) until every reason is lifted."""
        if not self._read_pause_reasons and self._rtransport is not None and self.state is not State.CLOSED:
            self._rtransport.pause_reading()  # type: ignore[attr-defined]
        self._read_pause_reasons.add(reason)

    def resume_reading(self, reason: str) -> None:
        """Lift one reason for not reading."""
        if reason not in self._read_pause_reasons:
            return
        self._read_pause_reasons.discard(reason)
        if not self._read_pause_reasons and self._rtransport is not None and self.state is not State.CLOSED:
            self._rtransport.resume_reading()  # type: ignore[attr-defined]

    def write_buffer_size(self) -> int:
        """Bytes queued in user space for the peer."""
        wt = self._wtransport
        return wt.get_write_buffer_size() if wt is not None else 0

    def log_dropped(self, exc: SymphonyError) -> None:
        """Log refused or malformed traffic with the peer it came from."""
        log.warning("IPC: dropped traffic from %s: %s [%s]", self.label, exc.message, exc.code.name)


def _drop(_: Any) -> None:
    pass


def _pollable_fd(transport: asyncio.BaseTransport | None) -> int:
    """The fd ``poll_reply`` may read directly: a non-blocking socket or pipe on POSIX, else -1."""
    if transport is None or sys.platform == "win32" or not hasattr(os, "sched_yield"):
        return -1
    handle = transport.get_extra_info("socket") or transport.get_extra_info("pipe")
    try:
        fd = int(handle.fileno())
        return fd if fd >= 0 and not os.get_blocking(fd) else -1  # a blocking read would hang the loop
    except (AttributeError, OSError, ValueError):
        return -1


def _drop2(_: Any, __: Any) -> None:
    pass


_UNREADABLE: Any = object()
_NOTHING: Any = object()  # _read_direct: no bytes before the deadline (or end-of-stream, or an error)
_CONSUMED: Any = object()  # _read_direct: the bytes went through data_received


def _noop() -> None:
    pass


_sched_yield: Callable[[], None] = getattr(os, "sched_yield", _noop)


def _unopened(_: Any) -> Any:
    raise TransportError("IPC connection is not open yet")


class PipeWriteProtocol(asyncio.Protocol):
    """The write half of a stdio pair: forwards flow control and loss to the connection."""

    def __init__(self, connection: FramedConnection) -> None:
        self._connection = connection

    def pause_writing(self) -> None:
        """Forward to the connection."""
        self._connection.pause_writing()

    def resume_writing(self) -> None:
        """Forward to the connection."""
        self._connection.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        """Forward to the connection."""
        self._connection.connection_lost(exc)


class PipeReadProtocol(asyncio.Protocol):
    """The read half of a stdio pair: forwards data and loss to the connection."""

    def __init__(self, connection: FramedConnection) -> None:
        self._connection = connection
        self.data_received = connection.data_received  # type: ignore[method-assign]

    def connection_lost(self, exc: Exception | None) -> None:
        """Forward to the connection."""
        self._connection.connection_lost(exc)
