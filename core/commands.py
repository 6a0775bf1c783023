"""The command registry: every action in Symphony is a named command.

Keymap, palette, extensions and tests all run commands by id through `CommandRegistry.execute`, so a
behaviour exists once and is reachable from everywhere. Handlers are plain callables (sync or async).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from core.errors import NotFoundError, SymphonyError, ValidationError

log = logging.getLogger(__name__)

Handler = Callable[..., Awaitable[Any] | Any]


@dataclass(frozen=True)
class Command:
    """A named, titled action. ``category: title`` is what the palette shows ("File: Save")."""

    id: str
    title: str
    category: str
    handler: Handler
    description: str = ""
    source: str = "symphony"
    """Who contributed it: "symphony" or an extension id."""
    palette: bool = True
    """Whether the palette lists it (False for commands that need arguments)."""
    args: dict[str, type] = field(default_factory=dict)
    """Accepted keyword arguments and their types, checked before the handler runs."""

    @property
    def label(self) -> str:
        """The palette label."""
        return f"{self.category}: {self.title}"


class CommandRegistry:
    """Commands by id; duplicate ids are rejected so two parts of the app never fight over a name."""

    def __init__(self) -> None:
        self._commands: dict[str, Command] = {}

    def register(self, command: Command) -> Command:
        """Add ``command``; raises ValidationError if its id is taken."""
        if command.id in self._commands:
            raise ValidationError(
                f"command id {command.id!r} is already registered by {self._commands[command.id].source}",
                hint="Choose a unique id, e.g. prefixed with your extension id.",
            )
        self._commands[command.id] = command
        return command

    def add(self, id: str, title: str, category: str, handler: Handler, **kwargs: Any) -> Command:
        """Shorthand for ``register(Command(...))``."""
        return self.register(Command(id=id, title=title, category=category, handler=handler, **kwargs))

    def unregister(self, command_id: str) -> None:
        """Remove a command (e.g. when its extension unloads); unknown ids are ignored."""
        self._commands.pop(command_id, None)

    def get(self, command_id: str) -> Command:
        """The command with ``command_id``; raises NotFoundError naming it."""
        try:
            return self._commands[command_id]
        except KeyError:
            raise NotFoundError(
                f"unknown command {command_id!r}",
                hint="Open the command palette (F1) to see available commands; check keybindings in settings.",
            ) from None

    def __contains__(self, command_id: object) -> bool:
        return command_id in self._commands

    def __iter__(self) -> Iterator[Command]:
        return iter(sorted(self._commands.values(), key=lambda c: c.label.casefold()))

    def __len__(self) -> int:
        return len(self._commands)

    async def execute(self, command_id: str, **args: Any) -> Any:
        """Run a command by id; argument problems and handler failures surface as SymphonyError."""
        command = self.get(command_id)
        for name, value in args.items():
            expected = command.args.get(name)
            if expected is None:
                raise ValidationError(f"command {command_id!r} takes no argument {name!r}")
            if not isinstance(value, expected):
                raise ValidationError(
                    f"command {command_id!r}: argument {name!r} must be {expected.__name__}, got {type(value).__name__}"
                )
        try:
            result = command.handler(**args)
            if inspect.isawaitable(result):
                result = await result
        except SymphonyError:
            raise
        except Exception as exc:
            log.exception("command %s failed", command_id)
            raise SymphonyError(f"command {command.label!r} failed: {exc}") from exc
        return result
