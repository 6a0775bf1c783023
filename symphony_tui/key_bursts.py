"""Keys that arrive together are painted once, after the last of them.

A terminal read often holds several keys: fast typing over SSH, key repeat, a multiplexer sending a word at once
(tmux send-keys). Textual paints at most once per 60 Hz frame and may paint between two of them, so the last key
of a four-key burst reached the screen two or three frames (30-45 ms) after it arrived, where vim shows the
whole burst in one redraw (~5 ms). Here, while more keys of the same read are still to come, painting is held; after the
last one has been handed to the widget that takes it and handled there, the frame is painted at once. The keys
of one read are counted where Textual parses them (:mod:`symphony_tui.key_parsing`): they reach the app one at a
time, so its queue never shows the ones still to come.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual import events

from symphony_tui.key_parsing import BURST_ATTRIBUTE
from symphony_tui.partial_layout import end_hold

if TYPE_CHECKING:
    from textual.app import App

HOLD_MAX = 0.05
"""Longest a burst holds the screen (seconds), whatever happens to the keys in it."""


def keys_after(event: events.Key) -> int:
    """How many more keys the terminal read that brought ``event`` held after it (0 for keys posted in-process)."""
    return int(getattr(event, BURST_ATTRIBUTE, 0))


class KeyBursts:
    """Holds the app's painting from the first key of a burst until the last has been handled."""

    def __init__(self, app: App[object]) -> None:
        self.app = app
        self._deadline: asyncio.TimerHandle | None = None

    @property
    def holding(self) -> bool:
        return self._deadline is not None

    def key_arrived(self, event: events.Key) -> None:
        """Before the app handles a key: start holding when the same read brought more keys after it."""
        if self._deadline is None and keys_after(event):
            self.app._begin_batch()
            self._deadline = asyncio.get_running_loop().call_later(HOLD_MAX, self.release)

    def key_handled(self, event: events.Key) -> None:
        """After the app handled (forwarded) a key: if it was the burst's last, release once the widget that
        takes the keys has handled those forwarded to it (a callback queued behind them)."""
        if self._deadline is not None and not keys_after(event):
            target = self.app.focused or self.app.screen
            target.call_later(self.release)

    def release(self) -> None:
        """End the hold and paint what the burst changed now, not at the next frame tick."""
        deadline, self._deadline = self._deadline, None
        if deadline is None:
            return
        deadline.cancel()
        end_hold(self.app, handed_over=self.app.focused)
