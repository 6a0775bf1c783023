"""Socket files: private directory, 0600 sockets, stale sockets cleaned only when provably dead."""

from __future__ import annotations

import os
import socket
import stat
import sys
from pathlib import Path

import pytest

from core.errors import PermissionDeniedError, TransportError
from core.ipc.transport import named_pipe_address, prepare_socket_path, serve_unix
from core.paths import runtime_dir

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="Unix sockets")


async def test_listening_socket_has_mode_0600_in_a_0700_dir() -> None:
    path = runtime_dir() / "m.sock"
    server = await serve_unix(path, authenticate=lambda t: None, on_peer=lambda p: None)
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    finally:
        await server.close()
    assert not path.exists()


def test_stale_socket_from_a_crashed_run_is_removed() -> None:
    path = runtime_dir() / "stale.sock"
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(path))
    dead.close()  # bound but never listening: what a crashed process leaves
    prepare_socket_path(path)
    assert not path.exists()


def test_live_socket_is_never_removed() -> None:
    path = runtime_dir() / "live.sock"
    live = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    live.bind(str(path))
    live.listen()
    try:
        with pytest.raises(TransportError, match="already listening"):
            prepare_socket_path(path)
        assert path.exists()
    finally:
        live.close()


def test_regular_file_in_the_way_is_left_alone() -> None:
    path = runtime_dir() / "notes.sock"
    path.write_text("keep me")
    with pytest.raises(TransportError, match="not a socket"):
        prepare_socket_path(path)
    assert path.read_text() == "keep me"


def test_group_readable_directory_is_refused(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    with pytest.raises(PermissionDeniedError, match="mode 0700"):
        prepare_socket_path(shared / "s.sock")


def test_overlong_socket_path_says_how_to_shorten_it() -> None:
    with pytest.raises(TransportError, match="too long") as info:
        prepare_socket_path(runtime_dir() / ("x" * 120))
    assert "SYMPHONY_RUNTIME_DIR" in info.value.hint


def test_named_pipe_names_are_per_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USERNAME", "alice")
    assert named_pipe_address("core") == r"\\.\pipe\symphony-alice-core"
