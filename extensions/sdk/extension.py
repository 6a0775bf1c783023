"""The Extension base class and the ``@command`` / ``@on`` decorators that register handlers on it.

Handlers are found when the class is defined, so a duplicate command id or an unknown event name fails at
import, with the class and method named, not later at the first click.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from core.errors import ExtensionError, NotFoundError, ValidationError
from core.types.base import EntityId
from extensions.sdk.api import EVENTS

if TYPE_CHECKING:
    from extensions.sdk.context import Context, Event
    from extensions.sdk.motif import Motif

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])
M = TypeVar("M", bound=Callable[..., Any])

_ENTITY_ID: TypeAdapter[str] = TypeAdapter(EntityId)
_COMMAND_ATTR = "__symphony_command__"
_EVENTS_ATTR = "__symphony_events__"
_MOTIF_ATTR = "__symphony_motif__"


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """A command handler declared with ``@command``."""

    id: str
    title: str
    method: str
    """The name of the Extension method that runs it."""


@dataclass(frozen=True, slots=True)
class EventSpec:
    """An event handler declared with ``@on``."""

    event: str
    method: str


def command(command_id: str, *, title: str = "") -> Callable[[F], F]:
    """Mark an ``async def`` method as the handler of command ``command_id`` (declare it in Symphony.toml too)."""
    try:
        _ENTITY_ID.validate_python(command_id)
    except PydanticValidationError as exc:
        reason = exc.errors(include_url=False)[0]["msg"].removeprefix("Value error, ")
        raise ValidationError(f"@command: {reason}", hint="Use an id like 'myext.do_thing'.") from None

    def mark(fn: F) -> F:
        _require_async(fn, f"@command({command_id!r})")
        setattr(fn, _COMMAND_ATTR, (command_id, title or fn.__name__.replace("_", " ").capitalize()))
        return fn

    return mark


def on(event: str) -> Callable[[F], F]:
    """Mark an ``async def method(self, event)`` to run on ``event`` (e.g. ``document.saved``); stackable."""
    if event not in EVENTS:
        raise ValidationError(
            f"@on: unknown event {event!r}",
            hint="Known events: " + ", ".join(sorted(EVENTS)) + ".",
            data={"event": event},
        )

    def mark(fn: F) -> F:
        _require_async(fn, f"@on({event!r})")
        setattr(fn, _EVENTS_ATTR, (*getattr(fn, _EVENTS_ATTR, ()), event))
        return fn

    return mark


def motif_factory(motif_id: str) -> Callable[[M], M]:
    """Mark a method ``def make(self) -> Motif`` as the factory of contributed Motif ``motif_id``.

    The host calls it when the user opens the Motif (declare it in Symphony.toml under ``contributes.motifs``).
    """
    try:
        _ENTITY_ID.validate_python(motif_id)
    except PydanticValidationError as exc:
        reason = exc.errors(include_url=False)[0]["msg"].removeprefix("Value error, ")
        raise ValidationError(f"@motif_factory: {reason}", hint="Use an id like 'myext.panel'.") from None

    def mark(fn: M) -> M:
        setattr(fn, _MOTIF_ATTR, motif_id)
        return fn

    return mark


def _require_async(fn: Callable[..., Any], where: str) -> None:
    if not inspect.iscoroutinefunction(fn):
        raise ValidationError(
            f"{where} decorates {getattr(fn, '__qualname__', fn)!r}, which is not an async function",
            hint="Declare the handler with `async def`: every handler runs on the host's event loop.",
        )


class Extension:
    """Base class of every extension: override ``activate``/``deactivate`` and decorate handlers.

    The host creates one instance per extension, sets :attr:`ctx`, awaits :meth:`activate`, then routes the
    extension's commands and events to the decorated methods.
    """

    commands: ClassVar[dict[str, CommandSpec]] = {}
    """Command id -> handler, collected from ``@command`` methods (inherited ones included)."""
    events: ClassVar[dict[str, tuple[EventSpec, ...]]] = {}
    """Event name -> handlers, collected from ``@on`` methods."""
    motifs: ClassVar[dict[str, str]] = {}
    """Motif id -> the name of its ``@motif`` factory method."""

    ctx: Context
    """Set by the host (or harness) before ``activate``."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        commands: dict[str, CommandSpec] = {}
        events: dict[str, list[EventSpec]] = {}
        motifs: dict[str, str] = {}
        for klass in reversed(cls.__mro__):
            for name, member in vars(klass).items():
                motif_id = getattr(member, _MOTIF_ATTR, None)
                if isinstance(motif_id, str):
                    motifs[motif_id] = name
                declared = getattr(member, _COMMAND_ATTR, None)
                if declared is not None:
                    command_id, title = declared
                    earlier = commands.get(command_id)
                    if earlier is not None and earlier.method != name and klass is cls:
                        raise ValidationError(
                            f"{cls.__qualname__}: command {command_id!r} is handled by both {earlier.method} and "
                            f"{name}",
                            hint="Give each command exactly one handler.",
                        )
                    commands[command_id] = CommandSpec(command_id, title, name)
                for event in getattr(member, _EVENTS_ATTR, ()):
                    specs = events.setdefault(event, [])
                    if all(s.method != name for s in specs):
                        specs.append(EventSpec(event, name))
        cls.commands = commands
        cls.events = {event: tuple(specs) for event, specs in events.items()}
        cls.motifs = motifs

    async def activate(self, ctx: Context) -> None:
        """Called once when an activation event fires; set up state and status items here."""

    async def deactivate(self) -> None:
        """Called before unloading; release what ``activate`` acquired."""

    async def run_command(self, command_id: str, *args: Any, **kwargs: Any) -> Any:
        """Run the handler of ``command_id`` (the host and harness route commands through this)."""
        spec = type(self).commands.get(command_id)
        if spec is None:
            raise NotFoundError(
                f"{type(self).__qualname__} has no handler for command {command_id!r}",
                hint="Decorate a method with @command(...) and declare the command in Symphony.toml.",
                data={"command": command_id},
            )
        return await getattr(self, spec.method)(*args, **kwargs)

    def create_motif(self, motif_id: str) -> Motif:
        """A new instance of contributed Motif ``motif_id``, from its ``@motif_factory`` method."""
        factory = type(self).motifs.get(motif_id)
        if factory is None:
            raise NotFoundError(
                f"{type(self).__qualname__} has no factory for Motif {motif_id!r}",
                hint="Decorate a method returning the Motif with @motif_factory(...) and declare it in Symphony.toml.",
                data={"motif": motif_id},
            )
        created: Motif = getattr(self, factory)()
        if created.id != motif_id:
            raise ValidationError(
                f"{type(self).__qualname__}.{factory}() made a Motif with id {created.id!r}, not {motif_id!r}",
                hint="Set the Motif class's `id` to the id declared in Symphony.toml.",
                data={"motif": motif_id},
            )
        return created

    async def dispatch_event(self, event: Event) -> None:
        """Run every ``@on`` handler of ``event.name`` in declaration order; the first failure is raised after
        all ran, as an ExtensionError naming the handler."""
        failure: ExtensionError | None = None
        for spec in type(self).events.get(event.name, ()):
            try:
                await getattr(self, spec.method)(event)
            except Exception as exc:
                if failure is None:
                    failure = ExtensionError(
                        f"{type(self).__qualname__}.{spec.method} failed on {event.name}: {exc}",
                        data={"event": event.name, "handler": spec.method},
                    )
                    failure.__cause__ = exc
        if failure is not None:
            raise failure


def undeclared_commands(extension: type[Extension], declared: set[str]) -> list[str]:
    """Command ids handled in code but missing from the manifest's ``contributes.commands`` (sorted)."""
    return sorted(set(extension.commands) - declared)


__all__ = ["CommandSpec", "EventSpec", "Extension", "command", "motif_factory", "on", "undeclared_commands"]
