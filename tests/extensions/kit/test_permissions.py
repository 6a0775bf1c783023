"""Permissions: stored grants, prompts on first use, denial as an error value, never a crash."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from core.errors import PermissionDeniedError
from extensions.kit.manifest import Capability
from extensions.kit.permissions import Decision, PermissionGate, PermissionRequest, PermissionStore

DECLARED = [Capability.FS_READ, Capability.NET]


class ScriptedUser:
    """Answers prompts from a script and records what it was asked."""

    def __init__(self, *answers: Decision) -> None:
        self.answers = list(answers)
        self.asked: list[PermissionRequest] = []

    async def __call__(self, request: PermissionRequest) -> Decision:
        self.asked.append(request)
        await asyncio.sleep(0)
        return self.answers.pop(0)


def gate(tmp_path: Path, user: ScriptedUser) -> PermissionGate:
    return PermissionGate(PermissionStore(tmp_path / "permissions.json"), user)


async def test_allow_always_is_stored_and_never_asked_again_even_after_restart(tmp_path: Path) -> None:
    user = ScriptedUser(Decision.ALLOW_ALWAYS)
    await gate(tmp_path, user).check("a.b", "fs.read", declared=DECLARED, reason="read notes.md")
    assert user.asked[0].reason == "read notes.md"
    later = gate(tmp_path, ScriptedUser())  # a fresh process reading the same file; asking would fail
    await later.check("a.b", Capability.FS_READ, declared=DECLARED)
    assert json.loads((tmp_path / "permissions.json").read_text())["grants"] == {"a.b": ["fs.read"]}


async def test_allow_once_asks_again_next_time(tmp_path: Path) -> None:
    user = ScriptedUser(Decision.ALLOW_ONCE, Decision.ALLOW_ONCE)
    checker = gate(tmp_path, user)
    await checker.check("a.b", "net", declared=DECLARED)
    await checker.check("a.b", "net", declared=DECLARED)
    assert len(user.asked) == 2
    assert not (tmp_path / "permissions.json").exists()


async def test_allow_once_inside_a_command_covers_the_rest_of_that_command_only(tmp_path: Path) -> None:
    user = ScriptedUser(Decision.ALLOW_ONCE, Decision.ALLOW_ONCE)
    checker = gate(tmp_path, user)
    with checker.command_scope("a.b"):
        for _ in range(5):  # e.g. a search reading five files
            await checker.check("a.b", "fs.read", declared=DECLARED)
        with checker.command_scope("a.b"):  # a nested command of the same extension shares the answer
            await checker.check("a.b", "fs.read", declared=DECLARED)
        assert len(user.asked) == 1
    with checker.command_scope("a.b"):  # the next command asks again
        await checker.check("a.b", "fs.read", declared=DECLARED)
    assert len(user.asked) == 2
    assert not (tmp_path / "permissions.json").exists()


async def test_denial_raises_permission_error_and_is_not_asked_again_until_restart(tmp_path: Path) -> None:
    user = ScriptedUser(Decision.DENY, Decision.ALLOW_ONCE)
    checker = gate(tmp_path, user)
    for _ in range(3):
        with pytest.raises(PermissionDeniedError) as info:
            await checker.check("a.b", "net", declared=DECLARED)
        assert info.value.data == {"extension": "a.b", "capability": "net", "reason": "denied"}
    assert len(user.asked) == 1
    checker.reset_session("a.b")
    await checker.check("a.b", "net", declared=DECLARED)
    assert len(user.asked) == 2


async def test_undeclared_capability_is_refused_without_asking(tmp_path: Path) -> None:
    user = ScriptedUser()
    with pytest.raises(PermissionDeniedError, match=r"does not declare") as info:
        await gate(tmp_path, user).check("a.b", "process.spawn", declared=DECLARED)
    assert "capabilities" in info.value.hint
    assert user.asked == []


async def test_unknown_capability_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PermissionDeniedError, match=r"unknown capability 'root'"):
        await gate(tmp_path, ScriptedUser()).check("a.b", "root", declared=DECLARED)


async def test_concurrent_calls_share_one_prompt(tmp_path: Path) -> None:
    user = ScriptedUser(Decision.ALLOW_ALWAYS)
    checker = gate(tmp_path, user)
    await asyncio.gather(*(checker.check("a.b", "fs.read", declared=DECLARED) for _ in range(5)))
    assert len(user.asked) == 1


async def test_a_prompt_that_fails_counts_as_deny(tmp_path: Path) -> None:
    async def broken(request: PermissionRequest) -> Decision:
        raise RuntimeError("no UI")

    checker = PermissionGate(PermissionStore(tmp_path / "p.json"), broken)
    with pytest.raises(PermissionDeniedError):
        await checker.check("a.b", "net", declared=DECLARED)


def test_corrupt_grants_file_grants_nothing_and_reports_the_file(tmp_path: Path) -> None:
    path = tmp_path / "permissions.json"
    path.write_text("{not json", encoding="utf-8")
    store = PermissionStore(path)
    assert store.granted("a.b") == frozenset()
    assert store.problem is not None and str(path) in store.problem.message
    store.grant("a.b", Capability.NET)
    assert PermissionStore(path).granted("a.b") == {Capability.NET}


def test_revoke_all_forgets_the_extension(tmp_path: Path) -> None:
    store = PermissionStore(tmp_path / "p.json")
    store.grant("a.b", Capability.NET)
    store.grant("a.b", Capability.FS_READ)
    store.revoke("a.b", Capability.NET)
    assert PermissionStore(tmp_path / "p.json").granted("a.b") == {Capability.FS_READ}
    store.revoke("a.b")
    assert PermissionStore(tmp_path / "p.json").granted("a.b") == frozenset()
