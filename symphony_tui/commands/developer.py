"""Developer commands: views into Symphony's own machinery (IPC traffic of the extension hosts)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from symphony_tui.app import SymphonyApp

IPC_STATS_COMMAND = "developer.ipcStatistics"
"""Opens the IPC statistics screen."""


def ipc_stats_provider(app: SymphonyApp) -> Mapping[str, Mapping[str, Any]]:
    """Metrics of every IPC connection the app holds: today, the extension hosts' (none while they are off)."""
    service = app.extensions.service
    return service.metrics() if service is not None else {}


def register_developer_commands(app: SymphonyApp) -> None:
    """Register the Developer commands on ``app.commands``."""

    async def ipc_statistics() -> None:
        from symphony_tui.widgets.ipc_stats import IpcStatsScreen

        await app.push_screen_wait(IpcStatsScreen(lambda: ipc_stats_provider(app)))

    app.commands.add(
        IPC_STATS_COMMAND,
        "IPC Statistics",
        "Developer",
        ipc_statistics,
        description="Messages, bytes, errors and request latency of every IPC connection (extension hosts)",
    )
