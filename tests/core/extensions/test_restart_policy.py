"""RestartPolicy: exponential backoff, at most N restarts in any window, reset by the user."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.extensions import RestartPolicy


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_delays_double_until_the_budget_is_spent_then_the_host_stays_stopped() -> None:
    clock = FakeClock()
    policy = RestartPolicy(max_restarts=3, window=60.0, initial_delay=0.5, clock=clock)
    assert [policy.next_delay(), policy.next_delay(), policy.next_delay()] == [0.5, 1.0, 2.0]
    assert policy.next_delay() is None
    clock.now += 30
    assert policy.next_delay() is None


def test_restarts_older_than_the_window_no_longer_count() -> None:
    clock = FakeClock()
    policy = RestartPolicy(max_restarts=3, window=60.0, initial_delay=0.5, clock=clock)
    for _ in range(3):
        policy.next_delay()
    clock.now += 61 + 3.5  # past the window, counted from when each restart happened
    assert policy.next_delay() == 0.5


def test_reset_gives_a_fresh_budget() -> None:
    policy = RestartPolicy(max_restarts=1, clock=FakeClock())
    assert policy.next_delay() is not None
    assert policy.next_delay() is None
    policy.reset()
    assert policy.next_delay() == policy.initial_delay


@given(st.lists(st.floats(min_value=0.0, max_value=40.0), max_size=40), st.integers(1, 5))
def test_never_more_restarts_in_any_window_than_allowed(gaps: list[float], budget: int) -> None:
    clock = FakeClock()
    policy = RestartPolicy(max_restarts=budget, window=60.0, initial_delay=0.1, max_delay=4.0, clock=clock)
    restarts: list[float] = []
    for gap in gaps:
        clock.now += gap
        delay = policy.next_delay()
        if delay is not None:
            assert 0.1 <= delay <= 4.0
            restarts.append(clock.now + delay)
    for index, start in enumerate(restarts):
        assert sum(1 for t in restarts[index:] if t - start < 60.0) <= budget
