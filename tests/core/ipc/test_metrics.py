"""Per-connection metrics and the stats table."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.ipc.metrics import ConnectionMetrics, LatencyHistogram, format_stats


@given(st.lists(st.integers(min_value=0, max_value=10**12), min_size=1, max_size=200))
def test_percentiles_bound_the_true_value_within_a_factor_of_two(samples_ns: list[int]) -> None:
    histogram = LatencyHistogram()
    for ns in samples_ns:
        histogram.record(ns)
    true_median_us = sorted(samples_ns)[max(0, round(0.5 * len(samples_ns)) - 1)] / 1000
    reported = histogram.percentile(0.5)
    assert true_median_us < reported or reported == 2.0**31
    assert reported <= max(1.0, 2 * true_median_us + 1) or reported == 2.0**31


def test_empty_histogram_reports_zero() -> None:
    assert LatencyHistogram().percentile(0.99) == 0.0
    assert LatencyHistogram().mean_us == 0.0


def test_snapshot_and_table_show_every_counter() -> None:
    metrics = ConnectionMetrics()
    metrics.messages_in, metrics.messages_out, metrics.bytes_in, metrics.bytes_out, metrics.errors = 3, 4, 300, 400, 1
    metrics.latency.record(40_000)
    snap = metrics.snapshot()
    assert snap["messages_in"] == 3 and snap["errors"] == 1 and snap["latency_p50_us"] == 64.0
    table = format_stats({"host-1 (conn-1)": snap})
    header, row = table.splitlines()
    assert header.split() == [
        "connection",
        "msgs",
        "in",
        "msgs",
        "out",
        "bytes",
        "in",
        "bytes",
        "out",
        "errors",
        "requests",
        "p50",
        "us",
        "p99",
        "us",
    ]
    assert row.split() == ["host-1", "(conn-1)", "3", "4", "300", "400", "1", "1", "64", "64"]


async def test_request_latency_includes_a_peer_that_answers_during_our_write(monkeypatch: object) -> None:
    # On one CPU, writing a request can hand the CPU to the peer, which answers before the write returns: the
    # clock must start before the write, or the histogram reports a fraction of the real round trip.
    import asyncio

    import msgpack

    import core.ipc.peer as peer_module
    from core.ipc.connection import FramedConnection
    from core.ipc.frame import pack_header
    from core.ipc.peer import RpcPeer
    from core.ipc.security import AuthToken

    now = [1_000_000_000]
    monkeypatch.setattr(peer_module, "_perf_ns", lambda: now[0])  # type: ignore[attr-defined]
    connection = FramedConnection("connect", token=AuthToken.generate())
    peer = RpcPeer(connection)

    class AnsweringTransport:
        def write(self, data: bytes) -> None:
            now[0] += 5_000_000  # the peer runs for 5 ms inside our write...
            reply = msgpack.packb({"jsonrpc": "2.0", "id": 1, "result": "pong"})
            asyncio.get_running_loop().call_soon(connection.data_received, pack_header(1, 0, len(reply)) + reply)

        def is_closing(self) -> bool:
            return False

    connection._wtransport = AnsweringTransport()  # type: ignore[assignment]
    connection._open("msgpack")
    assert await peer.request("t/ping") == "pong"
    assert peer.metrics.latency.total_ns == 5_000_000  # ...and that is the round trip
    connection._fast = False
    if connection._timer is not None:
        connection._timer.cancel()
