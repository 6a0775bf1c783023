"""Extension base class and decorators: handlers found at class definition, mistakes refused at import."""

from __future__ import annotations

import pytest

from core.errors import ExtensionError, NotFoundError, ValidationError
from extensions.sdk import Event, Extension, command, on
from extensions.sdk.extension import undeclared_commands


class Greeter(Extension):
    def __init__(self) -> None:
        self.seen: list[str] = []

    @command("greet.hi", title="Say hi")
    async def hi(self, name: str = "you") -> str:
        return f"hi {name}"

    @command("greet.bye")
    async def say_bye(self) -> str:
        return "bye"

    @on("document.saved")
    @on("document.opened")
    async def track(self, event: Event) -> None:
        self.seen.append(event.name)


def test_commands_and_events_are_collected_with_titles() -> None:
    assert {k: (v.title, v.method) for k, v in Greeter.commands.items()} == {
        "greet.hi": ("Say hi", "hi"),
        "greet.bye": ("Say bye", "say_bye"),
    }
    assert set(Greeter.events) == {"document.saved", "document.opened"}


async def test_run_command_calls_the_handler_with_arguments() -> None:
    assert await Greeter().run_command("greet.hi", "Ada") == "hi Ada"


async def test_unknown_command_is_not_found_naming_it() -> None:
    with pytest.raises(NotFoundError, match=r"no handler for command 'greet\.nope'"):
        await Greeter().run_command("greet.nope")


async def test_events_reach_every_handler() -> None:
    greeter = Greeter()
    await greeter.dispatch_event(Event(name="document.saved"))
    await greeter.dispatch_event(Event(name="document.closed"))
    assert greeter.seen == ["document.saved"]


def test_subclasses_inherit_handlers_and_can_add_more() -> None:
    class Louder(Greeter):
        @command("greet.shout")
        async def shout(self) -> str:
            return "HI"

    assert set(Louder.commands) == {"greet.hi", "greet.bye", "greet.shout"}
    assert "greet.shout" not in Greeter.commands


def test_sync_handlers_are_refused_at_decoration() -> None:
    with pytest.raises(ValidationError, match=r"not an async function"):

        class Bad(Extension):
            @command("bad.sync")  # type: ignore[type-var]
            def sync(self) -> None:
                pass


def test_unknown_event_lists_the_known_ones() -> None:
    with pytest.raises(ValidationError, match=r"unknown event 'document.exploded'") as info:
        on("document.exploded")
    assert "document.saved" in info.value.hint


def test_invalid_command_id_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"not a valid id"):
        command("has space")


def test_two_handlers_for_one_command_are_refused() -> None:
    with pytest.raises(ValidationError, match=r"'dup\.x' is handled by both a and b"):

        class Dup(Extension):
            @command("dup.x")
            async def a(self) -> None:
                pass

            @command("dup.x")
            async def b(self) -> None:
                pass


async def test_a_failing_event_handler_does_not_stop_the_others() -> None:
    class Flaky(Extension):
        def __init__(self) -> None:
            self.ran: list[str] = []

        @on("document.saved")
        async def first(self, event: Event) -> None:
            raise RuntimeError("boom")

        @on("document.saved")
        async def second(self, event: Event) -> None:
            self.ran.append("second")

    flaky = Flaky()
    with pytest.raises(ExtensionError, match=r"Flaky\.first failed on document\.saved: boom"):
        await flaky.dispatch_event(Event(name="document.saved"))
    assert flaky.ran == ["second"]


def test_undeclared_commands_are_reported() -> None:
    assert undeclared_commands(Greeter, {"greet.hi"}) == ["greet.bye"]
