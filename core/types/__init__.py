"""Pydantic models shared by core, UI, extension hosts and the IPC wire."""

from core.types.base import EntityId, FilePath, FrozenModel, Priority, Timestamp, new_entity_id, utc_now
from core.types.document import DocumentMeta, LineEnding
from core.types.messages import Message, Notification, RequestId, RpcError, RpcRequest, RpcResponse, parse_message
from core.types.text import Position, Range, TextEdit
from core.types.version import Version

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
