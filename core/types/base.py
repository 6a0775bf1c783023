"""Scalar types shared across processes: ids, paths, timestamps, priorities."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from enum import IntEnum
from pathlib import Path, PurePath
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, PlainSerializer, PlainValidator, WithJsonSchema

_ENTITY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}$")


def _check_entity_id(value: str) -> str:
    if not _ENTITY_ID.match(value):
        raise ValueError(
            f"{value!r} is not a valid id: use 1-128 letters, digits, '.', '_', ':' or '-', starting alphanumeric"
        )
    return value


EntityId = Annotated[str, AfterValidator(_check_entity_id)]
"""A stable identifier (extension id, command id, node id...). Safe in file names and log lines."""


def new_entity_id(prefix: str = "") -> str:
    """A fresh random EntityId, optionally prefixed (``run-3f2a...``)."""
    return f"{prefix}{uuid.uuid4().hex}"


def _to_path(value: Any) -> Path:
    if isinstance(value, PurePath):
        return Path(value)
    if isinstance(value, str):
        if not value or "\x00" in value:
            raise ValueError("a file path must be a non-empty string without NUL bytes")
        return Path(value)
    raise ValueError(f"expected a path string, got {type(value).__name__}")


FilePath = Annotated[
    Path,
    PlainValidator(_to_path),
    PlainSerializer(lambda p: str(p), return_type=str),
    WithJsonSchema({"type": "string", "format": "path"}),
]
"""A filesystem path; crosses IPC as a string (posix or native, as given)."""


def _to_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Timestamp = Annotated[datetime, AfterValidator(_to_utc)]
"""An aware UTC datetime; naive inputs are taken as UTC so ordering never mixes zones."""


def utc_now() -> datetime:
    """Now, as a Timestamp."""
    return datetime.now(UTC)


class Priority(IntEnum):
    """Scheduling / notification priority; higher runs first."""

    LOW = 0
    NORMAL = 1
    HIGH = 2
    CRITICAL = 3


class FrozenModel(BaseModel):
    """Base for value objects: immutable, strict about unknown fields, hashable."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


__all__ = [
    "EntityId",
    "FilePath",
    "FrozenModel",
    "Priority",
    "Timestamp",
    "new_entity_id",
    "utc_now",
]
