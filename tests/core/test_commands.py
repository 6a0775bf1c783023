"""The command registry: one table of named actions that keys, palette, extensions and tests share."""

from __future__ import annotations

import pytest

from core.commands import Command, CommandRegistry
from core.errors import NotFoundError, SymphonyError, ValidationError


async def test_execute_runs_sync_and_async_handlers_by_id() -> None:
    registry = CommandRegistry()
    calls: list[str] = []

    async def save() -> str:
        calls.append("save")
        return "saved"

    registry.add("file.save", "Save", "File", save)
    registry.add("view.toggle", "Toggle", "View", lambda: calls.append("toggle"))
    assert await registry.execute("file.save") == "saved"
    await registry.execute("view.toggle")
    assert calls == ["save", "toggle"]


def test_duplicate_ids_are_rejected_naming_the_owner() -> None:
    registry = CommandRegistry()
    registry.add("file.save", "Save", "File", lambda: None)
    with pytest.raises(ValidationError, match="already registered by symphony"):
        registry.register(Command("file.save", "Save", "File", lambda: None, source="ext.x"))


async def test_unknown_command_is_a_not_found_error() -> None:
    with pytest.raises(NotFoundError, match="unknown command 'nope'"):
        await CommandRegistry().execute("nope")


async def test_arguments_are_checked_before_the_handler_runs() -> None:
    registry = CommandRegistry()
    seen: list[int] = []
    registry.add("go.line", "Go to Line", "Go", lambda line: seen.append(line), args={"line": int})
    await registry.execute("go.line", line=3)
    with pytest.raises(ValidationError, match="must be int"):
        await registry.execute("go.line", line="3")
    with pytest.raises(ValidationError, match="takes no argument 'column'"):
        await registry.execute("go.line", column=1)
    assert seen == [3]


async def test_a_crashing_handler_becomes_a_symphony_error() -> None:
    registry = CommandRegistry()

    def boom() -> None:
        raise RuntimeError("disk on fire")

    registry.add("x.boom", "Boom", "X", boom)
    with pytest.raises(SymphonyError, match="disk on fire"):
        await registry.execute("x.boom")


def test_iteration_is_sorted_by_palette_label() -> None:
    registry = CommandRegistry()
    registry.add("b", "Save", "File", lambda: None)
    registry.add("a", "Toggle Explorer", "View", lambda: None)
    registry.add("c", "About", "Help", lambda: None)
    assert [c.label for c in registry] == ["File: Save", "Help: About", "View: Toggle Explorer"]
