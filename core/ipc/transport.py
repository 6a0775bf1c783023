"""Transports behind one interface: each function yields an RpcPeer whose handshake has completed.

Unix domain sockets (Linux, macOS) live in the per-user 0700 runtime dir with mode 0600; stale socket files from
a crashed run are removed only after proving nobody listens. Stdio pipes serve processes spawned with pipes.
Windows named pipes use the Proactor loop's pipe server (see docs/ipc-protocol.md §7). uvloop is used when
installed (``new_event_loop``), as an optional accelerator.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import socket
import stat
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any, Final

from core.errors import PermissionDeniedError, TransportError
from core.ipc.codec import CODEC_NAMES
from core.ipc.connection import FramedConnection, PipeReadProtocol, PipeWriteProtocol, Role
from core.ipc.handshake import Authenticator
from core.ipc.methods import MethodTable
from core.ipc.peer import Fallback, NotificationFallback, RpcPeer
from core.ipc.security import AuthToken
from core.ipc.settings import IpcSettings

SOCKET_MODE: Final = 0o600
_MAX_UNIX_PATH: Final = 104  # sun_path is 108 bytes on Linux, 104 on macOS; use the smaller
PeerFactory = Callable[[FramedConnection], RpcPeer]


def new_event_loop() -> asyncio.AbstractEventLoop:
    """An event loop for IPC-heavy processes: uvloop where installed on POSIX, else the standard loop."""
    if sys.platform != "win32":
        try:
            import uvloop  # type: ignore[import-not-found, unused-ignore]
        except ImportError:
            pass
        else:
            loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
            return loop
    return asyncio.new_event_loop()


def _peer_factory(
    methods: MethodTable | None, fallback: Fallback | None, notification_fallback: NotificationFallback | None
) -> PeerFactory:
    def make(connection: FramedConnection) -> RpcPeer:
        return RpcPeer(connection, methods, fallback=fallback, notification_fallback=notification_fallback)

    return make


# -- Unix domain sockets ------------------------------------------------------------------------------------


def prepare_socket_path(path: Path) -> None:
    """Make ``path`` bindable: its directory private to us, any stale socket from a crashed run removed.

    Refuses (PermissionDeniedError / TransportError) rather than deleting anything that is not our dead socket.
    """
    size = len(os.fsencode(path))
    if size >= _MAX_UNIX_PATH:
        raise TransportError(
            f"socket path {path} is too long for a Unix socket ({size} bytes, limit {_MAX_UNIX_PATH})",
            hint="Set SYMPHONY_RUNTIME_DIR to a shorter directory.",
            data={"path": str(path)},
        )
    directory = path.parent
    info = directory.stat()
    if hasattr(os, "getuid") and (info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077):
        raise PermissionDeniedError(
            f"socket directory {directory} must belong to you with mode 0700 (it has {stat.S_IMODE(info.st_mode):o})",
            hint="Use core.paths.runtime_dir(), or chmod 700 the directory.",
            data={"path": str(directory)},
        )
    try:
        existing = path.lstat()
    except FileNotFoundError:
        return
    if not stat.S_ISSOCK(existing.st_mode):
        raise TransportError(
            f"{path} exists and is not a socket; refusing to replace it",
            hint="Remove the file yourself if it is not needed, or choose another socket name.",
            data={"path": str(path)},
        )
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)  # type: ignore[attr-defined, unused-ignore]
    try:
        probe.connect(str(path))
    except OSError as exc:
        if exc.errno not in (errno.ECONNREFUSED, errno.ENOENT):
            raise TransportError(f"cannot probe existing socket {path}: {exc}", data={"path": str(path)}) from exc
        with contextlib.suppress(FileNotFoundError):
            path.unlink()  # nobody listens: a leftover of a crashed run
    else:
        raise TransportError(
            f"another process is already listening on {path}",
            hint="Another Symphony instance may be running; stop it or use a different runtime dir.",
            data={"path": str(path)},
        )
    finally:
        probe.close()


class UnixServer:
    """A listening socket whose accepted connections become authenticated RpcPeers."""

    def __init__(self, server: asyncio.AbstractServer, path: Path) -> None:
        self._server = server
        self.path = path

    async def close(self) -> None:
        """Stop listening and remove the socket file (connections already accepted stay open)."""
        self._server.close()
        await self._server.wait_closed()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    async def __aenter__(self) -> UnixServer:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


async def serve_unix(
    path: Path,
    *,
    authenticate: Authenticator,
    on_peer: Callable[[RpcPeer], Any],
    methods: MethodTable | None = None,
    settings: IpcSettings | None = None,
    codecs: Sequence[str] = CODEC_NAMES,
    fallback: Fallback | None = None,
    notification_fallback: NotificationFallback | None = None,
    on_accept: Callable[[RpcPeer], Any] | None = None,
) -> UnixServer:
    """Listen on ``path``; call ``on_peer(peer)`` for each connection once it has authenticated.

    ``on_accept(peer)``, if given, runs as soon as a connection arrives, before its handshake.
    """
    prepare_socket_path(path)
    loop = asyncio.get_running_loop()
    make_peer = _peer_factory(methods, fallback, notification_fallback)
    accepted = 0

    def protocol() -> FramedConnection:
        nonlocal accepted
        accepted += 1
        connection = FramedConnection(
            "accept", settings=settings, authenticate=authenticate, codecs=codecs, label=f"unix:{path.name}#{accepted}"
        )
        peer = make_peer(connection)
        if on_accept is not None:
            on_accept(peer)
        connection.opened.add_done_callback(lambda fut: None if fut.exception() else on_peer(peer))
        return connection

    server = await loop.create_unix_server(protocol, str(path))
    os.chmod(path, SOCKET_MODE)  # the 0700 directory already keeps others out; this is belt and braces
    return UnixServer(server, path)


async def connect_unix(
    path: Path,
    *,
    token: AuthToken,
    methods: MethodTable | None = None,
    settings: IpcSettings | None = None,
    codecs: Sequence[str] = CODEC_NAMES,
    name: str = "",
) -> RpcPeer:
    """Connect to a Symphony socket and complete the handshake; raises TransportError or the refusal."""
    loop = asyncio.get_running_loop()
    connection = FramedConnection(
        "connect", settings=settings, token=token, codecs=codecs, name=name, label=f"unix:{path.name}"
    )
    peer = RpcPeer(connection, methods)
    try:
        await loop.create_unix_connection(lambda: connection, str(path))
    except OSError as exc:
        raise TransportError(
            f"cannot connect to IPC socket {path}: {exc.strerror or exc}",
            hint="Check that Symphony is running and SYMPHONY_RUNTIME_DIR points where it listens.",
            data={"path": str(path)},
        ) from exc
    await connection.opened
    return peer


# -- stdio pipes --------------------------------------------------------------------------------------------


async def connect_pipes(
    reader: IO[bytes],
    writer: IO[bytes],
    *,
    role: Role,
    token: AuthToken | None = None,
    authenticate: Authenticator | None = None,
    methods: MethodTable | None = None,
    settings: IpcSettings | None = None,
    codecs: Sequence[str] = CODEC_NAMES,
    name: str = "",
    label: str = "stdio",
) -> RpcPeer:
    """A peer over a pair of pipes (a child's stdout/stdin in the parent, or fd 0/1 in the child)."""
    loop = asyncio.get_running_loop()
    connection = FramedConnection(
        role, settings=settings, token=token, authenticate=authenticate, codecs=codecs, name=name, label=label
    )
    peer = RpcPeer(connection, methods)
    read_transport, _ = await loop.connect_read_pipe(lambda: PipeReadProtocol(connection), reader)
    write_transport, _ = await loop.connect_write_pipe(lambda: PipeWriteProtocol(connection), writer)
    connection.attach_pipes(read_transport, write_transport)
    await connection.opened
    return peer


def take_stdio() -> tuple[IO[bytes], IO[bytes]]:
    """In a process spawned with pipes: claim fds 0/1 for IPC and point stdin at /dev/null, stdout at stderr.

    A stray ``print`` would otherwise corrupt the frame stream.
    """
    reader = os.fdopen(os.dup(0), "rb", buffering=0)
    writer = os.fdopen(os.dup(1), "wb", buffering=0)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    return reader, writer


# -- Windows named pipes ------------------------------------------------------------------------------------


def named_pipe_address(name: str) -> str:
    """A per-user pipe name, e.g. ``\\\\.\\pipe\\symphony-alice-core``."""
    user = os.environ.get("USERNAME") or os.environ.get("USER") or "user"
    return rf"\\.\pipe\symphony-{user}-{name}"


if sys.platform == "win32":

    async def serve_named_pipe(
        address: str,
        *,
        authenticate: Authenticator,
        on_peer: Callable[[RpcPeer], Any],
        methods: MethodTable | None = None,
        settings: IpcSettings | None = None,
        codecs: Sequence[str] = CODEC_NAMES,
        fallback: Fallback | None = None,
        notification_fallback: NotificationFallback | None = None,
    ) -> Any:
        """Serve a named pipe (Proactor loop only); same contract as ``serve_unix``. Returns the pipe servers."""
        loop = asyncio.get_running_loop()
        if not isinstance(loop, asyncio.ProactorEventLoop):
            raise TransportError(
                "named pipes need the Proactor event loop", hint="Use asyncio's default loop on Windows."
            )
        make_peer = _peer_factory(methods, fallback, notification_fallback)

        def protocol() -> FramedConnection:
            connection = FramedConnection(
                "accept", settings=settings, authenticate=authenticate, codecs=codecs, label=f"pipe:{address}"
            )
            peer = make_peer(connection)
            connection.opened.add_done_callback(lambda fut: None if fut.exception() else on_peer(peer))
            return connection

        from core.ipc.winpipe import serve_owner_only_pipe

        return await serve_owner_only_pipe(loop, protocol, address)  # only this user's processes can connect

    async def connect_named_pipe(
        address: str,
        *,
        token: AuthToken,
        methods: MethodTable | None = None,
        settings: IpcSettings | None = None,
        codecs: Sequence[str] = CODEC_NAMES,
        name: str = "",
    ) -> RpcPeer:
        """Connect to a named pipe and complete the handshake; same contract as ``connect_unix``."""
        loop = asyncio.get_running_loop()
        if not isinstance(loop, asyncio.ProactorEventLoop):
            raise TransportError(
                "named pipes need the Proactor event loop", hint="Use asyncio's default loop on Windows."
            )
        connection = FramedConnection(
            "connect", settings=settings, token=token, codecs=codecs, name=name, label=f"pipe:{address}"
        )
        peer = RpcPeer(connection, methods)
        try:
            await loop.create_pipe_connection(lambda: connection, address)  # type: ignore[arg-type, return-value]
        except OSError as exc:
            raise TransportError(f"cannot connect to IPC pipe {address}: {exc}", data={"path": address}) from exc
        await connection.opened
        return peer
