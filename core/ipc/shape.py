"""Cheap structural checks for decoded messages, so the hot path validates without building pydantic models.

``classify`` accepts a strict subset of what ``core.types.messages.parse_message`` accepts (a hypothesis test
holds it to that), so ``parse_message`` can always build the typed model later, lazily, when someone asks.
Strictness beyond the pydantic models, per docs/ipc-protocol.md section 4: ``jsonrpc`` must be present,
ids are integers or strings (never booleans or floats), and a response carries exactly one of result/error.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, Final

from core.errors import InvalidRequestError


class Kind(IntEnum):
    """What a valid message is."""

    REQUEST = 0
    NOTIFICATION = 1
    RESPONSE = 2


_REQUEST_KEYS: Final = frozenset({"jsonrpc", "id", "method", "params"})
_NOTIFICATION_KEYS: Final = frozenset({"jsonrpc", "method", "params"})
_RESPONSE_KEYS: Final = frozenset({"jsonrpc", "id", "result", "error"})
_ERROR_KEYS: Final = frozenset({"code", "message", "data"})


def _bad(obj: Any, why: str) -> InvalidRequestError:
    msg_id = obj.get("id") if isinstance(obj, dict) else None
    if not isinstance(msg_id, int | str) or isinstance(msg_id, bool):
        msg_id = None
    return InvalidRequestError(
        f"invalid JSON-RPC message: {why}",
        hint="The peer sent a message that breaks docs/ipc-protocol.md section 4; it was dropped.",
        data={"id": msg_id},
    )


def _is_id(value: Any) -> bool:
    cls = type(value)
    return cls is int or cls is str


def str_keys(mapping: dict[Any, Any]) -> bool:
    """True if every key of ``mapping`` is a str (msgpack maps may carry other key types)."""
    for key in mapping:  # noqa: SIM110 -- a plain loop is several times cheaper than all(<genexpr>) here
        if type(key) is not str:
            return False
    return True


def _params_ok(params: Any) -> bool:
    cls = type(params)
    if cls is dict:
        return str_keys(params)
    return cls is list or params is None


def classify(obj: Any) -> Kind:
    """The kind of a decoded message; raises InvalidRequestError (JSON-RPC -32600) if its shape is wrong."""
    if type(obj) is not dict:
        raise _bad(obj, f"a message must be a map, got {type(obj).__name__}")
    if len(obj) == 3 + ("params" in obj) and obj.keys() <= _REQUEST_KEYS:
        # Hot path: exactly jsonrpc, id, method (and maybe params) are present; a good request passes here.
        method = obj["method"]
        msg_id = obj["id"]
        params = obj.get("params")
        if (
            obj["jsonrpc"] == "2.0"
            and type(method) is str
            and method
            and (type(msg_id) is int or type(msg_id) is str)
            and (params is None or type(params) is list or (type(params) is dict and str_keys(params)))
            and type(obj["jsonrpc"]) is str
        ):
            return Kind.REQUEST
    if obj.get("jsonrpc") != "2.0" or type(obj.get("jsonrpc")) is not str:
        raise _bad(obj, "'jsonrpc' must be \"2.0\"")
    if "method" in obj:
        method = obj["method"]
        if type(method) is not str or not method:
            raise _bad(obj, "'method' must be a non-empty string")
        if not _params_ok(obj.get("params")):
            raise _bad(obj, "'params' must be a map with string keys, a list, or absent")
        if "id" in obj:
            if not _is_id(obj["id"]):
                raise _bad(obj, "a request 'id' must be an integer or a string")
            if not obj.keys() <= _REQUEST_KEYS:
                raise _bad(obj, f"unexpected keys {sorted(obj.keys() - _REQUEST_KEYS)}")
            return Kind.REQUEST
        if not obj.keys() <= _NOTIFICATION_KEYS:
            raise _bad(obj, f"unexpected keys {sorted(obj.keys() - _NOTIFICATION_KEYS)}")
        return Kind.NOTIFICATION
    if "id" not in obj or not (obj["id"] is None or _is_id(obj["id"])):
        raise _bad(obj, "a response 'id' must be an integer, a string or null")
    if not obj.keys() <= _RESPONSE_KEYS:
        raise _bad(obj, f"unexpected keys {sorted(obj.keys() - _RESPONSE_KEYS)}")
    has_result = "result" in obj
    if "error" in obj:
        if has_result:
            raise _bad(obj, "a response carries either 'result' or 'error', not both")
        error = obj["error"]
        if (
            type(error) is not dict
            or not error.keys() <= _ERROR_KEYS
            or type(error.get("code")) is not int
            or type(error.get("message")) is not str
            or not (
                error.get("data") is None
                or (type(error["data"]) is dict and all(type(k) is str for k in error["data"]))
            )
        ):
            raise _bad(obj, "'error' must be a map {code: int, message: str, data?: map}")
    elif not has_result:
        raise _bad(obj, "a response needs 'result' or 'error'")
    return Kind.RESPONSE
