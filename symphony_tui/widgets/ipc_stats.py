"""Developer: IPC Statistics: a modal table of every live IPC connection's traffic, errors and request latency.

The screen knows nothing about where connections live: it polls a provider (``() -> {name: snapshot}``, the
shape of ``core.ipc.Bus.stats``) once a second while open, so the numbers move as traffic flows. A provider
that fails is shown as a message in the screen, never raised into the app.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

log = logging.getLogger(__name__)

StatsProvider = Callable[[], Mapping[str, Mapping[str, Any]]]
"""Returns connection name -> ConnectionMetrics.snapshot() for every live connection."""

COLUMNS: tuple[tuple[str, str], ...] = (
    ("Connection", "connection"),
    ("Msgs in", "messages_in"),
    ("Msgs out", "messages_out"),
    ("Bytes in", "bytes_in"),
    ("Bytes out", "bytes_out"),
    ("Errors", "errors"),
    ("Requests", "requests"),
    ("p50 µs", "latency_p50_us"),
    ("p99 µs", "latency_p99_us"),
)
"""Column titles and the snapshot keys they show, in order."""


def human_bytes(count: int) -> str:
    """A byte count the way people read it (1.5 KiB, 12.0 MiB)."""
    size = float(count)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{int(size)} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"  # unreachable; keeps type checkers content


def stats_rows(stats: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, ...]]:
    """One row of cells per connection, sorted by name; latencies are histogram bucket bounds (≤ 2x)."""
    rows: list[tuple[str, ...]] = []
    for name in sorted(stats):
        snap = stats[name]
        cells: list[str] = []
        for _title, key in COLUMNS:
            if key == "connection":
                cells.append(name)
                continue
            value = snap.get(key, 0)
            if key.startswith("bytes"):
                cells.append(human_bytes(int(value)))
            elif key.startswith("latency"):
                cells.append("-" if not snap.get("requests") else f"≤{float(value):g}")
            else:
                cells.append(str(value))
        rows.append(tuple(cells))
    return rows


class IpcStatsScreen(ModalScreen[None]):
    """Live per-connection IPC metrics; Escape or q closes, r refreshes at once."""

    DEFAULT_CSS = """
    IpcStatsScreen {
        align: center middle;
    }
    IpcStatsScreen > Vertical {
        width: 90%;
        max-width: 130;
        height: auto;
        max-height: 80%;
        border: thick $primary 60%;
        background: $surface;
        padding: 0 1;
    }
    IpcStatsScreen .ipc-title {
        text-style: bold;
        padding: 0 0 1 0;
    }
    IpcStatsScreen DataTable {
        height: auto;
        max-height: 20;
    }
    IpcStatsScreen .ipc-note {
        color: $text-muted;
        padding: 1 0 0 0;
    }
    """

    BINDINGS = [
        Binding("escape,q", "close", "Close", show=False),
        Binding("r", "refresh_stats", "Refresh", show=False),
    ]

    def __init__(self, provider: StatsProvider, *, interval: float = 1.0) -> None:
        super().__init__()
        self.provider = provider
        """Where the numbers come from (polled while the screen is open)."""
        self.interval = interval
        """Seconds between refreshes."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("IPC statistics", classes="ipc-title")
            yield DataTable(id="ipc-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="ipc-note", classes="ipc-note")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for title, key in COLUMNS:
            table.add_column(title, key=key)
        self.action_refresh_stats()
        self.set_interval(self.interval, self.action_refresh_stats)
        table.focus()

    def action_refresh_stats(self) -> None:
        """Poll the provider and redraw the table."""
        note = self.query_one("#ipc-note", Static)
        table = self.query_one(DataTable)
        try:
            stats = dict(self.provider())
        except Exception as exc:  # a broken provider is reported in the screen, never raised into the app
            log.warning("IPC statistics provider failed", exc_info=exc)
            note.update(f"Cannot read IPC statistics: {exc}")
            return
        table.clear()
        for name, cells in zip(sorted(stats), stats_rows(stats), strict=True):
            table.add_row(*cells, key=name)
        if stats:
            note.update("Latency: request round trips, upper bound of the histogram bucket. r refresh · esc close")
        else:
            note.update("No IPC connections are open (extension hosts start when extensions are enabled).")

    def action_close(self) -> None:
        """Close the screen."""
        self.dismiss(None)

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            self.dismiss(None)
            event.stop()
