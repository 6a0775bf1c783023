"""The symmetric JSON-RPC peer: either side makes requests, sends notifications and answers the other's.

Protocol methods (docs/ipc-protocol.md §4.3): ``$/cancel {id}`` cancels the handler task of a request,
``$/progress {id, value}`` carries progress or partial results of a request back to its caller.
Messages stay plain dicts on the hot path (shape-checked by core.ipc.shape); typed models are built on demand.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Final

from pydantic import BaseModel

from core.errors import (
    CancelledError,
    InternalError,
    InvalidRequestError,
    MethodNotFoundError,
    ProtocolError,
    RateLimitedError,
    SymphonyError,
    SymphonyTimeoutError,
    TransportError,
)
from core.ipc.connection import _CONSUMED, _LINGER_RUN, _NOTHING, _SMALL, FramedConnection
from core.ipc.frame import PROTOCOL_VERSION as _VERSION
from core.ipc.frame import FrameType, pack_header
from core.ipc.methods import Handler, MethodTable, RequestContext
from core.ipc.metrics import ConnectionMetrics
from core.ipc.security import TokenBucket
from core.ipc.shape import Kind, classify, str_keys
from core.types.messages import RequestId

log = logging.getLogger("symphony.ipc")

CANCEL: Final = "$/cancel"
PROGRESS: Final = "$/progress"

ProgressCallback = Callable[[Any], None]
Fallback = Callable[[Any, RequestContext], Awaitable[Any]]
"""``fallback(params, ctx)`` answers requests for methods missing from the table (the bus routes them on)."""
NotificationFallback = Callable[["RpcPeer", str, Any], None]

_perf_ns = time.perf_counter_ns
_PLAIN: Final = frozenset({dict, list, str, int, float, bool, type(None), bytes})
_REQUEST: Final = Kind.REQUEST
_NOTIFICATION: Final = Kind.NOTIFICATION
_DATA: Final = int(FrameType.DATA)
_RESULT_HEAD: Final = b"\x83\xa7jsonrpc\xa32.0\xa2id"
"""msgpack of ``{"jsonrpc": "2.0", "id": ...``: a map of 3, then the first key, its value and the second key."""
_RESULT_KEY: Final = b"\xa6result"
_RESULT_FIXED: Final = len(_RESULT_HEAD) + len(_RESULT_KEY)
_SYNC_RUN_MAX: Final = 8
"""Lone requests answered by inline polling before one must yield to the event loop (fairness, pipelining)."""
_POLL_METHODS: Final = 1024  # methods whose reply-poll history is kept (forgotten all at once beyond that)


class RpcPeer:
    """Requests, notifications, cancellation, progress and backpressure over one FramedConnection."""

    def __init__(
        self,
        connection: FramedConnection,
        methods: MethodTable | None = None,
        *,
        fallback: Fallback | None = None,
        notification_fallback: NotificationFallback | None = None,
    ) -> None:
        self.connection = connection
        self.methods = methods if methods is not None else MethodTable()
        """Handlers for the other side's requests and notifications."""
        self._request_handlers = self.methods.requests  # the live dicts: later registrations are seen
        self._plain_handlers = self.methods.plain_requests
        self.fallback = fallback
        self.notification_fallback = notification_fallback
        settings = connection.settings
        self._loop = asyncio.get_running_loop()  # created inside the loop (protocol factory or coroutine)
        self._next_id = 1
        # id -> (future, start ns, method, swept by the default deadline)
        self._pending: dict[int, tuple[asyncio.Future[Any], int, str, bool]] = {}
        self._progress: dict[int, ProgressCallback] = {}
        self._running: dict[RequestId, asyncio.Task[None]] = {}
        self._background: set[asyncio.Task[None]] = set()
        self._in_flight = 0
        self._max_in_flight = settings.max_in_flight
        self._slot_waiters: list[asyncio.Future[None]] = []
        self._max_handlers = settings.max_concurrent_handlers
        limit = settings.rate_limit
        self._bucket = TokenBucket(limit.rate, limit.burst) if limit is not None else None
        self._close_callbacks: list[Callable[[SymphonyError | None], None]] = []
        self._latency = connection.metrics.latency
        self._poll_ns = settings.reply_poll_us * 1000
        self._sync_run = 0  # requests in a row answered by polling, without the caller yielding to the loop
        self._poll_state: dict[str, list[int]] = {}  # method -> [requests left that skip polling, misses in a row]
        self._send = connection.send
        connection.on_message = self._on_message
        connection.on_bad_message = self._on_bad_message
        connection.on_tick = self._sweep_deadlines
        connection.on_closed = self._on_closed
        connection.linger = self._linger

    # -- public API ---------------------------------------------------------------------------------------

    @property
    def metrics(self) -> ConnectionMetrics:
        """Traffic counters and request latency of this connection."""
        return self.connection.metrics

    @property
    def is_open(self) -> bool:
        """True until the connection closes."""
        return self.connection.is_open

    @property
    def identity(self) -> str | None:
        """Whom the other side authenticated as (accepting side only)."""
        return self.connection.identity

    @property
    def closed(self) -> asyncio.Future[SymphonyError | None]:
        """Resolves with the close reason (None for an orderly Close)."""
        return self.connection.closed

    @property
    def in_flight(self) -> int:
        """Our requests awaiting a response."""
        return self._in_flight

    def add_close_callback(self, callback: Callable[[SymphonyError | None], None]) -> None:
        """Run ``callback(reason)`` once the connection is gone."""
        self._close_callbacks.append(callback)

    async def request(
        self,
        method: str,
        params: dict[str, Any] | list[Any] | None = None,
        *,
        timeout: float | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> Any:
        """Call ``method`` on the other side and return its result; raise its error as a SymphonyError.

        ``timeout`` defaults to settings.request_timeout (checked on each heartbeat tick); an explicit value is
        timed precisely, ``math.inf`` waits forever. On timeout or cancellation the other side gets ``$/cancel``.
        """
        if self._in_flight >= self._max_in_flight:
            await self._wait_for_slot()
        conn = self.connection
        if conn.write_paused:
            await conn.drain()
        msg_id = self._next_id
        self._next_id = msg_id + 1
        fut: asyncio.Future[Any] = self._loop.create_future()
        # Raises before anything is registered if closed or unsendable. With other requests in flight, frames
        # from all tasks woken in this loop iteration leave in one write; a lone request goes out at once.
        # The clock starts before the write: on one CPU the peer may run, answer and yield back inside it.
        started = _perf_ns()
        lone = not self._in_flight
        if lone:
            conn.send_request(msg_id, method, params)
        else:
            message: dict[str, Any] = {"jsonrpc": "2.0", "id": msg_id, "method": method}
            if params is not None:
                message["params"] = params
            conn.send(message, cork=True)
        self._in_flight += 1
        self._pending[msg_id] = (fut, started, method, timeout is None)
        if on_progress is not None:
            self._progress[msg_id] = on_progress
        if lone and self._poll_ns:
            if self._sync_run < _SYNC_RUN_MAX:
                # Poll right here: a reply caught now completes this call without an event-loop round.
                self._sync_run = self._sync_run + 1 if self._poll_for(method, fut, msg_id, started) else 0
            else:
                # Enough calls in a row finished without yielding: let the loop run what is ready first (other
                # tasks' requests then make this one not lone, so pipelines form), and poll after that.
                self._sync_run = 0
                self._loop.call_soon(self._poll_for, method, fut, msg_id, started)
        timer = None
        if timeout is not None and timeout != math.inf:
            timer = self._loop.call_later(timeout, self._expire, msg_id, timeout)
        try:
            if fut.done():  # answered while polling: awaiting a done future would still raise a StopIteration
                return fut.result()
            return await fut
        except asyncio.CancelledError:
            if fut.cancelled():
                self._cancel_remote(msg_id)
            raise
        finally:
            if timer is not None:
                timer.cancel()
            del self._pending[msg_id]
            if on_progress is not None:
                del self._progress[msg_id]
            self._in_flight -= 1
            if self._slot_waiters:
                self._wake_slot_waiter()

    def _poll_for(self, method: str, fut: asyncio.Future[Any], msg_id: int = -1, started: int = 0) -> bool:
        """Poll for the reply of a request that is still the only one in flight (settings.reply_poll_us), unless
        this method's replies keep arriving too late: each miss doubles how many of its requests skip polling
        (up to 1024), a hit resets. Called inline or as a loop callback (other requests may have gone out since).

        The reply to ``msg_id`` (a plain result) is recognised and completed right here, in this one frame: each
        Python layer between the socket and the future is paid on every round trip. Anything else read meanwhile
        takes the general path (``_on_message``, or the connection's ``data_received`` for unusual frames).
        """
        conn = self.connection
        fd = conn._poll_fd
        if self._in_flight != 1 or fut.done() or fd < 0:
            return False
        state = self._poll_state.get(method)
        if state is None:
            if len(self._poll_state) >= _POLL_METHODS:
                self._poll_state.clear()
            state = self._poll_state[method] = [0, 0]
        if state[0]:
            state[0] -= 1
            return False
        if not conn._fast or conn._read_pause_reasons or conn._reading_directly:
            return False
        conn._reading_directly = True
        hit = False
        try:
            deadline = _perf_ns() + self._poll_ns
            read = conn._read_direct
            while True:
                obj = read(fd, deadline)
                if obj is _NOTHING:
                    break
                if obj is not _CONSUMED:
                    if (
                        type(obj) is dict
                        and len(obj) == 3
                        and obj.get("id") == msg_id
                        and "result" in obj
                        and obj.get("jsonrpc") == "2.0"  # a str: _read_direct's messages hold no bytes
                        and type(obj["id"]) is int
                    ):
                        self._latency.record(_perf_ns() - started)
                        fut.set_result(obj["result"])
                        hit = True
                        break
                    self._on_message(obj)
                    conn.answered_inline = False  # a linger cue: we are reading directly already
                if fut.done():
                    hit = True
                    break
                if not conn._fast or conn._read_pause_reasons:
                    break
        finally:
            conn._reading_directly = False
        if hit:
            state[1] = 0
            conn.metrics.polled += 1
            return True
        misses = state[1] = min(state[1] + 1, 10)
        state[0] = 1 << misses
        conn.metrics.poll_misses += 1
        return False

    async def stream(
        self, method: str, params: dict[str, Any] | list[Any] | None = None, *, timeout: float | None = None
    ) -> AsyncIterator[Any]:
        """Yield each ``$/progress`` value of a request as it arrives, then its final result if not None."""
        queue: asyncio.Queue[tuple[bool, Any]] = asyncio.Queue()
        call = asyncio.ensure_future(
            self.request(method, params, timeout=timeout, on_progress=lambda v: queue.put_nowait((False, v)))
        )
        call.add_done_callback(lambda _: queue.put_nowait((True, None)))
        try:
            while True:
                done, value = await queue.get()
                if done:
                    result = call.result()
                    if result is not None:
                        yield result
                    return
                yield value
        finally:
            if not call.done():
                call.cancel()

    async def notify(self, method: str, params: dict[str, Any] | list[Any] | None = None) -> None:
        """Send a notification, waiting first while the other side reads slower than we write."""
        conn = self.connection
        if conn.write_paused:
            await conn.drain()
        self.notify_nowait(method, params)

    def notify_nowait(self, method: str, params: dict[str, Any] | list[Any] | None = None) -> None:
        """Send a notification from sync code; bounded only by the connection's hard write-buffer cap."""
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.connection.send(message)

    async def close(self, reason: SymphonyError | None = None) -> None:
        """Orderly Close: a Close frame, then wait until the connection is gone."""
        self.connection.close(reason)
        await asyncio.shield(self.connection.closed)

    # -- outgoing bookkeeping -----------------------------------------------------------------------------

    async def _wait_for_slot(self) -> None:
        while self._in_flight >= self._max_in_flight:
            if not self.is_open:
                raise self.connection.closed_error()
            waiter: asyncio.Future[None] = self._loop.create_future()
            self._slot_waiters.append(waiter)
            try:
                await waiter
            finally:
                if waiter in self._slot_waiters:
                    self._slot_waiters.remove(waiter)

    def _wake_slot_waiter(self) -> None:
        while self._slot_waiters:
            waiter = self._slot_waiters.pop(0)
            if not waiter.done():
                waiter.set_result(None)
                return

    def _expire(self, msg_id: int, timeout: float) -> None:
        entry = self._pending.get(msg_id)
        if entry is None or entry[0].done():
            return
        entry[0].set_exception(
            SymphonyTimeoutError(
                f"request {entry[2]!r} to {self.connection.label} got no response within {timeout:g} s",
                data={"method": entry[2], "timeout": timeout},
            )
        )
        self._cancel_remote(msg_id)

    def _sweep_deadlines(self) -> None:
        timeout = self.connection.settings.request_timeout
        if timeout is None or not self._pending:
            return
        cutoff = _perf_ns() - int(timeout * 1e9)
        for msg_id, (_fut, started, _method, swept) in list(self._pending.items()):
            if swept and started < cutoff:
                self._expire(msg_id, timeout)

    def _cancel_remote(self, msg_id: int) -> None:
        if self.is_open:
            with contextlib.suppress(SymphonyError):
                self.notify_nowait(CANCEL, {"id": msg_id})

    # -- incoming -----------------------------------------------------------------------------------------

    def _on_message(self, obj: Any) -> None:
        if type(obj) is dict:
            size = len(obj)
            if size == 3 and "result" in obj and obj.get("jsonrpc") == "2.0":
                # Hot path: {jsonrpc, id, result} answering one of our requests is a valid response whatever the
                # result; anything else (including an unknown id) goes through the full shape check below.
                entry = self._pending.get(obj.get("id"))  # type: ignore[arg-type]
                if entry is not None and type(obj["jsonrpc"]) is str:
                    fut = entry[0]
                    if not fut.done():
                        self._latency.record(_perf_ns() - entry[1])
                        fut.set_result(obj["result"])
                    return
            else:
                method = obj.get("method")
                fn = self._plain_handlers.get(method) if type(method) is str else None
                if fn is not None and size == 3 + ("params" in obj):
                    # Hot path: a request for a plain sync handler. The checks are classify()'s request branch:
                    # with the size test they pin the keys to exactly jsonrpc, id, method (and params).
                    msg_id = obj.get("id")
                    params = obj.get("params")
                    if (
                        (type(msg_id) is int or type(msg_id) is str)
                        and obj.get("jsonrpc") == "2.0"
                        and type(obj["jsonrpc"]) is str
                        and (params is None or type(params) is list or (type(params) is dict and str_keys(params)))
                    ):
                        self._call_plain(msg_id, method, fn, params)  # type: ignore[arg-type]
                        return
        try:
            kind = classify(obj)
        except InvalidRequestError as exc:
            self.metrics.errors += 1
            self.connection.log_dropped(exc)
            self._reply_error(exc.data.get("id"), exc)
            return
        if kind is _REQUEST:
            self._on_request(obj)
        elif kind is _NOTIFICATION:
            self._on_notification(obj)
        else:
            self._on_response(obj)

    def _on_bad_message(self, exc: SymphonyError, obj: Any) -> None:
        """An unreadable message: a request still gets its error reply, a response fails its caller."""
        msg_id = obj.get("id") if type(obj) is dict else None
        if type(msg_id) is not int and type(msg_id) is not str:
            if not (type(obj) is dict and "method" in obj):  # notifications get no reply
                self._reply_error(None, exc)
            return
        if "method" in obj:
            self._reply_error(msg_id, exc)
            return
        entry = self._pending.get(msg_id)  # type: ignore[arg-type]
        if entry is not None and not entry[0].done():
            entry[0].set_exception(exc)

    def _on_response(self, obj: dict[str, Any]) -> None:
        msg_id = obj["id"]
        entry = self._pending.get(msg_id)
        if entry is None:
            if msg_id is None:
                self.metrics.errors += 1
                log.warning("IPC: %s reported an error: %s", self.connection.label, obj.get("error"))
            else:
                log.debug("IPC: late or unknown response %r from %s dropped", msg_id, self.connection.label)
            return
        fut, started, _method, _swept = entry
        if fut.done():
            return
        self.metrics.latency.record(_perf_ns() - started)
        if "error" in obj:
            fut.set_exception(SymphonyError.from_dict(obj["error"]))
        else:
            fut.set_result(obj["result"])

    def _on_request(self, obj: dict[str, Any]) -> None:
        msg_id: RequestId = obj["id"]
        method: str = obj["method"]
        bucket = self._bucket
        if bucket is not None and not bucket.take():
            self.metrics.errors += 1
            self._reply_error(
                msg_id, RateLimitedError(f"too many requests from {self.connection.label}", data={"method": method})
            )
            return
        handler = self._request_handlers.get(method)
        if handler is None:
            if self.fallback is not None:
                self._start_handler(msg_id, method, None, obj.get("params"))
            else:
                self._reply_error(
                    msg_id, MethodNotFoundError(f"no handler for method {method!r}", data={"method": method})
                )
            return
        if handler.is_async:
            self._start_handler(msg_id, method, handler, obj.get("params"))
            return
        try:
            params = obj.get("params") if handler.params_model is None else handler.prepare(obj.get("params"))
            if handler.wants_context:
                result = handler.fn(params, RequestContext(self, msg_id, method))
            else:
                result = handler.fn(params)
        except SymphonyError as exc:
            self._reply_error(msg_id, exc)
        except Exception as exc:
            self._reply_error(msg_id, self._internal(method, exc))
        else:
            if type(result) in _PLAIN:
                try:
                    self.connection.send({"jsonrpc": "2.0", "id": msg_id, "result": result})
                    return
                except SymphonyError:
                    pass  # _reply below turns it into an error reply (or drops it if the connection closed)
            self._reply(msg_id, result)

    def _call_plain(self, msg_id: RequestId, method: str, fn: Callable[[Any], Any], params: Any) -> None:
        """Answer a request for a plain sync handler inline (the same replies as ``_on_request``)."""
        bucket = self._bucket
        if bucket is not None and not bucket.take():
            self._rate_limited(msg_id, method)
            return
        try:
            result = fn(params)
        except Exception as exc:
            self._handler_failed(msg_id, method, exc)
            return
        if self._answer(msg_id, result):
            self.connection.answered_inline = True

    def _rate_limited(self, msg_id: RequestId, method: str) -> None:
        self.metrics.errors += 1
        self._reply_error(
            msg_id, RateLimitedError(f"too many requests from {self.connection.label}", data={"method": method})
        )

    def _handler_failed(self, msg_id: RequestId, method: str, exc: Exception) -> None:
        self._reply_error(msg_id, exc if isinstance(exc, SymphonyError) else self._internal(method, exc))

    def _answer(self, msg_id: RequestId, result: Any) -> bool:
        """Reply with a sync handler's result; True if it went out as is (not as a model dump or an error)."""
        if type(result) in _PLAIN:
            try:
                self._send({"jsonrpc": "2.0", "id": msg_id, "result": result})
                return True
            except SymphonyError:
                pass  # _reply below turns it into an error reply (or drops it if the connection closed)
        self._reply(msg_id, result)
        return False

    def _linger(self) -> None:
        """The connection's linger (installed as ``connection.linger``): read the next requests directly and answer
        those for plain sync handlers in this one frame, bytes in to bytes out.

        Why: on a round trip each Python layer (frame check, message check, dispatch, reply, encode, write) is
        paid on both ends; fused here they cost about half. The checks are ``_on_message``'s plain-request
        branch and the write is ``FramedConnection.send``'s small-frame branch, so the bytes and counters are
        the same; anything else (other messages, rate-limited or failing requests, big or unusual replies)
        goes through the general path. Adaptive like ``FramedConnection._linger``.
        """
        conn = self.connection
        if conn._linger_skip:
            conn._linger_skip -= 1
            return
        fd = conn._poll_fd
        if fd < 0 or conn._read_pause_reasons:
            return
        conn._reading_directly = True
        budget = conn._linger_ns
        taken = 0
        read = conn._read_direct
        handlers = self._plain_handlers
        bucket = self._bucket
        metrics = conn.metrics
        encode = conn._encode_unchecked
        small = min(_SMALL, conn._shm_from)
        msgpack = conn.codec is not None and conn.codec.name == "msgpack"
        try:
            while conn._fast and taken < _LINGER_RUN and not conn._read_pause_reasons:
                obj = read(fd, _perf_ns() + budget)
                if obj is _NOTHING:
                    break
                taken += 1
                if obj is _CONSUMED:
                    continue
                method: Any = obj.get("method") if type(obj) is dict else None
                fn = handlers.get(method) if type(method) is str else None
                if fn is None or len(obj) != 3 + ("params" in obj):
                    self._on_message(obj)
                    conn.answered_inline = False
                    continue
                msg_id = obj.get("id")
                params = obj.get("params")
                if not (
                    (type(msg_id) is int or type(msg_id) is str)
                    and obj.get("jsonrpc") == "2.0"  # a str, and every key a str: what _read_direct returns
                    and (params is None or type(params) is list or type(params) is dict)
                ):
                    self._on_message(obj)
                    conn.answered_inline = False
                    continue
                if bucket is not None and not bucket.take():
                    self._rate_limited(msg_id, method)
                    continue
                try:
                    result = fn(params)
                except Exception as exc:
                    self._handler_failed(msg_id, method, exc)
                    continue
                if type(result) in _PLAIN:
                    try:
                        if msgpack:  # the envelope's fixed bytes are packed once (same bytes as the whole map)
                            packed_id = encode(msg_id)
                            packed_result = encode(result)
                            size = _RESULT_FIXED + len(packed_id) + len(packed_result)
                        else:
                            payload = encode({"jsonrpc": "2.0", "id": msg_id, "result": result})
                            size = len(payload)
                    except Exception:
                        size = small  # the general path reports it
                    wt = conn._wtransport
                    if (
                        size < small
                        and conn._fast
                        and conn._batch is None
                        and conn._cork is None
                        and not conn.write_paused
                        and wt is not None
                    ):
                        metrics.messages_out += 1
                        metrics.bytes_out += size + 6
                        header = pack_header(_VERSION, _DATA, size)
                        if msgpack:
                            frame = b"".join((header, _RESULT_HEAD, packed_id, _RESULT_KEY, packed_result))
                        else:
                            frame = header + payload
                        conn.write_now(wt, frame)
                        continue
                self._answer(msg_id, result)  # models, unencodable or large results: the general reply path
        finally:
            conn._reading_directly = False
        if taken:
            metrics.lingered += taken
        if taken < _LINGER_RUN and conn._fast:  # the budget ran out waiting
            metrics.linger_misses += 1
            if not taken:
                misses = conn._linger_misses = min(conn._linger_misses + 1, 10)
                conn._linger_skip = 1 << misses
                return
        conn._linger_misses = 0

    def _start_handler(self, msg_id: RequestId, method: str, handler: Handler | None, params: Any) -> None:
        if msg_id in self._running:
            self._reply_error(
                msg_id, InvalidRequestError(f"request id {msg_id!r} is already in use", data={"id": msg_id})
            )
            return
        task = self._loop.create_task(self._run_handler(msg_id, method, handler, params))
        self._running[msg_id] = task
        if len(self._running) >= self._max_handlers:
            self.connection.pause_reading("handlers")

    async def _run_handler(self, msg_id: RequestId, method: str, handler: Handler | None, raw_params: Any) -> None:
        try:
            if handler is None:
                assert self.fallback is not None
                result = await self.fallback(raw_params, RequestContext(self, msg_id, method))
            else:
                params = handler.prepare(raw_params)
                if handler.wants_context:
                    result = await handler.fn(params, RequestContext(self, msg_id, method))
                else:
                    result = await handler.fn(params)
        except asyncio.CancelledError:
            if self.is_open:
                self._reply_error(msg_id, CancelledError(f"request {method!r} was cancelled", data={"method": method}))
        except SymphonyError as exc:
            self._reply_error(msg_id, exc)
        except Exception as exc:
            self._reply_error(msg_id, self._internal(method, exc))
        else:
            if self.connection.write_paused:
                await self.connection.drain()
            self._reply(msg_id, result)
        finally:
            del self._running[msg_id]
            if len(self._running) < self._max_handlers:
                self.connection.resume_reading("handlers")

    def _on_notification(self, obj: dict[str, Any]) -> None:
        method: str = obj["method"]
        params = obj.get("params")
        if method in (CANCEL, PROGRESS):
            target = params.get("id") if isinstance(params, dict) else None
            if not isinstance(target, int | str):
                return
            if method == CANCEL:
                task = self._running.get(target)
                if task is not None:
                    task.cancel()
                return
            callback = self._progress.get(target) if isinstance(target, int) else None
            if callback is not None:
                try:
                    callback(params.get("value") if isinstance(params, dict) else None)
                except Exception:
                    log.exception("IPC: progress callback for request %r failed", target)
            return
        bucket = self._bucket
        if bucket is not None and not bucket.take():
            self.metrics.errors += 1
            log.warning("IPC: rate limit: dropped notification %r from %s", method, self.connection.label)
            return
        handler = self.methods.notification_handler(method)
        if handler is None:
            if self.notification_fallback is not None:
                self.notification_fallback(self, method, params)
            elif not method.startswith("$/"):
                log.debug("IPC: no handler for notification %r from %s", method, self.connection.label)
            return
        try:
            prepared = handler.prepare(params)
            args = (prepared, RequestContext(self, None, method)) if handler.wants_context else (prepared,)
            if handler.is_async:
                task = self._loop.create_task(self._run_notification(method, handler.fn(*args)))
                self._background.add(task)
                task.add_done_callback(self._background.discard)
            else:
                handler.fn(*args)
        except Exception as exc:
            self.metrics.errors += 1
            log.warning("IPC: notification %r from %s failed: %s", method, self.connection.label, exc)

    async def _run_notification(self, method: str, coro: Awaitable[Any]) -> None:
        try:
            await coro
        except asyncio.CancelledError:
            pass
        except Exception as exc:
            self.metrics.errors += 1
            log.warning("IPC: notification %r from %s failed: %s", method, self.connection.label, exc)

    # -- replies ------------------------------------------------------------------------------------------

    def _reply(self, msg_id: RequestId, result: Any) -> None:
        if type(result) not in _PLAIN and isinstance(result, BaseModel):
            result = result.model_dump(mode="json")
        try:
            self.connection.send({"jsonrpc": "2.0", "id": msg_id, "result": result})
        except TransportError:
            return
        except ProtocolError as exc:  # unencodable or too large: the caller still gets an answer
            self._reply_error(msg_id, exc)

    def _reply_error(self, msg_id: Any, exc: SymphonyError) -> None:
        with contextlib.suppress(SymphonyError):
            self.connection.send({"jsonrpc": "2.0", "id": msg_id, "error": exc.to_dict()})

    def _internal(self, method: str, exc: Exception) -> InternalError:
        self.metrics.errors += 1
        log.error("IPC: handler for %r failed", method, exc_info=exc)
        return InternalError(f"the handler for {method!r} failed: {type(exc).__name__}: {exc}", data={"method": method})

    # -- shutdown -----------------------------------------------------------------------------------------

    def _on_closed(self, reason: SymphonyError | None) -> None:
        error = self.connection.closed_error()
        for fut, _started, _method, _swept in self._pending.values():
            if not fut.done():
                fut.set_exception(error)
        for task in [*self._running.values(), *self._background]:
            task.cancel()
        for waiter in self._slot_waiters:
            if not waiter.done():
                waiter.set_result(None)
        for callback in self._close_callbacks:
            try:
                callback(reason)
            except Exception:
                log.exception("IPC: close callback failed")
