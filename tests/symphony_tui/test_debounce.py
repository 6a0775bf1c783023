"""Debounce: work done a moment after typing stops runs once, after the last restart, and never raises into the
app."""

from __future__ import annotations

import asyncio
import logging

import pytest

from symphony_tui.debounce import Debounce


async def test_runs_once_after_the_last_restart() -> None:
    loop = asyncio.get_running_loop()
    calls: list[float] = []
    debounce = Debounce(0.05, lambda: calls.append(loop.time()), name="test")
    last = loop.time()
    for _ in range(5):  # restarted faster than its delay: it must wait for the last restart
        last = loop.time()
        debounce.restart()
        await asyncio.sleep(0.02)
    assert debounce.pending and not calls
    await asyncio.sleep(0.1)
    assert len(calls) == 1 and calls[0] >= last + 0.05 - 0.002
    assert not debounce.pending


async def test_a_shorter_delay_brings_the_run_forward_and_cancel_forgets_it() -> None:
    calls: list[str] = []
    debounce = Debounce(10.0, lambda: calls.append("ran"), name="test")
    debounce.restart()
    debounce.restart(0.01)
    await asyncio.sleep(0.05)
    assert calls == ["ran"]
    debounce.restart(0.01)
    debounce.cancel()
    await asyncio.sleep(0.05)
    assert calls == ["ran"] and not debounce.pending


async def test_a_failing_callback_is_logged_and_the_debounce_keeps_working(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[int] = []

    def chore() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("disk full")

    debounce = Debounce(0.01, chore, name="hot-exit backup")
    with caplog.at_level(logging.ERROR):
        debounce.restart()
        await asyncio.sleep(0.05)
    assert "hot-exit backup failed" in caplog.text and "disk full" in caplog.text
    debounce.restart()
    await asyncio.sleep(0.05)
    assert calls == [1, 1]
