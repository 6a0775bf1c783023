"""When to restart a crashed extension host: exponential backoff under a rolling budget of restarts.

At most ``max_restarts`` restarts in any ``window`` seconds; past that the host stays stopped until the user runs
"Restart extensions", so a host that crashes on start-up cannot spin the machine.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class RestartPolicy:
    """Delays ``initial_delay * 2**n`` (capped at ``max_delay``), n = restarts still inside the window."""

    max_restarts: int = 3
    window: float = 60.0
    initial_delay: float = 0.25
    max_delay: float = 8.0
    clock: Callable[[], float] = time.monotonic
    _restarts: deque[float] = field(default_factory=deque, init=False, repr=False)

    def next_delay(self) -> float | None:
        """Seconds to wait before the next restart (and count it), or None: the budget is spent, stay stopped."""
        now = self.clock()
        while self._restarts and now - self._restarts[0] >= self.window:
            self._restarts.popleft()
        if len(self._restarts) >= self.max_restarts:
            return None
        delay = min(self.max_delay, self.initial_delay * 2.0 ** len(self._restarts))
        self._restarts.append(now + delay)
        return delay

    def reset(self) -> None:
        """Forget past restarts (the user asked for a restart)."""
        self._restarts.clear()


__all__ = ["RestartPolicy"]
