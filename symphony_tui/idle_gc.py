"""Full garbage collections run while the user pauses, not in the middle of a keystroke.

CPython's automatic generation-2 collection walks every tracked object the app holds; with a large file open it
took 60-200 ms and landed on a random keystroke. Here automatic collections stop at generation 1 (cheap: young
objects only) and the full collection runs once input has been quiet for ``IDLE_SECONDS``, or at the latest
every ``MAX_INTERVAL`` seconds of continuous activity, so cyclic garbage is still reclaimed.
"""

from __future__ import annotations

import gc
import time

from textual.app import App
from textual.timer import Timer

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

    def start(self, app: App[object]) -> None:
        """Take over full collections (until ``stop``)."""
        if self._saved_thresholds is None:
            self._saved_thresholds = gc.get_threshold()
            first, second, _ = self._saved_thresholds
            gc.set_threshold(first, second, _NO_AUTOMATIC_FULL)
        self._timer = app.set_interval(CHECK_EVERY, self._check, name="idle-gc")

    def stop(self) -> None:
        """Give full collections back to CPython."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._saved_thresholds is not None:
            gc.set_threshold(*self._saved_thresholds)
            self._saved_thresholds = None

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
