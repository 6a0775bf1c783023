"""What the language-server layer tells the rest of Symphony: plain frozen events and a tiny emitter.

The UI subscribes once (status bar counts, Problems panel, notifications, server log viewer); core code never
waits on a subscriber, and a failing subscriber is logged, not propagated into the LSP machinery.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from lsprotocol import types as lsp

log = logging.getLogger(__name__)


class ServerState(StrEnum):
    """Life of one configured server, as shown to the user."""

    STARTING = "starting"
    RUNNING = "running"
    CRASHED = "crashed"
    RESTARTING = "restarting"
    STOPPED = "stopped"
    FAILED = "failed"
    """Gave up: startup failed or the restart budget is spent; the hint says why."""


@dataclass(frozen=True, slots=True)
class ServerStateChanged:
    """A server changed state; ``detail`` says why (exit code, error message) for the notification."""

    server: str
    state: ServerState
    detail: str = ""
    log_path: Path | None = None


@dataclass(frozen=True, slots=True)
class ServerMissing:
    """A language's server is not installed: shown once per server and session."""

    server: str
    language: str
    command: str
    hint: str


@dataclass(frozen=True, slots=True)
class DiagnosticsChanged:
    """The diagnostics of one document changed (merged across all servers serving it)."""

    uri: str
    diagnostics: tuple[lsp.Diagnostic, ...]


@dataclass(frozen=True, slots=True)
class ServerMessage:
    """window/showMessage from a server: something the server wants the user to read."""

    server: str
    type: lsp.MessageType
    message: str


LspEvent = ServerStateChanged | ServerMissing | DiagnosticsChanged | ServerMessage
Subscriber = Callable[[LspEvent], None]


class EventEmitter:
    """Synchronous fan-out of LSP events to subscribers, in subscription order."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Add a subscriber; returns a function that removes it."""
        self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)

        return unsubscribe

    def emit(self, event: LspEvent) -> None:
        """Deliver ``event`` to every subscriber; a subscriber's exception is logged and does not stop the rest."""
        for subscriber in list(self._subscribers):
            try:
                subscriber(event)
            except Exception:
                log.exception("LSP event subscriber %r failed on %r", subscriber, event)


__all__ = [
    "DiagnosticsChanged",
    "EventEmitter",
    "LspEvent",
    "ServerMessage",
    "ServerMissing",
    "ServerState",
    "ServerStateChanged",
    "Subscriber",
]
