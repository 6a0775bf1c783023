"""HostRuntime in-process: lazy loading, failures confined to one extension, events, orderly deactivation.

A recording stand-in replaces the connection to core, so these run without a subprocess; the real host is
exercised in tests/integration/test_ext_host.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.errors import InvalidParamsError, NotFoundError
from core.extensions.spec import ExtensionSpec
from core.ipc.methods import RequestContext
from extensions.host.runtime import HostRuntime
from extensions.sdk.loading import package_name, unload


class RecordingPeer:
    """Answers every ext/* request with ``None`` and records it."""

    is_open = True

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []

    async def request(self, method: str, params: dict[str, Any], **_: Any) -> Any:
        self.requests.append((method, params))
        return None


def context(peer: RecordingPeer) -> RequestContext:
    return RequestContext(peer, 1, "host/activate")  # type: ignore[arg-type]


def write(root: Path, ext_id: str, code: str, **spec: Any) -> dict[str, Any]:
    folder = root / ext_id
    folder.mkdir(parents=True)
    (folder / "main.py").write_text(code, encoding="utf-8")
    return ExtensionSpec(id=ext_id, name=ext_id, folder=str(folder), entry="main:Main", **spec).model_dump(mode="json")


RECORDER = """\
from extensions.sdk import Extension, command, on

LOG = []


class Main(Extension):
    async def activate(self, ctx):
        LOG.append(("activate", ctx.extension_id))
        await ctx.window.notify("up")

    async def deactivate(self):
        LOG.append(("deactivate", self.ctx.extension_id))

    @command("rec.run")
    async def run(self, value):
        return {"got": value}

    @on("document.saved")
    async def saved(self, event):
        LOG.append(("saved", event.data.get("n")))
"""


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[HostRuntime]:
    runtime = HostRuntime()
    runtime.configure(
        {
            "extensions": [
                write(tmp_path, "t.base", RECORDER),
                write(tmp_path, "t.top", RECORDER, dependencies=("t.base",), commands=("rec.run",)),
                write(tmp_path, "t.broken", "raise RuntimeError('no import for you')\n"),
            ]
        }
    )
    yield runtime
    for ext_id in runtime.specs:
        unload(ext_id)  # the next test writes the same ids in other folders


async def test_nothing_is_imported_until_activation(runtime: HostRuntime) -> None:
    import sys

    assert not any(name.startswith(package_name("t.base")) for name in sys.modules)
    assert runtime.active == {}


async def test_dependencies_hosted_here_activate_first(runtime: HostRuntime) -> None:
    peer = RecordingPeer()
    reply = await runtime.activate({"ids": ["t.top"]}, context(peer))
    # events: what the active extensions handle, so core sends this host nothing else
    assert reply == {"activated": ["t.top"], "failed": {}, "events": ["document.saved"]}
    assert list(runtime.active) == ["t.base", "t.top"]
    assert [p["extension"] for m, p in peer.requests if m == "ext/window.notify"] == ["t.base", "t.top"]


async def test_a_failing_import_fails_that_extension_only(runtime: HostRuntime) -> None:
    reply = await runtime.activate({"ids": ["t.broken", "t.base"]}, context(RecordingPeer()))
    assert reply["activated"] == ["t.base"]
    assert "no import for you" in reply["failed"]["t.broken"]["message"]
    assert reply["failed"]["t.broken"]["data"]["extension"] == "t.broken"


async def test_unknown_ids_are_reported_not_raised(runtime: HostRuntime) -> None:
    reply = await runtime.activate({"ids": ["t.nope"]}, context(RecordingPeer()))
    assert reply["failed"]["t.nope"]["data"]["kind"] == "NOT_FOUND"


async def test_commands_return_their_result_and_cpu_time(runtime: HostRuntime) -> None:
    ctx = context(RecordingPeer())
    reply = await runtime.command({"extension": "t.top", "command": "rec.run", "args": [[1, 2]]}, ctx)
    assert reply["result"] == {"got": [1, 2]}
    assert reply["cpu_ms"] >= 0.0
    with pytest.raises(NotFoundError):
        await runtime.command({"extension": "t.top", "command": "rec.missing"}, ctx)


async def test_events_reach_active_extensions_and_deactivation_runs_last_activated_first(
    runtime: HostRuntime,
) -> None:
    import asyncio
    import sys

    await runtime.activate({"ids": ["t.top"]}, context(RecordingPeer()))
    logs = {ext_id: sys.modules[f"{package_name(ext_id)}.main"].LOG for ext_id in ("t.base", "t.top")}
    runtime.event({"name": "document.saved", "document": None, "data": {"n": 1}})
    await asyncio.gather(*runtime._event_tasks)
    assert all(log.count(("saved", 1)) == 1 for log in logs.values())
    assert await runtime.deactivate_all(None) == ["t.top", "t.base"]
    assert logs["t.base"][-1] == ("deactivate", "t.base")
    assert not any(name.startswith(package_name("t.top")) for name in sys.modules)  # unloaded


def test_configure_refuses_anything_but_a_list_of_specs() -> None:
    with pytest.raises(InvalidParamsError):
        HostRuntime().configure({"extensions": "all of them"})


def test_command_results_are_made_plain_for_ipc() -> None:
    from dataclasses import dataclass

    from core.types.text import Position
    from extensions.host.runtime import _plain

    @dataclass(frozen=True, slots=True)
    class Item:
        path: str
        at: Position

    assert _plain([Item("a.py", Position(line=1, column=2))]) == [{"path": "a.py", "at": {"line": 1, "column": 2}}]
