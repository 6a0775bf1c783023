"""Developer: IPC Statistics, as a user opens it: a live table of real connections' traffic and latency."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from core.ipc.bus import Bus
from core.ipc.methods import MethodTable
from core.ipc.peer import RpcPeer
from core.ipc.transport import connect_unix
from core.paths import runtime_dir
from symphony_tui.app import SymphonyApp
from symphony_tui.commands.developer import IPC_STATS_COMMAND
from symphony_tui.widgets.ipc_stats import IpcStatsScreen, human_bytes, stats_rows
from tests.symphony_tui.workspace_fixture import make_demo_workspace

SIZE = (120, 30)


class Linked:
    """A core-side Bus and one authenticated client process-side peer, over a real Unix socket."""

    def __init__(self, bus: Bus, client: RpcPeer) -> None:
        self.bus, self.client = bus, client

    async def traffic(self, rounds: int) -> None:
        """Requests both ways: the client asks the bus, the bus asks the client (recording latency)."""
        conn = self.bus.connections()[0]
        for i in range(rounds):
            await self.client.request("bus/stats")
            assert await conn.peer.request("client/echo", {"n": i}) == {"n": i}


@pytest.fixture
async def linked() -> AsyncIterator[Linked]:
    bus = Bus()
    await bus.serve(runtime_dir() / f"stats{os.getpid()}.sock")
    methods = MethodTable()
    methods.add("client/echo", lambda params: params)
    client = await connect_unix(
        runtime_dir() / f"stats{os.getpid()}.sock", token=bus.issue_token("host-a"), methods=methods
    )
    try:
        yield Linked(bus, client)
    finally:
        await client.close()
        await bus.close()


def table_rows(screen: IpcStatsScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def settle(pilot: Pilot[None]) -> None:
    background = [w for w in pilot.app.workers if w.group != "commands"]
    if background:
        await pilot.app.workers.wait_for_complete(background)
    await pilot.pause()


def test_rows_show_counts_sizes_and_latency_bounds() -> None:
    snap: dict[str, Any] = {
        "messages_in": 3,
        "messages_out": 4,
        "bytes_in": 1536,
        "bytes_out": 10,
        "errors": 1,
        "requests": 2,
        "latency_p50_us": 64.0,
        "latency_p99_us": 128.0,
    }
    idle = {**snap, "requests": 0}
    assert stats_rows({"b (conn-2)": idle, "a (conn-1)": snap}) == [
        ("a (conn-1)", "3", "4", "1.5 KiB", "10 B", "1", "2", "≤64", "≤128"),
        ("b (conn-2)", "3", "4", "1.5 KiB", "10 B", "1", "0", "-", "-"),
    ]
    assert human_bytes(12 * 1024 * 1024) == "12.0 MiB"


async def test_screen_shows_each_connection_and_refreshes_as_traffic_flows(tmp_path: Path, linked: Linked) -> None:
    await linked.traffic(5)
    app = SymphonyApp(make_demo_workspace(tmp_path), watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = IpcStatsScreen(linked.bus.stats, interval=3600)  # refreshed by key below, not by the clock
        await app.push_screen(screen)
        await pilot.pause()
        [row] = table_rows(screen)
        name, msgs_in, msgs_out, _bytes_in, _bytes_out, errors, requests, p50, p99 = row
        assert name.startswith("host-a (conn-")
        assert int(msgs_in) >= 10 and int(msgs_out) >= 10 and errors == "0"  # 5 requests + 5 replies each way
        assert requests == "5" and p50.startswith("≤") and p99.startswith("≤")
        await linked.traffic(7)
        await pilot.press("r")
        await pilot.pause()
        assert table_rows(screen)[0][6] == "12"
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, IpcStatsScreen)


async def test_palette_command_opens_the_screen_and_says_when_nothing_is_connected(tmp_path: Path) -> None:
    app = SymphonyApp(make_demo_workspace(tmp_path), watch_config=False)  # extensions off: no hosts, no IPC
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.commands.get(IPC_STATS_COMMAND).label == "Developer: IPC Statistics"
        app.dispatch(IPC_STATS_COMMAND)
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IpcStatsScreen)
        assert table_rows(screen) == []
        assert "No IPC connections" in str(screen.query_one("#ipc-note", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, IpcStatsScreen)


async def test_a_failing_provider_is_reported_in_the_screen(tmp_path: Path) -> None:
    def broken() -> dict[str, Any]:
        raise RuntimeError("bus gone")

    app = SymphonyApp(make_demo_workspace(tmp_path), watch_config=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = IpcStatsScreen(broken)
        await app.push_screen(screen)
        await pilot.pause()
        assert "Cannot read IPC statistics: bus gone" in str(screen.query_one("#ipc-note", Static).render())
