"""The idle collector: full collections and the post-load freeze wait for a pause in input."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from pathlib import Path

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


async def test_young_generations_are_collected_just_after_a_frame_not_during_input(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from textual.app import App

    collected: list[int] = []
    real_collect = gc.collect
    monkeypatch.setattr(idle_gc.gc, "collect", lambda generation=2: collected.append(generation) or real_collect(0))
    app: App[None] = App()
    async with app.run_test():
        collector = IdleCollector()
        collector.start(app)
        try:
            assert gc.get_threshold()[0] == idle_gc.YOUNG_THRESHOLD  # a keystroke's objects stay under it
            real_collect(1)
            collector.frame_painted()  # few young objects: nothing to do
            assert collector._young is None
            kept = [[] for _ in range(idle_gc.YOUNG_DUE + 100)]  # tracked containers, as an answer's items
            collector.frame_painted()
            collector.frame_painted()  # one collection per frame at most
            assert collected == []  # not now: the frame is still being written out
            await asyncio.sleep(idle_gc.YOUNG_DELAY + 0.05)
            assert collected == [0]
            del kept
        finally:
            collector.stop()
    assert gc.get_threshold()[0] != idle_gc.YOUNG_THRESHOLD  # CPython's own thresholds are back


async def test_the_workbench_reports_each_painted_frame_to_the_collector(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from symphony_tui.app import SymphonyApp

    painted: list[None] = []
    monkeypatch.setattr(IdleCollector, "frame_painted", lambda self: painted.append(None))
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    app = SymphonyApp(tmp_path, open_paths=[tmp_path / "a.py"], watch_config=False)
    async with app.run_test() as pilot:
        await pilot.pause()
        before = len(painted)
        await pilot.press("y")
        await pilot.pause()
        assert len(painted) > before
