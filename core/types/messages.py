"""IPC message models with JSON-RPC 2.0 semantics; validated on receipt, codec-agnostic."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from core.errors import SymphonyError

RequestId = int | str


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    jsonrpc: Literal["2.0"] = "2.0"


class RpcError(BaseModel):
    """The ``error`` member of a failed response."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    code: int
    message: str
    data: dict[str, Any] | None = None

    @classmethod
    def from_exception(cls, exc: SymphonyError) -> RpcError:
        """Wire form of a SymphonyError (code, message, hint in data)."""
        return cls.model_validate(exc.to_dict())

    def to_exception(self) -> SymphonyError:
        """The SymphonyError subclass matching ``code``."""
        return SymphonyError.from_dict(self.model_dump())


class RpcRequest(_Wire):
    """A call that expects exactly one response with the same id."""

    id: RequestId
    method: str = Field(min_length=1)
    params: dict[str, Any] | list[Any] | None = None


class Notification(_Wire):
    """A one-way message; no response."""

    method: str = Field(min_length=1)
    params: dict[str, Any] | list[Any] | None = None


class RpcResponse(_Wire):
    """The answer to a request: exactly one of ``result`` or ``error``."""

    id: RequestId | None
    result: Any = None
    error: RpcError | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_of(cls, data: Any) -> Any:
        if isinstance(data, dict) and "result" in data and data.get("error") is not None:
            raise ValueError("a response carries either 'result' or 'error', not both")
        return data

    @property
    def ok(self) -> bool:
        """True for a successful response."""
        return self.error is None


Message = RpcRequest | RpcResponse | Notification
"""Anything that travels in a Data frame."""


def parse_message(obj: Any) -> Message:
    """Classify and validate a decoded payload; raises pydantic.ValidationError on bad shapes."""
    if not isinstance(obj, dict):
        raise ValueError(f"a message must be a map, got {type(obj).__name__}")
    if "method" in obj:
        return RpcRequest.model_validate(obj) if "id" in obj else Notification.model_validate(obj)
    return RpcResponse.model_validate(obj)
