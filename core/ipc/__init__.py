"""IPC protocol v1 (docs/ipc-protocol.md): frames, codecs, handshake, transports, RPC peer, bus, shared memory.

Typical use in core: ``bus = Bus(); await bus.serve(runtime_dir() / "core.sock")``; hand
``bus.issue_token(host_id).child_env()`` to the spawned process, which calls ``connect_unix(path, token=...)``.
"""

from core.ipc.bus import Bus, Connection, ConnectionEvent
from core.ipc.codec import CODEC_NAMES, Codec, JsonCodec, MsgpackCodec, make_codec
from core.ipc.connection import FramedConnection
from core.ipc.frame import DEFAULT_MAX_FRAME_SIZE, PROTOCOL_VERSION, FrameDecoder, FrameType, encode_frame
from core.ipc.methods import MethodTable, RequestContext
from core.ipc.metrics import ConnectionMetrics, LatencyHistogram, format_stats
from core.ipc.peer import RpcPeer
from core.ipc.security import TOKEN_ENV, AuthToken, TokenBucket, TokenRegistry
from core.ipc.settings import IpcSettings, RateLimit
from core.ipc.shm import SHM_THRESHOLD, SharedSegments, receive_shared, share_bytes
from core.ipc.transport import (
    UnixServer,
    connect_pipes,
    connect_unix,
    named_pipe_address,
    new_event_loop,
    serve_unix,
    take_stdio,
)

__all__ = [
    "CODEC_NAMES",
    "DEFAULT_MAX_FRAME_SIZE",
    "PROTOCOL_VERSION",
    "SHM_THRESHOLD",
    "TOKEN_ENV",
    "AuthToken",
    "Bus",
    "Codec",
    "Connection",
    "ConnectionEvent",
    "ConnectionMetrics",
    "FrameDecoder",
    "FrameType",
    "FramedConnection",
    "IpcSettings",
    "JsonCodec",
    "LatencyHistogram",
    "MethodTable",
    "MsgpackCodec",
    "RateLimit",
    "RequestContext",
    "RpcPeer",
    "SharedSegments",
    "TokenBucket",
    "TokenRegistry",
    "UnixServer",
    "connect_pipes",
    "connect_unix",
    "encode_frame",
    "format_stats",
    "make_codec",
    "named_pipe_address",
    "new_event_loop",
    "receive_shared",
    "serve_unix",
    "share_bytes",
    "take_stdio",
]
