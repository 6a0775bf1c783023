"""Per-connection counters and a request-latency histogram, cheap enough to stay on for every message."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_BUCKETS = 32  # bucket i holds latencies in [2**(i-1), 2**i) microseconds; 2**31 us is about 36 minutes


class LatencyHistogram:
    """Power-of-two microsecond buckets: O(1) record, percentiles accurate to a factor of two."""

    __slots__ = ("count", "counts", "total_ns")

    def __init__(self) -> None:
        self.counts = [0] * _BUCKETS
        self.count = 0
        self.total_ns = 0

    def record(self, ns: int) -> None:
        """Add one latency in nanoseconds."""
        index = (ns // 1000).bit_length()
        self.counts[index if index < _BUCKETS else _BUCKETS - 1] += 1
        self.count += 1
        self.total_ns += ns

    def percentile(self, fraction: float) -> float:
        """Upper bound in microseconds of the bucket holding the given fraction (0..1) of samples; 0 if empty."""
        if not self.count:
            return 0.0
        rank = max(1, round(fraction * self.count))
        seen = 0
        for index, n in enumerate(self.counts):
            seen += n
            if seen >= rank:
                return float(2**index)
        return float(2 ** (_BUCKETS - 1))

    @property
    def mean_us(self) -> float:
        """Mean latency in microseconds."""
        return self.total_ns / self.count / 1000 if self.count else 0.0


class ConnectionMetrics:
    """What one connection has carried: messages and bytes each way, errors, and request round-trip latency."""

    __slots__ = (
        "bytes_in",
        "bytes_out",
        "errors",
        "latency",
        "linger_misses",
        "lingered",
        "messages_in",
        "messages_out",
        "poll_misses",
        "polled",
    )

    def __init__(self) -> None:
        self.messages_in = 0
        self.messages_out = 0
        self.bytes_in = 0
        self.bytes_out = 0
        self.errors = 0
        """Malformed, refused or failed traffic in either direction."""
        self.latency = LatencyHistogram()
        self.polled = 0
        """Replies caught by polling the socket after a lone request (settings.reply_poll_us)."""
        self.poll_misses = 0
        """Polls that ran out of budget before the reply came (each makes that method poll less often)."""
        self.lingered = 0
        """Messages caught by lingering on the socket after answering a request (settings.request_linger_us)."""
        self.linger_misses = 0
        """Lingers that ran out of budget waiting for the next message."""

    def snapshot(self) -> dict[str, Any]:
        """Plain values for `symphony ipc stats`, logs and RPC replies."""
        return {
            "messages_in": self.messages_in,
            "messages_out": self.messages_out,
            "bytes_in": self.bytes_in,
            "bytes_out": self.bytes_out,
            "errors": self.errors,
            "requests": self.latency.count,
            "latency_mean_us": round(self.latency.mean_us, 1),
            "latency_p50_us": self.latency.percentile(0.5),
            "latency_p99_us": self.latency.percentile(0.99),
            "replies_polled": self.polled,
            "poll_misses": self.poll_misses,
            "lingered": self.lingered,
            "linger_misses": self.linger_misses,
        }


_COLUMNS = (
    ("connection", "connection"),
    ("msgs in", "messages_in"),
    ("msgs out", "messages_out"),
    ("bytes in", "bytes_in"),
    ("bytes out", "bytes_out"),
    ("errors", "errors"),
    ("requests", "requests"),
    ("p50 us", "latency_p50_us"),
    ("p99 us", "latency_p99_us"),
)


def format_stats(snapshots: Mapping[str, Mapping[str, Any]]) -> str:
    """A plain-text table of connection snapshots, one row per connection, for `symphony ipc stats`."""
    rows = [[title for title, _ in _COLUMNS]]
    for name, snap in sorted(snapshots.items()):
        values = {"connection": name, **snap}
        rows.append(
            [
                f"{values.get(key, '')}" if not isinstance(values.get(key), float) else f"{values[key]:g}"
                for _, key in _COLUMNS
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS))]
    lines = [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines)
