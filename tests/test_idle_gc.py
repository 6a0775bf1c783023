"""The idle collector: full collections and the post-load freeze wait for a pause in input."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from symphony_tui import idle_gc
from symphony_tui.idle_gc import IdleCollector


@pytest.fixture
def collections(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Records full collections and freezes instead of running them (and undoes any freeze)."""
    calls: list[str] = []
    monkeypatch.setattr(idle_gc.gc, "collect", lambda *args: calls.append("collect") or 0)
    monkeypatch.setattr(idle_gc.gc, "freeze", lambda: calls.append("freeze"))
    yield calls
    gc.unfreeze()


def test_freeze_waits_for_a_pause_in_input(collections: list[str]) -> None:
    collector = IdleCollector()
    collector.freeze_when_idle()
    collector.input_seen()  # typing now: neither the collection nor the freeze may run
    collector._check()
    assert collections == []
    collector._last_input -= idle_gc.IDLE_SECONDS + 0.1  # the user paused
    collector._check()
    assert collections == ["collect", "freeze"]
    collector._check()  # done once
    assert collections == ["collect", "freeze"]


def test_freeze_requested_after_a_collection_still_runs_at_the_next_pause(collections: list[str]) -> None:
    collector = IdleCollector()
    collector._last_input -= 10
    collector._check()  # nothing typed since start: nothing to do
    assert collections == []
    collector.freeze_when_idle()
    collector._check()
    assert collections == ["collect", "freeze"]


def test_an_overdue_collection_during_typing_freezes_too(collections: list[str]) -> None:
    # The full walk is paid anyway: freezing then spares the next overdue collection another walk of everything.
    collector = IdleCollector()
    collector.freeze_when_idle()
    collector.input_seen()
    collector._check()
    assert collections == []
    collector._last_collection -= idle_gc.MAX_INTERVAL + 1
    collector._check()
    assert collections == ["collect", "freeze"]
