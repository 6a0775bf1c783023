"""Chambering: the lifecycle table is enforced and every move is announced."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ExtensionError, NotFoundError
from extensions.kit.chambering import TRANSITIONS, ChamberEvent, Chambering, ChamberState, IllegalTransitionError

S = ChamberState
HAPPY_PATH = [S.VALIDATED, S.INSTALLED, S.LOADED, S.ACTIVE, S.DEACTIVATED, S.UNLOADED]


def test_happy_path_walks_every_stage_and_announces_each_move() -> None:
    chambering = Chambering()
    seen: list[ChamberEvent] = []
    chambering.subscribe(seen.append)
    chambering.discover("a.b")
    for state in HAPPY_PATH:
        chambering.transition("a.b", state)
    assert [e.state for e in seen] == [S.DISCOVERED, *HAPPY_PATH]
    assert [e.previous for e in seen] == [None, S.DISCOVERED, *HAPPY_PATH[:-1]]
    assert chambering.state("a.b") is S.UNLOADED


def test_illegal_transition_is_refused_and_names_the_allowed_moves() -> None:
    chambering = Chambering()
    chambering.discover("a.b")
    with pytest.raises(IllegalTransitionError) as info:
        chambering.transition("a.b", S.ACTIVE)
    assert "from discovered to active" in info.value.message
    assert "disabled, failed, validated" in info.value.message
    assert isinstance(info.value, ExtensionError)
    assert chambering.state("a.b") is S.DISCOVERED


def test_failure_needs_a_reason_and_restart_clears_it() -> None:
    chambering = Chambering()
    chambering.discover("a.b")
    with pytest.raises(IllegalTransitionError, match=r"without a reason"):
        chambering.transition("a.b", S.FAILED)
    crash = ExtensionError("host crashed")
    chambering.fail("a.b", crash)
    assert chambering.get("a.b").error is crash
    chambering.transition("a.b", S.INSTALLED)
    assert chambering.get("a.b").error is None


def test_disabled_extension_must_be_enabled_before_it_can_load() -> None:
    chambering = Chambering()
    chambering.discover("a.b")
    chambering.transition("a.b", S.DISABLED)
    assert not chambering.can("a.b", S.LOADED)
    chambering.transition("a.b", S.INSTALLED)
    assert chambering.can("a.b", S.LOADED)


def test_a_failing_listener_does_not_stop_the_move_or_other_listeners() -> None:
    chambering = Chambering()
    seen: list[ChamberState] = []

    def broken(event: ChamberEvent) -> None:
        raise RuntimeError("panel bug")

    chambering.subscribe(broken)
    chambering.subscribe(lambda e: seen.append(e.state))
    chambering.discover("a.b")
    chambering.transition("a.b", S.VALIDATED)
    assert seen == [S.DISCOVERED, S.VALIDATED]


def test_unsubscribe_stops_events() -> None:
    chambering = Chambering()
    seen: list[ChamberEvent] = []
    unsubscribe = chambering.subscribe(seen.append)
    chambering.discover("a.b")
    unsubscribe()
    chambering.transition("a.b", S.VALIDATED)
    assert len(seen) == 1


def test_unknown_extension_is_not_found() -> None:
    with pytest.raises(NotFoundError, match=r"'x.y' is not known"):
        Chambering().transition("x.y", S.VALIDATED)


def test_every_state_is_reachable_from_discovered_and_can_reach_disabled() -> None:
    reachable = {S.DISCOVERED}
    frontier = [S.DISCOVERED]
    while frontier:
        for nxt in TRANSITIONS[frontier.pop()]:
            if nxt not in reachable:
                reachable.add(nxt)
                frontier.append(nxt)
    assert reachable == set(S)


@given(st.lists(st.sampled_from(list(S)), max_size=40))
def test_any_sequence_of_requests_only_ever_applies_allowed_moves(requests: list[ChamberState]) -> None:
    chambering = Chambering()
    chambering.discover("a.b")
    for target in requests:
        before = chambering.state("a.b")
        try:
            chambering.transition("a.b", target, error=ExtensionError("x") if target is S.FAILED else None)
        except IllegalTransitionError:
            assert chambering.state("a.b") is before
            assert target not in TRANSITIONS[before]
        else:
            assert target in TRANSITIONS[before]
    assert len(chambering.get("a.b").history) <= 50
