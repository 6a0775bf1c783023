"""Pydantic models shared by core, UI, extension hosts and the IPC wire."""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.types.base import EntityId, FilePath, FrozenModel, Priority, Timestamp, new_entity_id, utc_now
    from core.types.document import DocumentMeta, LineEnding
    from core.types.messages import Message, Notification, RequestId, RpcError, RpcRequest, RpcResponse, parse_message
    from core.types.text import Position, Range, TextEdit
    from core.types.version import Version

# Submodules load on first use (PEP 562), so code needing one type does not build every model at start-up.
_MODULES = ("base", "document", "messages", "text", "version")


def __getattr__(name: str) -> Any:
    for module in _MODULES:
        loaded = importlib.import_module(f"core.types.{module}")
        if name in getattr(loaded, "__all__", ()) or (not name.startswith("_") and hasattr(loaded, name)):
            return getattr(loaded, name)
    raise AttributeError(f"module 'core.types' has no attribute {name!r}")


__all__ = [
    "DocumentMeta",
    "EntityId",
    "FilePath",
    "FrozenModel",
    "LineEnding",
    "Message",
    "Notification",
    "Position",
    "Priority",
    "Range",
    "RequestId",
    "RpcError",
    "RpcRequest",
    "RpcResponse",
    "TextEdit",
    "Timestamp",
    "Version",
    "new_entity_id",
    "parse_message",
    "utc_now",
]
