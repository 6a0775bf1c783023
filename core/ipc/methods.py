"""The method table: handlers registered by decorator under a method name, duplicates refused.

Sync and async handlers share one execution path in the peer, so replies, errors and cancellation behave alike.
Sync handlers run inline as a request arrives (no task, the fast path); async ones run as tasks that ``$/cancel``
can cancel. A handler takes ``params`` and, if it declares a second parameter, a RequestContext.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from core.errors import ConflictError, InvalidParamsError, ValidationError

if TYPE_CHECKING:
    from core.ipc.peer import RpcPeer
    from core.types.messages import RequestId

RESERVED_PREFIX: Final = "$/"
"""Protocol methods ($/cancel, $/progress ...) belong to the peer itself, never to a table."""

HandlerFn = Callable[..., Any]
F = TypeVar("F", bound=HandlerFn)


class RequestContext:
    """What an incoming request's handler may use besides its params: progress, the peer, cancellation."""

    __slots__ = ("method", "peer", "request_id")

    def __init__(self, peer: RpcPeer, request_id: RequestId | None, method: str) -> None:
        self.peer = peer
        """The connection the request came in on."""
        self.request_id = request_id
        """None for notifications."""
        self.method = method

    async def progress(self, value: Any) -> None:
        """Send a ``$/progress`` notification (a partial result or a status) tied to this request."""
        if self.request_id is not None:
            await self.peer.notify("$/progress", {"id": self.request_id, "value": value})


@dataclass(frozen=True, slots=True)
class Handler:
    """A registered handler and how to call it."""

    name: str
    fn: HandlerFn
    is_async: bool
    wants_context: bool
    params_model: type[BaseModel] | None = None

    def prepare(self, params: Any) -> Any:
        """Validate ``params`` against the handler's model, if it has one (else pass them through)."""
        model = self.params_model
        if model is None:
            return params
        try:
            return model.model_validate(params if params is not None else {})
        except PydanticValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'params'}: {e['msg']}" for e in exc.errors(include_url=False)
            )
            raise InvalidParamsError(f"invalid params for {self.name}: {problems}", data={"method": self.name}) from exc


def _handler_for(name: str, fn: HandlerFn, params_model: type[BaseModel] | None) -> Handler:
    try:
        positional = [
            p
            for p in inspect.signature(fn).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
    except (TypeError, ValueError) as exc:  # builtins without signatures
        raise ValidationError(f"cannot inspect the signature of the handler for {name!r}") from exc
    if not 1 <= len(positional) <= 2:
        raise ValidationError(
            f"the handler for {name!r} must take (params) or (params, ctx), it takes {len(positional)} arguments",
            hint="Declare the handler as `def handler(params)` or `async def handler(params, ctx)`.",
        )
    return Handler(
        name=name,
        fn=fn,
        is_async=inspect.iscoroutinefunction(fn),
        wants_context=len(positional) == 2,
        params_model=params_model,
    )


class MethodTable:
    """Request and notification handlers by method name; shared by every peer it is given to."""

    def __init__(self) -> None:
        self._requests: dict[str, Handler] = {}
        self._notifications: dict[str, Handler] = {}
        self._plain: dict[str, HandlerFn] = {}

    def _register(self, table: dict[str, Handler], kind: str, name: str, handler: Handler) -> None:
        if not name or name.startswith(RESERVED_PREFIX):
            raise ValidationError(
                f"{kind} name {name!r} is reserved or empty",
                hint=f"Names starting with {RESERVED_PREFIX!r} belong to the protocol; use e.g. 'ext.id/do'.",
            )
        if name in table:
            raise ConflictError(
                f"{kind} {name!r} already has a handler ({table[name].fn.__qualname__})",
                hint="Each method has exactly one handler; remove the duplicate registration.",
            )
        table[name] = handler

    def add(self, name: str, fn: HandlerFn, *, params: type[BaseModel] | None = None) -> None:
        """Register a request handler."""
        handler = _handler_for(name, fn, params)
        self._register(self._requests, "method", name, handler)
        if not handler.is_async and not handler.wants_context and params is None:
            self._plain[name] = fn

    def add_notification(self, name: str, fn: HandlerFn, *, params: type[BaseModel] | None = None) -> None:
        """Register a notification handler."""
        self._register(self._notifications, "notification", name, _handler_for(name, fn, params))

    def method(self, name: str, *, params: type[BaseModel] | None = None) -> Callable[[F], F]:
        """Decorator form of ``add``."""

        def register(fn: F) -> F:
            self.add(name, fn, params=params)
            return fn

        return register

    def notification(self, name: str, *, params: type[BaseModel] | None = None) -> Callable[[F], F]:
        """Decorator form of ``add_notification``."""

        def register(fn: F) -> F:
            self.add_notification(name, fn, params=params)
            return fn

        return register

    @property
    def requests(self) -> Mapping[str, Handler]:
        """Request handlers by method name (a live, read-only view for the peer's hot path)."""
        return self._requests

    @property
    def plain_requests(self) -> Mapping[str, HandlerFn]:
        """The sync ``fn(params)`` handlers without a params model: the peer calls these inline (a live view)."""
        return self._plain

    def request_handler(self, name: str) -> Handler | None:
        """The handler for request ``name``."""
        return self._requests.get(name)

    def notification_handler(self, name: str) -> Handler | None:
        """The handler for notification ``name``."""
        return self._notifications.get(name)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._requests))

    def __contains__(self, name: object) -> bool:
        return name in self._requests


AsyncHandler = Callable[..., Awaitable[Any]]
