"""Connection-level behaviour over real Unix sockets in one process (docs/ipc-protocol.md §2-§6)."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import struct
from collections.abc import AsyncIterator
from typing import Any

import msgpack
import pytest
from pydantic import BaseModel

from core.errors import (
    InvalidParamsError,
    InvalidRequestError,
    ParseError,
    ProtocolError,
    SymphonyError,
    TransportError,
)
from core.ipc.handshake import encode_hello
from core.ipc.methods import MethodTable, RequestContext
from core.ipc.peer import RpcPeer
from core.ipc.security import AuthToken
from core.ipc.settings import IpcSettings
from core.ipc.transport import UnixServer, connect_unix, serve_unix
from core.paths import runtime_dir

HEADER = struct.Struct(">BBI")
TOKEN = AuthToken.generate()


class Server:
    def __init__(self, server: UnixServer, peers: asyncio.Queue[RpcPeer], methods: MethodTable) -> None:
        self.server, self.peers, self.methods = server, peers, methods


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    methods = MethodTable()
    methods.add("t/echo", lambda params: params)
    peers: asyncio.Queue[RpcPeer] = asyncio.Queue()
    srv = await serve_unix(
        runtime_dir() / "c.sock",
        authenticate=lambda t: "client" if TOKEN.matches(t) else None,
        on_peer=peers.put_nowait,
        methods=methods,
        settings=IpcSettings(handshake_timeout=0.3, max_frame_size=64 * 1024),
    )
    yield Server(srv, peers, methods)
    await srv.close()


def raw_client() -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(5)
    sock.connect(str(runtime_dir() / "c.sock"))
    return sock


def send_frame(sock: socket.socket, frame_type: int, payload: bytes) -> None:
    sock.sendall(HEADER.pack(1, frame_type, len(payload)) + payload)


def read_frame(sock: socket.socket) -> tuple[int, bytes]:
    header = sock.recv(6, socket.MSG_WAITALL)
    if len(header) < 6:
        return -1, b""
    _, frame_type, size = HEADER.unpack(header)
    return frame_type, sock.recv(size, socket.MSG_WAITALL)


async def raw_authenticated_client() -> socket.socket:
    sock = raw_client()
    send_frame(sock, 0, encode_hello(TOKEN.hex, codecs=["msgpack"]))
    frame_type, welcome = await asyncio.to_thread(read_frame, sock)
    assert (frame_type, json.loads(welcome)) == (0, {"symphony": 1, "codec": "msgpack"})
    return sock


async def read_data(sock: socket.socket) -> Any:
    while True:
        frame_type, payload = await asyncio.to_thread(read_frame, sock)
        if frame_type == 0:
            return msgpack.unpackb(payload)
        if frame_type in (-1, 3):
            return ("closed", payload)


async def test_unauthenticated_connection_gets_a_refusal_and_is_closed(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    sock = raw_client()
    send_frame(sock, 0, encode_hello(AuthToken.generate().hex))
    frame_type, refusal = await asyncio.to_thread(read_frame, sock)
    assert frame_type == 0 and json.loads(refusal)["error"]["data"]["kind"] == "AUTHENTICATION"
    assert (await asyncio.to_thread(read_frame, sock))[0] == 3  # Close
    assert (await asyncio.to_thread(read_frame, sock))[0] == -1  # EOF
    assert server.peers.empty()
    assert "dropped traffic from unix:c.sock" in caplog.text


async def test_silent_connection_is_dropped_after_the_handshake_timeout(server: Server) -> None:
    sock = raw_client()
    frame_type, payload = await asyncio.to_thread(read_frame, sock)
    assert frame_type == 3 and b"did not complete the handshake" in payload


async def test_requests_before_the_handshake_are_never_dispatched(server: Server) -> None:
    calls: list[Any] = []
    server.methods.add("t/record", calls.append)
    sock = raw_client()
    send_frame(sock, 0, msgpack.packb({"jsonrpc": "2.0", "id": 1, "method": "t/record", "params": [1]}))
    frame_type, _ = await asyncio.to_thread(read_frame, sock)
    assert frame_type == 0  # a refusal (the payload was not a JSON hello)
    assert calls == []


async def test_oversized_handshake_frame_is_refused_before_it_is_buffered(server: Server) -> None:
    sock = raw_client()
    sock.sendall(HEADER.pack(1, 0, 1_000_000))  # header only: the server must not wait for a megabyte
    frame_type, payload = await asyncio.to_thread(read_frame, sock)
    assert frame_type == 3 and b"exceeds the limit of 4096" in payload


async def test_malformed_frame_after_auth_closes_the_connection_with_a_reason(server: Server) -> None:
    sock = await raw_authenticated_client()
    sock.sendall(b"\x07\x00\x00\x00\x00\x00")
    assert await read_data(sock) == ("closed", json.dumps({"code": 1006, "message": bad_version_message(7)}).encode())


def bad_version_message(version: int) -> str:
    return f"IPC frame has protocol version {version}, this side speaks version 1"


async def test_undecodable_payload_gets_a_parse_error_reply_and_the_connection_survives(server: Server) -> None:
    sock = await raw_authenticated_client()
    send_frame(sock, 0, b"\xc1")  # never valid msgpack
    reply = await read_data(sock)
    assert reply["id"] is None and reply["error"]["code"] == ParseError.code
    send_frame(sock, 0, msgpack.packb({"jsonrpc": "2.0", "id": 2, "method": "t/echo", "params": [5]}))
    assert await read_data(sock) == {"jsonrpc": "2.0", "id": 2, "result": [5]}


async def test_invalid_message_gets_an_invalid_request_reply_with_its_id(server: Server) -> None:
    sock = await raw_authenticated_client()
    send_frame(sock, 0, msgpack.packb({"jsonrpc": "2.0", "id": 9, "method": "t/echo", "params": 3}))
    reply = await read_data(sock)
    assert reply["id"] == 9 and reply["error"]["code"] == InvalidRequestError.code


@pytest.mark.parametrize(
    "message",
    [
        {"jsonrpc": "2.0", "id": 4, "method": "t/echo", "params": "text"},
        {"jsonrpc": "2.0", "id": True, "method": "t/echo", "params": []},
        {"jsonrpc": "2.0", "id": 4.5, "method": "t/echo"},
        {"jsonrpc": "1.0", "id": 4, "method": "t/echo"},
        {"jsonrpc": "2.0", "id": 4, "method": "t/echo", "params": [], "extra": 1},
        {"jsonrpc": "2.0", "method": "t/echo", "params": [], "extra": 1},
    ],
)
async def test_requests_for_inline_sync_handlers_are_shape_checked_like_any_other(
    server: Server, message: dict[Any, Any]
) -> None:
    # Plain sync handlers are answered on a fast path (core.ipc.peer._on_message); it must refuse what
    # classify() refuses (docs/ipc-protocol.md §4), never call the handler with a malformed request.
    sock = await raw_authenticated_client()
    send_frame(sock, 0, msgpack.packb(message))
    reply = await read_data(sock)
    assert reply["error"]["code"] == InvalidRequestError.code
    assert "result" not in reply


async def test_sync_handlers_added_after_the_connection_opened_are_answered(server: Server) -> None:
    client = await connect_unix(runtime_dir() / "c.sock", token=TOKEN)
    assert await client.request("t/echo", {"a": 1}) == {"a": 1}
    server.methods.add("t/late", lambda params: params["n"] + 1)
    assert await client.request("t/late", {"n": 1}) == 2


async def test_ping_is_answered_with_a_pong_carrying_the_same_payload(server: Server) -> None:
    sock = await raw_authenticated_client()
    send_frame(sock, 1, b"12345678")
    while True:
        frame_type, payload = await asyncio.to_thread(read_frame, sock)
        if frame_type == 2:
            assert payload == b"12345678"
            return


async def test_json_codec_carries_the_same_messages(server: Server) -> None:
    client = await connect_unix(runtime_dir() / "c.sock", token=TOKEN, codecs=["json"])
    assert client.connection.codec is not None and client.connection.codec.name == "json"
    assert await client.request("t/echo", {"a": [1, 2.5, None]}) == {"a": [1, 2.5, None]}


async def test_oversized_message_is_refused_locally_and_the_connection_stays_open(server: Server) -> None:
    client = await connect_unix(runtime_dir() / "c.sock", token=TOKEN, settings=IpcSettings(max_frame_size=64 * 1024))
    with pytest.raises(ProtocolError, match="exceeds the frame limit"):
        await client.request("t/echo", {"blob": b"x" * 70_000})
    assert await client.request("t/echo", [1]) == [1]


async def test_handler_errors_become_typed_replies(server: Server, caplog: pytest.LogCaptureFixture) -> None:
    class Params(BaseModel):
        count: int

    server.methods.add("t/typed", lambda params: params.count * 2, params=Params)
    server.methods.add("t/boom", lambda params: 1 / 0)
    client = await connect_unix(runtime_dir() / "c.sock", token=TOKEN)
    assert await client.request("t/typed", {"count": 21}) == 42
    with pytest.raises(InvalidParamsError, match="count"):
        await client.request("t/typed", {"count": "many"})
    with (
        caplog.at_level(logging.ERROR, logger="symphony.ipc"),
        pytest.raises(SymphonyError, match="ZeroDivision") as info,
    ):
        await client.request("t/boom")
    assert info.value.code == 1000
    assert "handler for 't/boom' failed" in caplog.text


async def test_model_results_are_sent_as_plain_data(server: Server) -> None:
    class Answer(BaseModel):
        value: int

    server.methods.add("t/model", lambda params: Answer(value=7))
    client = await connect_unix(runtime_dir() / "c.sock", token=TOKEN)
    assert await client.request("t/model") == {"value": 7}


async def test_in_flight_limit_makes_extra_requests_wait(server: Server) -> None:
    release = asyncio.Event()
    running = 0
    peak = 0

    @server.methods.method("t/hold")
    async def hold(params: Any) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await release.wait()
        running -= 1

    client = await connect_unix(runtime_dir() / "c.sock", token=TOKEN, settings=IpcSettings(max_in_flight=3))
    calls = [asyncio.ensure_future(client.request("t/hold")) for _ in range(8)]
    await asyncio.sleep(0.2)
    assert peak == 3
    release.set()
    await asyncio.gather(*calls)
    assert peak == 3


async def test_notifications_reach_sync_and_async_handlers(server: Server) -> None:
    seen: asyncio.Queue[Any] = asyncio.Queue()
    server.methods.add_notification("t/sync", lambda params: seen.put_nowait(("sync", params)))

    async def later(params: Any, ctx: RequestContext) -> None:
        await asyncio.sleep(0)
        seen.put_nowait(("async", params, ctx.request_id))

    server.methods.add_notification("t/async", later)
    client = await connect_unix(runtime_dir() / "c.sock", token=TOKEN)
    await client.notify("t/sync", [1])
    await client.notify("t/async", {"x": 2})
    await client.notify("t/nobody", None)  # ignored, no reply
    assert await asyncio.wait_for(seen.get(), 5) == ("sync", [1])
    assert await asyncio.wait_for(seen.get(), 5) == ("async", {"x": 2}, None)


async def test_server_can_call_the_client_back(server: Server) -> None:
    methods = MethodTable()
    methods.add("client/name", lambda params: "I am the client")
    await connect_unix(runtime_dir() / "c.sock", token=TOKEN, methods=methods)
    peer = await asyncio.wait_for(server.peers.get(), 5)
    assert peer.identity == "client"
    assert await peer.request("client/name") == "I am the client"


async def test_requests_after_close_fail_with_a_transport_error(server: Server) -> None:
    client = await connect_unix(runtime_dir() / "c.sock", token=TOKEN)
    await client.close()
    with pytest.raises(TransportError, match="is closed"):
        await client.request("t/echo", [1])


async def test_anything_but_a_hello_before_the_handshake_ends_the_connection(server: Server) -> None:
    sock = raw_client()
    send_frame(sock, 1, b"12345678")  # a Ping first
    frame_type, payload = await asyncio.to_thread(read_frame, sock)
    assert frame_type == 3 and b"before the handshake" in payload
    assert server.peers.empty()
