"""Fast message-shape checks (docs/ipc-protocol.md, section 4) agree with the pydantic models they stand in for."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import ErrorCode, InvalidRequestError
from core.ipc.shape import Kind, classify
from core.types.messages import Notification, RpcRequest, RpcResponse, parse_message

scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5) | st.binary(max_size=3)
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)
# Well-formed messages of each kind, then half of them bent by one edit, so both verdicts are common.
params = st.none() | st.dictionaries(st.text(max_size=3), values, max_size=3) | st.lists(values, max_size=3)
error_members = st.fixed_dictionaries(
    {"code": st.integers(), "message": st.text(max_size=3)},
    optional={"data": st.none() | st.dictionaries(st.text(max_size=3), values, max_size=2)},
)
valid = st.one_of(
    st.fixed_dictionaries(
        {"jsonrpc": st.just("2.0"), "id": st.integers() | st.text(max_size=3), "method": st.text(min_size=1)},
        optional={"params": params},
    ),
    st.fixed_dictionaries({"jsonrpc": st.just("2.0"), "method": st.text(min_size=1)}, optional={"params": params}),
    st.fixed_dictionaries({"jsonrpc": st.just("2.0"), "id": st.none() | st.integers(), "result": values}),
    st.fixed_dictionaries({"jsonrpc": st.just("2.0"), "id": st.none() | st.text(), "error": error_members}),
)
bent_values = (
    values
    | st.dictionaries(st.integers() | st.binary(max_size=2), values, max_size=2)
    | st.fixed_dictionaries({"code": st.booleans() | st.floats(allow_nan=False), "message": st.binary()})
)


@st.composite
def near_messages(draw: st.DrawFn) -> dict[str, Any]:
    obj = dict(draw(valid))
    edit = draw(st.sampled_from(["none", "set", "delete", "set_in_error"]))
    key = draw(st.sampled_from(["jsonrpc", "id", "method", "params", "result", "error", "extra"]))
    if edit == "set":
        obj[key] = draw(bent_values)
    elif edit == "delete":
        obj.pop(key, None)
    elif edit == "set_in_error" and isinstance(obj.get("error"), dict):
        obj["error"] = {**obj["error"], draw(st.sampled_from(["code", "message", "data", "x"])): draw(bent_values)}
    return obj


@settings(max_examples=250)
@given(near_messages())
def test_whatever_classify_accepts_the_pydantic_models_accept_with_the_same_fields(obj: dict[str, Any]) -> None:
    try:
        kind = classify(obj)
    except InvalidRequestError as exc:
        assert exc.code == ErrorCode.INVALID_REQUEST
        return
    model = parse_message(obj)
    expected = {Kind.REQUEST: RpcRequest, Kind.NOTIFICATION: Notification, Kind.RESPONSE: RpcResponse}[kind]
    assert type(model) is expected
    dumped = model.model_dump(exclude_unset=True)
    if "error" in dumped:
        dumped["error"] = model.error.model_dump(exclude_unset=True) if model.error else None
    assert dumped == obj


def test_a_request_a_notification_and_both_kinds_of_response_are_classified() -> None:
    assert classify({"jsonrpc": "2.0", "id": 1, "method": "m", "params": {"a": 1}}) is Kind.REQUEST
    assert classify({"jsonrpc": "2.0", "method": "m", "params": [1]}) is Kind.NOTIFICATION
    assert classify({"jsonrpc": "2.0", "id": "x", "result": None}) is Kind.RESPONSE
    assert classify({"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "bad"}}) is Kind.RESPONSE


@pytest.mark.parametrize(
    ("obj", "why"),
    [
        ([1, 2], "must be a map"),
        ({"id": 1, "method": "m"}, "'jsonrpc' must be"),
        ({"jsonrpc": "2.0", "id": True, "method": "m"}, "integer or a string"),
        ({"jsonrpc": "2.0", "id": 1.0, "method": "m"}, "integer or a string"),
        ({"jsonrpc": "2.0", "id": 1, "method": ""}, "non-empty string"),
        ({"jsonrpc": "2.0", "id": 1, "method": "m", "params": 3}, "'params' must be"),
        ({"jsonrpc": "2.0", "id": 1, "method": "m", "x": 3}, "unexpected keys ['x']"),
        ({"jsonrpc": "2.0", "id": 1}, "needs 'result' or 'error'"),
        ({"jsonrpc": "2.0", "id": 1, "result": 1, "error": None}, "not both"),
        ({"jsonrpc": "2.0", "id": 1, "error": {"code": "x", "message": "m"}}, "'error' must be a map"),
    ],
)
def test_malformed_messages_are_invalid_requests_that_say_why(obj: Any, why: str) -> None:
    with pytest.raises(InvalidRequestError, match=r"invalid JSON-RPC message") as info:
        classify(obj)
    assert why in info.value.message


def test_invalid_request_keeps_a_usable_id_for_the_error_response() -> None:
    with pytest.raises(InvalidRequestError) as info:
        classify({"jsonrpc": "2.0", "id": 7, "method": "m", "params": 1})
    assert info.value.data["id"] == 7
