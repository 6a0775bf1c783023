"""The real-host test helper: an extension in a real host process, observed through a recording UiPort."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from core.errors import ExtensionError
from core.extensions import ExtensionStatus
from extensions.builtin import BUILTIN_ROOT
from extensions.sdk.pytest_plugin import extension_folder_of
from extensions.sdk.testing import real_host

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the host uses Unix sockets")

READER_MANIFEST = """\
id = "t.reader"
name = "Reader"
version = "1.0.0"
type = "operator"
entry = "main:Reader"
activation = ["onCommand:t.reader.read"]
capabilities = ["fs.read"]

[[contributes.commands]]
id = "t.reader.read"
title = "Read"
"""

READER_CODE = """\
from core.errors import PermissionDeniedError
from extensions.sdk import Extension, command


class Reader(Extension):
    @command("t.reader.read")
    async def read(self, path):
        try:
            return await self.ctx.workspace.read_text(path)
        except PermissionDeniedError as exc:
            return "refused: " + exc.data["reason"]
"""


def reader(tmp_path: Path) -> Path:
    folder = tmp_path / "reader"
    folder.mkdir(parents=True)
    (folder / "Symphony.toml").write_text(READER_MANIFEST, encoding="utf-8")
    (folder / "main.py").write_text(READER_CODE, encoding="utf-8")
    return folder


async def test_wordcount_updates_its_status_item_as_the_document_changes() -> None:
    async with real_host(BUILTIN_ROOT / "wordcount") as host:
        assert host.status is ExtensionStatus.ACTIVE
        host.open_document("one two")
        await host.wait_for(lambda: host.status_items.get("wordcount", {}).get("text") == "2 words, 1 line", "count")
        host.type_text(" three\n")
        await host.wait_for(lambda: host.status_items["wordcount"]["text"] == "3 words, 1 line", "the new count")
        assert len(host.supervisor.host_pids()) == 1


async def test_a_host_is_sent_only_the_events_its_extensions_handle() -> None:
    async with real_host(BUILTIN_ROOT / "wordcount") as host:
        assert host.supervisor.host_events(host.id) == {"document.changed", "document.closed", "editor.active_changed"}
    async with real_host(BUILTIN_ROOT / "hello") as host:
        await host.run_command("symphony.hello.say", "Ada")
        assert host.supervisor.host_events(host.id) == frozenset()


async def test_a_two_second_stall_of_cores_loop_does_not_take_the_host_down() -> None:
    import time

    async with real_host(BUILTIN_ROOT / "hello") as host:
        pid = host.supervisor.host_pids()["exthost"]
        time.sleep(2.0)  # the UI loop (core's) busy with something long: no pongs, no pings for 2 s
        assert await host.run_command("symphony.hello.say", "Ada") == "Hello, Ada!"
        assert host.supervisor.host_pids()["exthost"] == pid
        assert host.status is ExtensionStatus.ACTIVE


async def test_dialog_answers_and_settings_reach_the_extension() -> None:
    async with real_host(BUILTIN_ROOT / "hello", answers=["Ada"], settings={"greeting": "Ahoy"}) as host:
        assert await host.run_command("symphony.hello.say") == "Ahoy, Ada!"
        assert host.notifications == ["Ahoy, Ada!"]


async def test_permission_prompts_are_recorded_and_answered_in_order(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "a.txt").write_text("alpha", encoding="utf-8")
    async with real_host(reader(tmp_path), workspace=workspace, decisions=["allow-once", "deny"]) as host:
        assert await host.run_command("t.reader.read", "a.txt") == "alpha"
        assert await host.run_command("t.reader.read", "a.txt") == "refused: denied"
        assert await host.run_command("t.reader.read", "a.txt") == "refused: denied"  # not asked again
        assert [(p.capability.value, p.reason) for p in host.prompts] == [
            ("fs.read", "workspace.read_text(a.txt)"),
            ("fs.read", "workspace.read_text(a.txt)"),
        ]
        assert host.status is ExtensionStatus.ACTIVE


async def test_granted_capabilities_are_not_asked_for(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("beta", encoding="utf-8")
    async with real_host(reader(tmp_path / "ext"), workspace=tmp_path, granted=["fs.read"]) as host:
        assert await host.run_command("t.reader.read", "b.txt") == "beta"
        assert host.prompts == []


async def test_a_failing_command_is_an_extension_error() -> None:
    async with real_host(BUILTIN_ROOT / "hello", answers=[]) as host:
        with pytest.raises(ExtensionError):
            await host.run_command("symphony.hello.say", 42)


def test_the_fixture_finds_the_extension_above_the_test_file(tmp_path: Path) -> None:
    folder = reader(tmp_path)
    (folder / "tests").mkdir()
    assert extension_folder_of(folder / "tests" / "test_x.py") == folder
