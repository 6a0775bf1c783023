"""The protocol v1 handshake (docs/ipc-protocol.md §3): the first Data frame each way, always UTF-8 JSON.

The connecting side sends a *hello* ``{"symphony": 1, "codecs": [...], "token": "<hex>", "name": "..."}``;
the accepting side answers a *welcome* ``{"symphony": 1, "codec": "<chosen>"}`` or ``{"error": {...}}``
followed by a Close frame. Nothing else is accepted before the welcome.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from core.errors import AuthenticationError, ProtocolError, SymphonyError, UnsupportedError
from core.ipc.codec import CODEC_NAMES
from core.ipc.frame import PROTOCOL_VERSION

MAX_HANDSHAKE_FRAME: Final = 4096
"""Handshake frames are tiny; an unauthenticated peer may not make us buffer more than this."""

Authenticator = Callable[[str], str | None]
"""Maps a presented token to the identity it was issued for, or None to refuse the connection."""


@dataclass(frozen=True, slots=True)
class Hello:
    """What an accepted connecting peer told us."""

    codec: str
    identity: str
    name: str


def _load(payload: bytes | memoryview, what: str) -> dict[str, Any]:
    try:
        obj = json.loads(bytes(payload))
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(
            f"the IPC {what} is not valid UTF-8 JSON: {exc}",
            hint="The peer does not speak Symphony IPC v1; see docs/ipc-protocol.md §3.",
            data={"reason": "bad_handshake"},
        ) from exc
    if not isinstance(obj, dict):
        raise ProtocolError(f"the IPC {what} must be a JSON object", data={"reason": "bad_handshake"})
    return obj


def encode_hello(token: str, *, codecs: Sequence[str] = CODEC_NAMES, name: str = "") -> bytes:
    """The connecting side's first payload."""
    return json.dumps({"symphony": PROTOCOL_VERSION, "codecs": list(codecs), "token": token, "name": name}).encode()


def check_hello(
    payload: bytes | memoryview, authenticate: Authenticator, *, codecs: Sequence[str] = CODEC_NAMES
) -> Hello:
    """Validate a hello; raises ProtocolError, UnsupportedError or AuthenticationError (the peer is then refused)."""
    obj = _load(payload, "hello")
    version = obj.get("symphony")
    if version != PROTOCOL_VERSION or type(version) is not int:
        raise ProtocolError(
            f"the peer speaks IPC protocol version {version!r}, this side speaks {PROTOCOL_VERSION}",
            hint="Upgrade the older of the two programs so both speak the same protocol version.",
            data={"reason": "bad_version", "version": version},
        )
    offered = obj.get("codecs")
    if not isinstance(offered, list) or not all(isinstance(c, str) for c in offered):
        raise ProtocolError("the hello's 'codecs' must be a list of codec names", data={"reason": "bad_handshake"})
    chosen = next((c for c in offered if c in codecs), None)
    if chosen is None:
        raise UnsupportedError(
            f"no common IPC codec: the peer offers {offered}, this side speaks {list(codecs)}",
            hint="Enable one of this side's codecs in the peer.",
            data={"offered": offered},
        )
    token = obj.get("token")
    name = obj.get("name", "")
    identity = authenticate(token) if isinstance(token, str) else None
    if identity is None:
        raise AuthenticationError("IPC peer presented a missing or wrong token; connection refused")
    return Hello(codec=chosen, identity=identity, name=name if isinstance(name, str) else "")


def encode_welcome(codec: str) -> bytes:
    """The accepting side's answer to a good hello."""
    return json.dumps({"symphony": PROTOCOL_VERSION, "codec": codec}).encode()


def encode_refusal(exc: SymphonyError) -> bytes:
    """The accepting side's answer to a bad hello (sent before a Close frame)."""
    return json.dumps({"symphony": PROTOCOL_VERSION, "error": exc.to_dict()}).encode()


def check_welcome(payload: bytes | memoryview, *, offered: Sequence[str] = CODEC_NAMES) -> str:
    """The codec chosen by the accepting side; raises the refusal it sent as the matching SymphonyError."""
    obj = _load(payload, "welcome")
    error = obj.get("error")
    if isinstance(error, dict):
        raise SymphonyError.from_dict(error)
    codec = obj.get("codec")
    if obj.get("symphony") != PROTOCOL_VERSION or codec not in offered or not isinstance(codec, str):
        raise ProtocolError(
            f"unexpected IPC welcome {obj!r}",
            hint="The peer does not speak Symphony IPC v1.",
            data={"reason": "bad_handshake"},
        )
    return codec
