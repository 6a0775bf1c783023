"""The method table: decorator registration, one handler per name, protocol names reserved."""

from __future__ import annotations

from typing import Any

import pytest

from core.errors import ConflictError, ValidationError
from core.ipc.methods import MethodTable, RequestContext


def test_decorator_registers_sync_and_async_handlers_with_or_without_context() -> None:
    table = MethodTable()

    @table.method("a/sync")
    def sync(params: Any) -> Any:
        return params

    @table.method("a/async")
    async def with_ctx(params: Any, ctx: RequestContext) -> Any:
        return params

    handler = table.request_handler("a/sync")
    assert handler is not None and (handler.is_async, handler.wants_context) == (False, False)
    handler = table.request_handler("a/async")
    assert handler is not None and (handler.is_async, handler.wants_context) == (True, True)
    assert list(table) == ["a/async", "a/sync"]
    assert "a/sync" in table and "a/none" not in table


def test_duplicate_method_is_refused_naming_the_existing_handler() -> None:
    table = MethodTable()
    table.add("a/x", lambda params: 1)
    with pytest.raises(ConflictError, match="'a/x' already has a handler"):
        table.add("a/x", lambda params: 2)


def test_protocol_names_are_reserved() -> None:
    with pytest.raises(ValidationError, match="reserved"):
        MethodTable().add("$/cancel", lambda params: None)


def test_handlers_must_take_params_and_optionally_a_context() -> None:
    with pytest.raises(ValidationError, match="takes 0 arguments"):
        MethodTable().add("a/x", lambda: None)
    with pytest.raises(ValidationError, match="takes 3 arguments"):
        MethodTable().add("a/x", lambda a, b, c: None)


def test_notifications_have_their_own_table() -> None:
    table = MethodTable()
    table.add("a/x", lambda params: 1)
    table.add_notification("a/x", lambda params: None)
    assert table.notification_handler("a/x") is not table.request_handler("a/x")
