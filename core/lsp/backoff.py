"""When to restart a crashed server: exponential backoff with a budget that refills after a healthy run."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RestartBackoff:
    """Delays grow ``initial * 2**n`` up to ``max_delay``; after ``max_attempts`` quick crashes, give up.

    A server that stayed up ``reset_after`` seconds before crashing starts again from the first delay, so a
    server that crashes once a day is always restarted, and one that crashes on start-up is not retried forever.
    """

    max_attempts: int
    initial: float
    max_delay: float
    reset_after: float
    attempts: int = field(default=0, init=False)

    def next_delay(self, uptime: float) -> float | None:
        """Seconds to wait before restarting a server that crashed after ``uptime`` seconds, or None to give up."""
        if uptime >= self.reset_after:
            self.attempts = 0
        if self.attempts >= self.max_attempts:
            return None
        delay: float = min(self.max_delay, self.initial * 2.0**self.attempts)
        self.attempts += 1
        return delay


__all__ = ["RestartBackoff"]
