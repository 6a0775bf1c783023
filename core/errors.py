"""The SymphonyError family: every failure a user or peer can see carries a stable code and a hint.

Codes are part of the IPC contract (they travel in RpcError.code), so they never change once released;
new ones are only added.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, ClassVar


class ErrorCode(IntEnum):
    """Stable numeric codes. JSON-RPC reserves -32768..-32000; Symphony's own live at 1000+."""

    # JSON-RPC 2.0 standard codes, used by the IPC layer.
    PARSE_ERROR = -32700
    INVALID_REQUEST = -32600
    METHOD_NOT_FOUND = -32601
    INVALID_PARAMS = -32602
    INTERNAL_JSONRPC = -32603

    INTERNAL = 1000
    CONFIG = 1001
    IO = 1002
    NOT_FOUND = 1003
    PERMISSION_DENIED = 1004
    VALIDATION = 1005
    PROTOCOL = 1006
    IPC_TRANSPORT = 1007
    TIMEOUT = 1008
    CANCELLED = 1009
    CONFLICT = 1010
    EXTENSION = 1011
    ENCODING = 1012
    UNSUPPORTED = 1013
    RATE_LIMITED = 1014
    AUTHENTICATION = 1015


class SymphonyError(Exception):
    """Base of all Symphony errors: a user-facing message, a hint saying what to do, and a stable code."""

    code: ClassVar[ErrorCode] = ErrorCode.INTERNAL
    default_hint: ClassVar[str] = "This is a bug in Symphony; please report it with the log file."

    def __init__(self, message: str, *, hint: str | None = None, data: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint if hint is not None else self.default_hint
        self.data: dict[str, Any] = dict(data or {})

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message

    @property
    def name(self) -> str:
        """The code's symbolic name, e.g. ``CONFIG``."""
        return self.code.name

    def to_dict(self) -> dict[str, Any]:
        """The wire form used inside RpcError (JSON-RPC ``error`` member)."""
        data = {"hint": self.hint, "kind": self.code.name, **self.data}
        return {"code": int(self.code), "message": self.message, "data": data}

    @classmethod
    def from_dict(cls, payload: dict[str, Any]) -> SymphonyError:
        """Rebuild the most specific error class for a wire error (unknown codes become InternalError)."""
        code = int(payload.get("code", ErrorCode.INTERNAL))
        data = dict(payload.get("data") or {})
        hint = data.pop("hint", None)
        data.pop("kind", None)
        err_cls = _BY_CODE.get(code, InternalError)
        err = err_cls(str(payload.get("message", "")), hint=hint, data=data)
        return err


class InternalError(SymphonyError):
    """An invariant broke inside Symphony."""

    code = ErrorCode.INTERNAL


class ConfigError(SymphonyError):
    """A settings file or value is malformed or invalid."""

    code = ErrorCode.CONFIG
    default_hint = "Fix the named file or key; Symphony keeps running on the remaining settings."


class SymphonyIOError(SymphonyError):
    """Reading or writing a file or stream failed."""

    code = ErrorCode.IO
    default_hint = "Check that the disk is available and the path is writable."


class NotFoundError(SymphonyError):
    """A path, command, extension or other named thing does not exist."""

    code = ErrorCode.NOT_FOUND
    default_hint = "Check the name or path for typos."


class PermissionDeniedError(SymphonyError):
    """The OS or Symphony's capability checks refused an operation."""

    code = ErrorCode.PERMISSION_DENIED
    default_hint = "Check file permissions, or grant the capability in the extension's settings."


class ValidationError(SymphonyError):
    """Data did not match its schema."""

    code = ErrorCode.VALIDATION
    default_hint = "Correct the value named in the message."


class ProtocolError(SymphonyError):
    """A peer sent something that breaks the IPC protocol (bad frame, bad message, wrong version)."""

    code = ErrorCode.PROTOCOL
    default_hint = "The peer is incompatible or misbehaving; the connection is closed."


class TransportError(SymphonyError):
    """An IPC transport (socket, pipe) failed or closed."""

    code = ErrorCode.IPC_TRANSPORT
    default_hint = "The other process may have exited; it will be restarted if it is managed by Symphony."


class SymphonyTimeoutError(SymphonyError):
    """An operation took longer than its deadline."""

    code = ErrorCode.TIMEOUT
    default_hint = "Try again; if it keeps happening, raise the timeout in settings."


class CancelledError(SymphonyError):
    """The operation was cancelled by the user or the peer."""

    code = ErrorCode.CANCELLED
    default_hint = "Nothing to do: the operation was cancelled on request."


class ConflictError(SymphonyError):
    """The target changed underneath us (e.g. a file changed on disk since it was read)."""

    code = ErrorCode.CONFLICT
    default_hint = "Reload or compare, then retry."


class ExtensionError(SymphonyError):
    """An extension failed to load, activate or answer."""

    code = ErrorCode.EXTENSION
    default_hint = "Check the extension's log; disable it with `symphony ext disable ID` if it keeps failing."


class EncodingError(SymphonyError):
    """Bytes could not be decoded with the expected text encoding."""

    code = ErrorCode.ENCODING
    default_hint = "Reopen the file with another encoding."


class UnsupportedError(SymphonyError):
    """The platform or configuration does not support the requested feature."""

    code = ErrorCode.UNSUPPORTED
    default_hint = "See `symphony doctor` for what this machine supports."


class RateLimitedError(SymphonyError):
    """A peer sent more requests than its connection's rate limit allows."""

    code = ErrorCode.RATE_LIMITED
    default_hint = "Slow down and retry; the limit is ipc.rate_limit in settings."


class AuthenticationError(SymphonyError):
    """An IPC peer failed the handshake: wrong or missing token."""

    code = ErrorCode.AUTHENTICATION
    default_hint = "Only processes started by this Symphony, with the token it handed them, may connect."


class ParseError(ProtocolError):
    """A message payload could not be decoded with the negotiated codec (JSON-RPC -32700)."""

    code = ErrorCode.PARSE_ERROR


class InvalidRequestError(ProtocolError):
    """A decoded message is not a valid request, response or notification (JSON-RPC -32600)."""

    code = ErrorCode.INVALID_REQUEST


class MethodNotFoundError(ProtocolError):
    """The peer has no handler for the requested method (JSON-RPC -32601)."""

    code = ErrorCode.METHOD_NOT_FOUND
    default_hint = "Check the method name, and that the extension providing it is active."


class InvalidParamsError(ProtocolError):
    """A request's params do not match the method's schema (JSON-RPC -32602)."""

    code = ErrorCode.INVALID_PARAMS
    default_hint = "Correct the params named in the message."


_BY_CODE: dict[int, type[SymphonyError]] = {
    int(cls.code): cls
    for cls in (
        InternalError,
        ConfigError,
        SymphonyIOError,
        NotFoundError,
        PermissionDeniedError,
        ValidationError,
        ProtocolError,
        TransportError,
        SymphonyTimeoutError,
        CancelledError,
        ConflictError,
        ExtensionError,
        EncodingError,
        UnsupportedError,
        RateLimitedError,
        AuthenticationError,
        ParseError,
        InvalidRequestError,
        MethodNotFoundError,
        InvalidParamsError,
    )
}


def error_for_code(code: int) -> type[SymphonyError]:
    """The error class registered for ``code`` (InternalError if unknown)."""
    return _BY_CODE.get(code, InternalError)
