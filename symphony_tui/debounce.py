"""A delay restarted on every keystroke: work done "a moment after typing stops" (hot-exit backup, the outline
following the cursor, LSP document highlights and lightbulb).

Textual's ``set_timer`` creates an asyncio task per timer, and restarting means stopping that one and creating
another: three such restarts per typed key cost ~0.3 ms of the key's path to the screen. A restart here only
moves a deadline; one loop timer handle per quiet period looks at it when it fires.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


class Debounce:
    """Calls ``callback`` once ``delay`` seconds have passed since the last :meth:`restart`.

    The callback runs in the event loop with the context of the restart that armed it (Textual's active app
    included). An exception it raises is logged, not raised into the app: a late background chore must not take
    the editor down.
    """

    def __init__(self, delay: float, callback: Callable[[], object], *, name: str) -> None:
        self.delay = delay
        self.name = name
        self._callback = callback
        self._deadline: float | None = None
        self._handle: asyncio.TimerHandle | None = None

    @property
    def pending(self) -> bool:
        """Whether the callback is due to run."""
        return self._deadline is not None

    def restart(self, delay: float | None = None) -> None:
        """Run the callback ``delay`` (default: the debounce's delay) seconds from now, not earlier."""
        loop = asyncio.get_running_loop()
        self._deadline = loop.time() + (self.delay if delay is None else delay)
        handle = self._handle
        if handle is not None and handle.when() <= self._deadline:
            return  # it fires first and re-arms for the rest
        if handle is not None:
            handle.cancel()
        self._handle = loop.call_at(self._deadline, self._fire)

    def cancel(self) -> None:
        """Forget the pending run, if any."""
        self._deadline = None
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _fire(self) -> None:
        self._handle = None
        deadline = self._deadline
        if deadline is None:
            return
        loop = asyncio.get_running_loop()
        if deadline - loop.time() > 0.001:  # restarted since this handle was armed
            self._handle = loop.call_at(deadline, self._fire)
            return
        self._deadline = None
        try:
            self._callback()
        except Exception:
            log.exception("%s failed", self.name)
