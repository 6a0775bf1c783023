"""pygls's protocol, made tolerant of servers whose answers do not match lsprotocol's types exactly, and cheap
for the one answer that arrives on every keystroke.

Real servers send slightly off-spec results (ruff's notebook selector, for one). pygls would log the
structuring error and drop the response, leaving the request to hang until its deadline. Here such a response
is delivered as :class:`UntypedResult` so the request settles at once: with a clear error, or, for
``initialize``, with every capability that could be typed (the rest are ignored).

Completion answers are not structured at all (:class:`RawResult`): typing hundreds of items into lsprotocol
classes cost ~5 ms per keystroke, while the popup shows ten of them; ``core.lsp.completion`` types items one by
one when they are shown, resolved or accepted. :func:`read_messages` replaces pygls's reader loop, which called
the structuring hook for every JSON object in a message (each item of a 500-item list) instead of once.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import json
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import attrs
import msgspec
from cattrs import Converter
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pygls.protocol import JsonRPCNotification, JsonRPCProtocol, JsonRPCResponseMessage, LanguageServerProtocol

log = logging.getLogger(__name__)

RAW_RESULT_METHODS = frozenset({lsp.TEXT_DOCUMENT_COMPLETION})
"""Requests whose results are handed over as JSON (see the module docstring)."""


@dataclass(frozen=True, slots=True)
class UntypedResult:
    """A response result that could not be structured into its lsprotocol type; ``value`` is the raw JSON."""

    value: Any


@dataclass(frozen=True, slots=True)
class RawResult:
    """A response result left as JSON because its method is in RAW_RESULT_METHODS."""

    value: Any


class TolerantProtocol(LanguageServerProtocol):
    """LanguageServerProtocol that hands over ill-typed responses raw instead of dropping them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._raw_ids: set[Any] = set()
        self._forgotten: collections.deque[Any] = collections.deque(maxlen=256)
        """Ids of requests given up on lately, whose answers may still arrive."""
        self._backlog: list[Any] | None = None
        """Messages sent while a big one is encoded in a thread; they follow it, in order, once it is written."""

    def _send_data(self, data: Any) -> None:
        if self._backlog is not None:
            self._backlog.append(data)  # a big message ahead of this one is still being encoded
            return
        super()._send_data(data)

    def notify_encoded_off_loop(self, method: str, build_params: Callable[[], Any]) -> None:
        """Send a notification whose JSON is big (didOpen of a 4 MB file: tens of ms of ``json.dumps``), building
        and encoding it in a worker thread so typing does not wait. Messages sent meanwhile keep their order."""

        def encode() -> bytes:
            message = JsonRPCNotification(method=method, params=build_params(), jsonrpc=JsonRPCProtocol.VERSION)
            body = json.dumps(message, default=self._serialize_message)  # ASCII (ensure_ascii): len is bytes
            return f"Content-Length: {len(body)}\r\n\r\n{body}".encode()

        if self._backlog is None:
            self._backlog = []
        future = asyncio.get_running_loop().run_in_executor(None, encode)
        self._backlog.append(future)
        future.add_done_callback(lambda _: self._flush_backlog())

    def _flush_backlog(self) -> None:
        """Write what is queued behind big messages, up to the first one still being encoded."""
        backlog = self._backlog
        while backlog:
            head = backlog[0]
            if isinstance(head, asyncio.Future):
                if not head.done():
                    return
                backlog.pop(0)
                if head.cancelled() or head.exception() is not None:
                    log.error("could not encode a message for the language server", exc_info=head.exception())
                elif self.writer is not None and not self.writer.is_closing():  # type: ignore[union-attr]
                    self.writer.write(head.result())
            else:
                backlog.pop(0)
                super()._send_data(head)
        self._backlog = None

    def send_request(self, method: str, params: Any | None = None, callback: Any = None, msg_id: Any = None) -> Any:
        """Send as pygls does, remembering requests whose answers stay JSON."""
        if method in RAW_RESULT_METHODS and msg_id is not None:
            self._raw_ids.add(msg_id)
        return super().send_request(method, params, callback, msg_id)

    def notify_json(self, method: str, params: dict[str, Any]) -> None:
        """Send a notification whose params are already JSON (didChange on every keystroke: building it from
        lsprotocol objects and unstructuring them again through cattrs cost more than the rest of the send)."""
        self._send_data({"jsonrpc": JsonRPCProtocol.VERSION, "method": method, "params": params})

    def send_request_json(self, method: str, params: dict[str, Any], msg_id: Any) -> concurrent.futures.Future[Any]:
        """:meth:`send_request` for params that are already JSON (see :meth:`notify_json`)."""
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        self._request_futures[msg_id] = future
        self._result_types[msg_id] = self.get_result_type(method)
        if method in RAW_RESULT_METHODS:
            self._raw_ids.add(msg_id)
        self._send_data({"jsonrpc": JsonRPCProtocol.VERSION, "id": msg_id, "method": method, "params": params})
        return future

    def forget(self, msg_id: Any) -> None:
        """Drop a request pygls is waiting for (cancelled, timed out, or its server died)."""
        # pygls keeps no public way to forget a request; without this a late answer would hit a settled future.
        self._request_futures.pop(msg_id, None)
        self._result_types.pop(msg_id, None)
        self._raw_ids.discard(msg_id)
        self._forgotten.append(msg_id)

    def _handle_response(self, msg_id: Any, result: Any | None = None, error: Any | None = None) -> None:
        if msg_id not in self._request_futures and msg_id in self._forgotten:
            return  # the late answer to a request we cancelled: expected, not worth pygls's warning on stderr
        super()._handle_response(msg_id, result, error)

    def structure_message(self, data: dict[str, Any]) -> Any:
        """Structure as pygls does; a response that fails to structure becomes an UntypedResult response.

        attrs validators are off while structuring: cattrs already enforces every field's type, and the
        validators' range checks doubled the cost of decoding a 500-item completion list (11 -> 5.5 ms), which
        is paid on every keystroke.
        """
        if "jsonrpc" not in data:
            return data  # a nested object (pygls's reader hook calls this for each): structured with its message
        msg_id = data.get("id")
        if msg_id is not None and msg_id in self._raw_ids and "method" not in data:
            self._raw_ids.discard(msg_id)
            if "error" not in data:
                self._result_types.pop(msg_id, None)
                return JsonRPCResponseMessage(id=msg_id, jsonrpc=data["jsonrpc"], result=RawResult(data.get("result")))
        try:
            with attrs.validators.disabled():
                return super().structure_message(data)
        except JsonRpcException:
            if "jsonrpc" in data and "id" in data and "method" not in data and "error" not in data:
                return JsonRPCResponseMessage(
                    id=data["id"], jsonrpc=data["jsonrpc"], result=UntypedResult(data.get("result"))
                )
            raise

    @property
    def converter(self) -> Converter:
        """The cattrs converter (to type results by hand)."""
        converter: Converter = self._converter
        return converter


_CONTENT_LENGTH = re.compile(rb"^Content-Length: (\d+)\r\n$", re.IGNORECASE)
_JSON = msgspec.json.Decoder()


def parse_json(body: bytes) -> Any:
    """A message body as ``json.loads`` reads it, through msgspec when it can (2-3x faster: a 500-item
    completion answer on every keystroke). What msgspec refuses (NaN, lone surrogates, another encoding than
    UTF-8) goes to ``json.loads``, so what is accepted, and every error, stays ``json``'s."""
    try:
        return _JSON.decode(body)
    except msgspec.DecodeError:
        return json.loads(body)


async def read_messages(
    stop_event: threading.Event, reader: asyncio.StreamReader, protocol: TolerantProtocol, logger: logging.Logger
) -> None:
    """Read LSP messages from ``reader`` and hand them to ``protocol`` until EOF or ``stop_event``.

    pygls's ``run_async`` with one difference: the JSON is parsed plainly and structured once per message, not
    through an ``object_hook`` called for every object in it.
    """
    content_length = 0
    while not stop_event.is_set():
        header = await reader.readline()
        if not header:
            break
        if not content_length:
            match = _CONTENT_LENGTH.fullmatch(header)
            if match:
                content_length = int(match.group(1))
        if content_length and not header.strip():
            body = await reader.readexactly(content_length)
            content_length = 0
            if not body:
                break
            try:
                data = parse_json(body)
                message = protocol.structure_message(data) if isinstance(data, dict) else data
                protocol.handle_message(message)
            except Exception:
                logger.exception("Unable to handle a message from the language server")


def salvage_initialize_result(raw: Any, converter: Converter) -> lsp.InitializeResult:
    """An InitializeResult keeping each capability that can be typed and dropping the ones that cannot."""
    payload = raw if isinstance(raw, dict) else {}
    capabilities = payload.get("capabilities") if isinstance(payload.get("capabilities"), dict) else {}
    kept: dict[str, Any] = {}
    for key, value in (capabilities or {}).items():
        try:
            converter.structure({key: value}, lsp.ServerCapabilities)
        except Exception:
            continue
        kept[key] = value
    server_info = payload.get("serverInfo")
    result = {"capabilities": kept}
    if isinstance(server_info, dict) and isinstance(server_info.get("name"), str):
        result["serverInfo"] = server_info
    return converter.structure(result, lsp.InitializeResult)


__all__ = [
    "RAW_RESULT_METHODS",
    "RawResult",
    "TolerantProtocol",
    "UntypedResult",
    "parse_json",
    "read_messages",
    "salvage_initialize_result",
]
