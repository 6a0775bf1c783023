"""IPC monitor: a Motif showing core's IPC bus live, sampled from ``ctx.ipc.metrics()``.

Each sample turns the counters' growth into messages per second (a sparkline of the last minute) and shows one
table row per connection: messages and bytes each way, errors, requests and round-trip latency percentiles.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from core.vdom import Node
from extensions.sdk import Extension, motif_factory
from extensions.sdk.motif import Motif, h

PANEL_ID = "symphony.ipcmon.panel"
HISTORY = 60
"""Samples kept for the sparkline."""
COLUMNS = ["connection", "msgs in", "msgs out", "bytes in", "bytes out", "errors", "requests", "p50 µs", "p99 µs"]
_KEYS = (
    "messages_in",
    "messages_out",
    "bytes_in",
    "bytes_out",
    "errors",
    "requests",
    "latency_p50_us",
    "latency_p99_us",
)

log = logging.getLogger(__name__)


def total_messages(metrics: Mapping[str, Mapping[str, Any]]) -> int:
    """Messages carried so far by every connection, both ways."""
    return sum(int(m.get("messages_in", 0)) + int(m.get("messages_out", 0)) for m in metrics.values())


def table_rows(metrics: Mapping[str, Mapping[str, Any]]) -> list[list[Any]]:
    """One row per connection, by name."""
    return [[name, *(m.get(key, 0) for key in _KEYS)] for name, m in sorted(metrics.items())]


class IpcMonitor(Motif):
    """The monitor panel; ``sample`` adds one reading (the extension calls it on a timer)."""

    id = PANEL_ID

    def __init__(
        self, extension: IpcMonitorExtension | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.extension = extension
        self.clock = clock
        self._last: tuple[float, int] | None = None
        super().__init__()

    def initial_state(self) -> dict[str, Any]:
        return {"rates": [], "rows": [], "error": None}

    def render(self) -> Node:
        rates: list[float] = self.state["rates"]
        current = f"{rates[-1]:,.0f} msgs/s" if rates else "waiting for the first sample..."
        peak = f"peak {max(rates):,.0f}" if rates else ""
        return h.vertical(
            h.horizontal(
                h.label(current, key="rate", text_style="bold", width=24),
                h.label(peak, key="peak", color="$text-muted", width=16),
                h.sparkline(data=rates or [0], summary="max", key="spark", width="1fr", height=1),
                height=1,
                key="head",
            ),
            self.state["error"] and h.label(self.state["error"], variant="error", key="error"),
            h.data_table(columns=COLUMNS, rows=self.state["rows"], cursor_type="row", zebra_stripes=True, key="table"),
            key="ipcmon",
        )

    def sample(self, metrics: Mapping[str, Mapping[str, Any]]) -> None:
        """Record one reading of the bus's counters."""
        now, total = self.clock(), total_messages(metrics)
        rates = list(self.state["rates"])
        if self._last is not None and now > self._last[0]:
            rates.append(max(0.0, (total - self._last[1]) / (now - self._last[0])))
        self._last = (now, total)
        self.set_state(rates=rates[-HISTORY:], rows=table_rows(metrics), error=None)

    async def show(self) -> None:
        await super().show()
        if self.extension is not None:
            self.extension.watch(self)


class IpcMonitorExtension(Extension):
    """Contributes the ``symphony.ipcmon.panel`` Motif and samples the bus while it is shown."""

    def __init__(self) -> None:
        super().__init__()
        self._task: asyncio.Task[None] | None = None

    @motif_factory(PANEL_ID)
    def make_panel(self) -> IpcMonitor:
        """A new monitor panel."""
        return IpcMonitor(self)

    def watch(self, panel: IpcMonitor) -> None:
        """Sample into ``panel`` until deactivated (one sampler; a newer panel replaces the older)."""
        if self._task is not None:
            self._task.cancel()
        self._task = asyncio.get_running_loop().create_task(self._sample_forever(panel))

    async def _sample_forever(self, panel: IpcMonitor) -> None:
        interval = float(await self.ctx.settings.get("interval", 1.0))
        while self.ctx.motif.shown(PANEL_ID) is panel:  # until the user closes it
            try:
                panel.sample(await self.ctx.ipc.metrics())
            except Exception as exc:  # a failed reading is shown, and the next one tried
                log.warning("IPC monitor: reading the bus metrics failed: %s", exc)
                panel.set_state(error=f"Reading the metrics failed: {exc}")
            await panel.flush()
            await asyncio.sleep(max(0.2, interval))

    async def deactivate(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
