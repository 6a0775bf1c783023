"""Who may talk over IPC and how fast: one-time tokens, constant-time checks, peer credentials, token buckets.

A token is 256 random bits handed to a spawned process out of band (an environment variable or an inherited
pipe fd, never argv, which other users can read in ``ps``). See docs/ipc-protocol.md §5.
"""

from __future__ import annotations

import hmac
import os
import secrets
import socket
import struct
import sys
import time
from collections.abc import Callable, Mapping, MutableMapping
from typing import Final

from core.errors import AuthenticationError

TOKEN_ENV: Final = "SYMPHONY_IPC_TOKEN"
"""Environment variable carrying the hex token to a spawned process."""
TOKEN_BYTES: Final = 32
TOKEN_HEX_LEN: Final = 2 * TOKEN_BYTES


class AuthToken:
    """A 256-bit one-time secret; its repr never shows the value (tokens must not reach logs)."""

    __slots__ = ("_hex",)

    def __init__(self, hex_value: str) -> None:
        if len(hex_value) != TOKEN_HEX_LEN or not all(c in "0123456789abcdef" for c in hex_value):
            raise AuthenticationError(
                f"an IPC token must be {TOKEN_HEX_LEN} lowercase hex digits (got {len(hex_value)} characters)",
                hint=f"Pass the token exactly as Symphony handed it over (${TOKEN_ENV} or the token fd).",
            )
        self._hex = hex_value

    @classmethod
    def generate(cls) -> AuthToken:
        """A fresh token from the OS CSPRNG."""
        return cls(secrets.token_hex(TOKEN_BYTES))

    @property
    def hex(self) -> str:
        """The value to hand to the child process."""
        return self._hex

    def matches(self, candidate: str) -> bool:
        """Constant-time comparison, so response timing leaks nothing about the token."""
        return hmac.compare_digest(self._hex.encode(), candidate.encode("utf-8", "replace"))

    def __repr__(self) -> str:
        return "AuthToken(<hidden>)"

    def child_env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """An environment for a child process carrying this token in ``$SYMPHONY_IPC_TOKEN``."""
        env = dict(os.environ if base is None else base)
        env[TOKEN_ENV] = self._hex
        return env

    @classmethod
    def from_env(cls, environ: MutableMapping[str, str] | None = None) -> AuthToken:
        """Take the token from ``$SYMPHONY_IPC_TOKEN`` and remove it, so grandchildren do not inherit it."""
        env = os.environ if environ is None else environ
        value = env.pop(TOKEN_ENV, "")
        if not value:
            raise AuthenticationError(
                f"no IPC token: ${TOKEN_ENV} is not set",
                hint="This process must be started by Symphony, which hands it a token.",
            )
        return cls(value)

    def write_to_pipe(self) -> int:
        """A pipe's read fd holding the token, for ``pass_fds`` to a child; the caller closes it after spawning."""
        read_fd, write_fd = os.pipe()
        try:
            os.write(write_fd, self._hex.encode())
        finally:
            os.close(write_fd)
        return read_fd

    @classmethod
    def from_fd(cls, fd: int) -> AuthToken:
        """Read the token from an inherited fd (see ``write_to_pipe``) and close the fd."""
        chunks: list[bytes] = []
        try:
            while sum(map(len, chunks)) <= TOKEN_HEX_LEN:
                chunk = os.read(fd, TOKEN_HEX_LEN + 1)
                if not chunk:
                    break
                chunks.append(chunk)
        except OSError as exc:
            raise AuthenticationError(f"cannot read the IPC token from fd {fd}: {exc}") from exc
        finally:
            os.close(fd)
        return cls(b"".join(chunks).decode("ascii", "replace").strip())


class TokenRegistry:
    """Outstanding one-time tokens, each bound to the identity (e.g. extension host id) it was issued for."""

    def __init__(self) -> None:
        self._tokens: dict[str, AuthToken] = {}

    def issue(self, identity: str) -> AuthToken:
        """A new token for ``identity``, replacing any unused one it had."""
        token = AuthToken.generate()
        self._tokens[identity] = token
        return token

    def revoke(self, identity: str) -> None:
        """Forget ``identity``'s token (e.g. its process failed to start)."""
        self._tokens.pop(identity, None)

    def redeem(self, candidate: str) -> str | None:
        """The identity owning ``candidate``, consuming the token; None if it matches none.

        Every outstanding token is compared, so timing does not reveal how many exist or which one was close.
        """
        found: str | None = None
        for identity, token in list(self._tokens.items()):
            if token.matches(candidate) and found is None:
                found = identity
        if found is not None:
            del self._tokens[found]
        return found

    def __len__(self) -> int:
        return len(self._tokens)


class TokenBucket:
    """Allows ``rate`` events per second on average and bursts of ``burst``; O(1) per check, no timers."""

    __slots__ = ("_clock", "_last", "_tokens", "burst", "rate")

    def __init__(self, rate: float, burst: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._last = clock()

    def take(self) -> bool:
        """Spend one token if available (refilling for the time elapsed since the last call)."""
        now = self._clock()
        tokens = self._tokens + (now - self._last) * self.rate
        self._last = now
        if tokens > self.burst:  # cheaper than min(float(burst), ...) on the per-request path
            tokens = float(self.burst)
        if tokens >= 1.0:
            self._tokens = tokens - 1.0
            return True
        self._tokens = tokens
        return False


def peer_uid(sock: socket.socket | None) -> int | None:
    """The uid of the process at the other end of a Unix socket (Linux SO_PEERCRED), None where unknown."""
    if sock is None or sys.platform != "linux":
        return None
    try:
        creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    except (OSError, AttributeError):
        return None
    _pid, uid, _gid = struct.unpack("3i", creds)
    return int(uid)
