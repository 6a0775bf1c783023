"""Tunable limits of one IPC connection; the defaults are the protocol v1 defaults in docs/ipc-protocol.md §6."""

from __future__ import annotations

from pydantic import Field, model_validator

from core.ipc.frame import DEFAULT_MAX_FRAME_SIZE
from core.types.base import FrozenModel


class RateLimit(FrozenModel):
    """Token bucket for incoming requests and notifications: ``rate`` per second, bursts of up to ``burst``."""

    rate: float = Field(default=100_000.0, gt=0)
    burst: int = Field(default=10_000, ge=1)


class IpcSettings(FrozenModel):
    """Limits and timings for a connection. Both peers should use the same ``max_frame_size``."""

    max_frame_size: int = Field(default=DEFAULT_MAX_FRAME_SIZE, ge=1024, le=2**32 - 1)
    handshake_timeout: float = Field(default=5.0, gt=0)
    request_timeout: float | None = Field(default=60.0, gt=0)
    """Deadline for requests made without an explicit ``timeout``; checked on each heartbeat tick."""
    heartbeat_interval: float = Field(default=0.4, gt=0)
    missed_heartbeats: int = Field(default=3, ge=1)
    """A peer silent for this many consecutive intervals is dead: detected 1.2-1.6 s after it stops."""
    max_in_flight: int = Field(default=256, ge=1)
    """Outgoing requests awaiting a response; ``request`` waits for a free slot beyond that."""
    max_concurrent_handlers: int = Field(default=256, ge=1)
    """Incoming async requests being handled; reading from the peer pauses beyond that."""
    write_buffer_high: int = Field(default=4 * 1024 * 1024, ge=1024)
    write_buffer_low: int = Field(default=1024 * 1024, ge=0)
    write_buffer_max: int = Field(default=64 * 1024 * 1024, ge=1024)
    """Hard cap: a peer that lets this much pile up unread (replies it never reads) is disconnected."""
    shm_threshold: int | None = Field(default=1024 * 1024, ge=1)
    """Bytes values at least this large are sent through shared memory (docs/ipc-protocol.md §4.4); None: never."""
    reply_poll_us: int = Field(default=100, ge=0, le=10_000)
    """After sending a lone request, read the socket directly for up to this many microseconds for its reply
    instead of sleeping in the event loop (adaptive: skipped for methods whose replies keep arriving later).
    Costs at most this much CPU per request; 0 turns it off. See docs/ipc-protocol.md §6.4."""
    request_linger_us: int = Field(default=100, ge=0, le=10_000)
    """After answering a request inline, read the socket directly for up to this many microseconds for the next
    message instead of sleeping in the event loop (adaptive: skipped after misses). Costs at most this much CPU
    per answered request; 0 turns it off. See docs/ipc-protocol.md §6.4."""
    rate_limit: RateLimit | None = RateLimit()
    """None disables rate limiting (for trusted, in-process test peers)."""

    @model_validator(mode="after")
    def _low_below_high(self) -> IpcSettings:
        if self.write_buffer_low > self.write_buffer_high:
            raise ValueError("write_buffer_low must not exceed write_buffer_high")
        return self

    @property
    def dead_after(self) -> float:
        """Seconds of silence after which the peer is declared dead."""
        return self.heartbeat_interval * self.missed_heartbeats
