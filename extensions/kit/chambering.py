"""Chambering: each extension's lifecycle as an explicit state machine.

Every change of state goes through :meth:`Chambering.transition`, which refuses moves the table below does not
allow and tells every subscriber (the Extensions panel, the log) about the ones it makes, so what the UI shows is
always what happened.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from core.errors import ExtensionError, NotFoundError, SymphonyError
from core.types.base import utc_now

log = logging.getLogger(__name__)


class ChamberState(StrEnum):
    """Where an extension is in its life."""

    DISCOVERED = "discovered"
    VALIDATED = "validated"
    INSTALLED = "installed"
    LOADED = "loaded"
    ACTIVE = "active"
    DEACTIVATED = "deactivated"
    UNLOADED = "unloaded"
    FAILED = "failed"
    DISABLED = "disabled"


S = ChamberState

TRANSITIONS: dict[ChamberState, frozenset[ChamberState]] = {
    S.DISCOVERED: frozenset({S.VALIDATED, S.FAILED, S.DISABLED}),
    S.VALIDATED: frozenset({S.INSTALLED, S.FAILED, S.DISABLED}),
    S.INSTALLED: frozenset({S.LOADED, S.FAILED, S.DISABLED}),
    S.LOADED: frozenset({S.ACTIVE, S.UNLOADED, S.FAILED}),
    S.ACTIVE: frozenset({S.DEACTIVATED, S.FAILED}),
    # A deactivated extension may be activated again without reloading its code (e.g. the host restarts it).
    S.DEACTIVATED: frozenset({S.ACTIVE, S.UNLOADED, S.FAILED}),
    # Unloaded code can be loaded again (reload on save in `ext dev`), or the extension disabled.
    S.UNLOADED: frozenset({S.LOADED, S.DISABLED, S.INSTALLED}),
    # "Restart" takes a failed extension back to installed, ready to load; or the user disables it.
    S.FAILED: frozenset({S.INSTALLED, S.DISABLED}),
    S.DISABLED: frozenset({S.INSTALLED}),
}
"""Allowed moves: ``TRANSITIONS[from]`` is the set of states reachable in one step."""


class IllegalTransitionError(ExtensionError):
    """A lifecycle move the chambering table does not allow (a bug in the caller, reported, never applied)."""

    default_hint = "This is a bug in Symphony or the extension host; restart the extension to recover."


@dataclass(frozen=True, slots=True)
class ChamberEvent:
    """One lifecycle move, as the Extensions panel shows it."""

    extension_id: str
    previous: ChamberState | None
    """None when the extension was first discovered."""
    state: ChamberState
    at: datetime
    error: SymphonyError | None = None
    """Why it failed, for moves into FAILED."""


@dataclass(slots=True)
class Chamber:
    """One extension's current state and its last error."""

    extension_id: str
    state: ChamberState = ChamberState.DISCOVERED
    error: SymphonyError | None = None
    history: list[ChamberEvent] = field(default_factory=list)
    """Every move since discovery, oldest first (bounded by :data:`HISTORY_LIMIT`)."""


HISTORY_LIMIT = 50

Listener = Callable[[ChamberEvent], None]


class Chambering:
    """The lifecycle of every known extension, with subscribers told about each move."""

    def __init__(self) -> None:
        self._chambers: dict[str, Chamber] = {}
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` on every move; returns a function that unsubscribes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def discover(self, extension_id: str) -> Chamber:
        """Start tracking an extension in DISCOVERED; an already known one is returned unchanged."""
        chamber = self._chambers.get(extension_id)
        if chamber is None:
            chamber = self._chambers[extension_id] = Chamber(extension_id)
            self._emit(chamber, ChamberEvent(extension_id, None, ChamberState.DISCOVERED, utc_now()))
        return chamber

    def get(self, extension_id: str) -> Chamber:
        """The chamber of ``extension_id``; raises NotFoundError naming it."""
        try:
            return self._chambers[extension_id]
        except KeyError:
            raise NotFoundError(
                f"extension {extension_id!r} is not known",
                hint="`symphony ext list` shows the installed extensions.",
                data={"extension": extension_id},
            ) from None

    def state(self, extension_id: str) -> ChamberState:
        """The current state of ``extension_id``."""
        return self.get(extension_id).state

    def can(self, extension_id: str, target: ChamberState) -> bool:
        """Whether ``transition(extension_id, target)`` would be accepted now."""
        return target in TRANSITIONS[self.get(extension_id).state]

    def transition(
        self, extension_id: str, target: ChamberState, *, error: SymphonyError | None = None
    ) -> ChamberEvent:
        """Move ``extension_id`` to ``target``; raises IllegalTransitionError for a move the table forbids.

        ``error`` is required for (and only kept on) moves into FAILED, so the panel can always say why.
        """
        chamber = self.get(extension_id)
        previous = chamber.state
        if target not in TRANSITIONS[previous]:
            allowed = ", ".join(sorted(TRANSITIONS[previous])) or "nothing"
            raise IllegalTransitionError(
                f"extension {extension_id!r} cannot go from {previous} to {target} (from {previous} it may go to: "
                f"{allowed})",
                data={"extension": extension_id, "from": str(previous), "to": str(target)},
            )
        if target is ChamberState.FAILED and error is None:
            raise IllegalTransitionError(
                f"extension {extension_id!r} was marked failed without a reason",
                data={"extension": extension_id},
            )
        chamber.state = target
        chamber.error = error if target is ChamberState.FAILED else None
        event = ChamberEvent(extension_id, previous, target, utc_now(), chamber.error)
        self._emit(chamber, event)
        return event

    def fail(self, extension_id: str, error: SymphonyError) -> ChamberEvent:
        """Mark an extension failed with ``error`` from any state that allows it."""
        return self.transition(extension_id, ChamberState.FAILED, error=error)

    def forget(self, extension_id: str) -> None:
        """Stop tracking an uninstalled extension."""
        self._chambers.pop(extension_id, None)

    def __iter__(self) -> Iterator[Chamber]:
        return iter(sorted(self._chambers.values(), key=lambda c: c.extension_id))

    def __len__(self) -> int:
        return len(self._chambers)

    def _emit(self, chamber: Chamber, event: ChamberEvent) -> None:
        chamber.history.append(event)
        del chamber.history[:-HISTORY_LIMIT]
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                # A broken panel must not stop the lifecycle: the move has happened; log and go on.
                log.exception("chambering listener %r failed on %s", listener, event)


__all__ = [
    "HISTORY_LIMIT",
    "TRANSITIONS",
    "Chamber",
    "ChamberEvent",
    "ChamberState",
    "Chambering",
    "IllegalTransitionError",
    "Listener",
]
