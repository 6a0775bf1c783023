"""Message codecs behind one interface: msgpack (default, compact and fast) and JSON (readable, for debugging).

The codec is chosen in the handshake (docs/ipc-protocol.md, section 3). Decoding never lets a library exception
escape: anything undecodable becomes a ParseError (JSON-RPC -32700).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Final, Protocol, Union

import msgpack  # type: ignore[import-untyped]
import msgspec

from core.errors import ParseError, ProtocolError, UnsupportedError


class Codec(Protocol):
    """Turns a message (maps, lists, str, int, float, bool, None; bytes for msgpack) into a payload and back."""

    @property
    def name(self) -> str:
        """The codec's handshake name."""
        ...

    def encode(self, obj: Any) -> bytes:
        """Serialise ``obj``; raises ProtocolError for values the codec cannot carry."""
        ...

    def decode(self, data: bytes | memoryview) -> Any:
        """Parse a payload; raises ParseError for anything malformed."""
        ...


def _refuse_ext(code: int, data: bytes) -> Any:
    raise ValueError(f"msgpack extension type {code} is not part of the Symphony protocol")


def _plain_type(depth: int) -> Any:
    """The type of a value nested at most ``depth`` containers deep whose maps have str keys and which holds no
    bytes, extension types or timestamps: what msgspec may decode on the fast path (see MsgpackCodec)."""
    scalars: Any = Union[None, bool, int, float, str]  # noqa: UP007 -- a runtime type expression for msgspec
    value = scalars
    for _ in range(depth):  # built at run time, so mypy cannot follow it
        inner: Any = value
        value = Union[None, bool, int, float, str, list[inner], dict[str, inner]]  # noqa: UP007
    return value


PLAIN_DEPTH: Final = 8
"""Containers nested deeper than this are decoded by msgpack-python (slower, same result)."""
_plain_decoder: Final = msgspec.msgpack.Decoder(_plain_type(PLAIN_DEPTH))


class MsgpackCodec:
    """The default codec. Maps must have string keys; extension types are refused.

    Encoding is msgpack-python's. Decoding goes first through msgspec, several times faster per message, typed
    so that it accepts only values msgpack-python decodes identically (no bytes, no extension or timestamp types,
    str keys, at most PLAIN_DEPTH containers deep); whatever it refuses is decoded by msgpack-python, so what is
    accepted, and every error, stays msgpack-python's (hypothesis tests in tests/core/ipc/test_codec.py).
    """

    name: Final = "msgpack"

    def __init__(self) -> None:
        self._packer = msgpack.Packer(use_bin_type=True, autoreset=True)
        self.encode_unchecked: Callable[[Any], bytes] = self._packer.pack
        """``encode`` without its Python frame: library exceptions escape (call ``encode`` to get the error)."""
        self.decode_unchecked: Callable[[bytes | memoryview], Any] = _plain_decoder.decode
        """``decode`` without its Python frame for plain messages; raises for anything else, including valid
        messages with bytes (call ``decode`` for those and to get the ParseError). What it returns has only str
        map keys and no bytes: the direct-read paths in core.ipc.connection and core.ipc.peer rely on that."""

    def encode(self, obj: Any) -> bytes:
        """Serialise ``obj`` (bytes travel as msgpack bin)."""
        try:
            return self._packer.pack(obj)  # type: ignore[no-any-return]
        except (TypeError, ValueError, OverflowError) as exc:
            raise ProtocolError(
                f"cannot encode a {type(obj).__name__} message as msgpack: {exc}",
                hint="Send only maps, lists, strings, numbers, booleans, None and bytes.",
                data={"codec": self.name},
            ) from exc

    def decode(self, data: bytes | memoryview) -> Any:
        """Parse one msgpack object that must span the whole payload."""
        try:
            return _plain_decoder.decode(data)
        except Exception:  # bytes, deep nesting, bad UTF-8, malformed: msgpack-python decides
            pass
        try:
            return msgpack.unpackb(data, raw=False, strict_map_key=True, ext_hook=_refuse_ext)
        except Exception as exc:  # msgpack raises many types (ExtraData, FormatError, ValueError, RecursionError...)
            raise ParseError(
                f"malformed msgpack payload ({len(data)} bytes): {exc}",
                data={"codec": self.name},
            ) from exc


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class JsonCodec:
    """The debugging codec: UTF-8 JSON, human-readable in logs and packet captures; cannot carry bytes."""

    name: Final = "json"

    def encode(self, obj: Any) -> bytes:
        """Serialise ``obj`` as compact UTF-8 JSON."""
        try:
            return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
        except (TypeError, ValueError, RecursionError) as exc:
            raise ProtocolError(
                f"cannot encode a {type(obj).__name__} message as JSON: {exc}",
                hint="The JSON codec carries no bytes or NaN; use the msgpack codec or base64-encode the data.",
                data={"codec": self.name},
            ) from exc

    def decode(self, data: bytes | memoryview) -> Any:
        """Parse one UTF-8 JSON document."""
        try:
            return json.loads(bytes(data), parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise ParseError(f"malformed JSON payload ({len(data)} bytes): {exc}", data={"codec": self.name}) from exc


CODEC_NAMES: Final = ("msgpack", "json")
"""Codecs this side speaks, in order of preference."""


def make_codec(name: str) -> Codec:
    """A fresh codec instance by its handshake name (each connection owns its own: packers are not shared)."""
    if name == "msgpack":
        return MsgpackCodec()
    if name == "json":
        return JsonCodec()
    raise UnsupportedError(
        f"unknown IPC codec {name!r}", hint=f"Use one of: {', '.join(CODEC_NAMES)}.", data={"codec": name}
    )
