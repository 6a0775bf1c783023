"""Restart policy after crashes."""

from __future__ import annotations

from core.lsp.backoff import RestartBackoff


def _policy() -> RestartBackoff:
    return RestartBackoff(max_attempts=4, initial=0.5, max_delay=3.0, reset_after=60.0)


def test_delays_double_up_to_the_cap_then_give_up() -> None:
    policy = _policy()
    assert [policy.next_delay(uptime=1.0) for _ in range(5)] == [0.5, 1.0, 2.0, 3.0, None]


def test_a_healthy_run_refills_the_budget() -> None:
    policy = _policy()
    for _ in range(4):
        policy.next_delay(uptime=1.0)
    assert policy.next_delay(uptime=1.0) is None
    assert policy.next_delay(uptime=120.0) == 0.5


def test_zero_attempts_never_restarts() -> None:
    assert RestartBackoff(max_attempts=0, initial=1, max_delay=1, reset_after=1).next_delay(uptime=0.0) is None
