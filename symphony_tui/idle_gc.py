"""Garbage collections run between keystrokes, not in the middle of one.

CPython's automatic generation-2 collection walks every tracked object the app holds; with a large file open it
took 60-200 ms and landed on a random keystroke. Here automatic collections stop at generation 1 (young objects
only) and the full collection runs once input has been quiet for ``IDLE_SECONDS``, or at the latest every
``MAX_INTERVAL`` seconds of continuous activity, so cyclic garbage is still reclaimed.

Young collections are cheap but not free: with a completion list open, a keystroke creates ~1,500 objects (the
server's 500-item answer among them), so CPython's default threshold (700) ran a generation-0 collection in most
keystrokes and a generation-1 collection (0.6-1 ms) in every fourth, between the key and its frame. The
threshold is raised so a keystroke rarely reaches it, and the young generations are collected just after a
frame has been painted instead (:meth:`IdleCollector.frame_painted`), while the user looks at it.
"""

from __future__ import annotations

import asyncio
import gc
import time

from textual.app import App
from textual.timer import Timer

YOUNG_THRESHOLD = 5_000
"""Generation-0 threshold while the app runs (CPython's default is 700): few keystrokes create this many objects."""
YOUNG_DUE = 1_000
"""Young objects after which a frame is followed by a generation-0 collection."""
YOUNG_DELAY = 0.003
"""Seconds between a frame and the young collection it calls for: the terminal writer thread needs the GIL to send
the frame out, and a collection holds it throughout."""
IDLE_SECONDS = 1.0
MAX_INTERVAL = 30.0
CHECK_EVERY = 0.5
_NO_AUTOMATIC_FULL = 1_000_000
"""A generation-2 threshold no session reaches: full collections are left to the idle check."""


class IdleCollector:
    """Owns the process's full garbage collections for one app's lifetime."""

    def __init__(self) -> None:
        self._last_input = time.monotonic()
        self._last_collection = time.monotonic()
        self._saved_thresholds: tuple[int, int, int] | None = None
        self._timer: Timer | None = None
        self._freeze_pending = False
        self._young: asyncio.TimerHandle | None = None

    def start(self, app: App[object]) -> None:
        """Take over full collections (until ``stop``)."""
        if self._saved_thresholds is None:
            self._saved_thresholds = gc.get_threshold()
            _, second, _ = self._saved_thresholds
            gc.set_threshold(YOUNG_THRESHOLD, second, _NO_AUTOMATIC_FULL)
        self._timer = app.set_interval(CHECK_EVERY, self._check, name="idle-gc")

    def stop(self) -> None:
        """Give full collections back to CPython."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._young is not None:
            self._young.cancel()
            self._young = None
        if self._saved_thresholds is not None:
            gc.set_threshold(*self._saved_thresholds)
            self._saved_thresholds = None

    def frame_painted(self) -> None:
        """A frame was painted: collect the young generations shortly after, if they have grown enough."""
        if self._young is not None or self._saved_thresholds is None:
            return
        young, middle, _ = gc.get_count()
        if young >= YOUNG_DUE or middle >= self._saved_thresholds[1] - 1:
            self._young = asyncio.get_running_loop().call_later(YOUNG_DELAY, self._collect_young)

    def _collect_young(self) -> None:
        self._young = None
        if self._saved_thresholds is None:
            return
        # Generation 1 when the next automatic collection would take it anyway (each collection of generation 0
        # counts towards it).
        gc.collect(1 if gc.get_count()[1] >= self._saved_thresholds[1] - 1 else 0)

    def input_seen(self) -> None:
        """Note user input (a key, a paste, a click): the collection waits for the next pause."""
        self._last_input = time.monotonic()

    def freeze_when_idle(self) -> None:
        """At the next pause, collect then freeze what exists (``gc.freeze``): a large file has been loaded and
        later full collections need not walk its objects again. A freeze needs a full collection first (40-90 ms
        with such a file), which must not land on a keystroke."""
        self._freeze_pending = True

    def _check(self) -> None:
        now = time.monotonic()
        quiet = now - self._last_input >= IDLE_SECONDS
        overdue = now - self._last_collection >= MAX_INTERVAL
        if (quiet and (self._last_input > self._last_collection or self._freeze_pending)) or overdue:
            gc.collect()
            if self._freeze_pending:  # (an overdue collection during typing has paid for the walk already)
                self._freeze_pending = False
                gc.freeze()
            self._last_collection = time.monotonic()
