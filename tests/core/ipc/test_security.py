"""Tokens, token registry and rate limiting (docs/ipc-protocol.md §5)."""

from __future__ import annotations

import os

import pytest

from core.errors import AuthenticationError
from core.ipc.security import TOKEN_ENV, AuthToken, TokenBucket, TokenRegistry


def test_generated_tokens_are_256_bit_hex_and_never_repeat() -> None:
    tokens = {AuthToken.generate().hex for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(t) == 64 and int(t, 16) >= 0 for t in tokens)


def test_token_repr_hides_the_secret() -> None:
    token = AuthToken.generate()
    assert token.hex not in repr(token)
    assert token.hex not in f"{token!r} {[token]}"


def test_matches_only_the_exact_token() -> None:
    token = AuthToken.generate()
    assert token.matches(token.hex)
    assert not token.matches(token.hex[:-1] + ("0" if token.hex[-1] != "0" else "1"))
    assert not token.matches("")
    assert not token.matches("é" * 64)


def test_from_env_removes_the_token_so_grandchildren_do_not_inherit_it() -> None:
    token = AuthToken.generate()
    env = token.child_env({"PATH": "/bin"})
    assert env == {"PATH": "/bin", TOKEN_ENV: token.hex}
    assert AuthToken.from_env(env).hex == token.hex
    assert TOKEN_ENV not in env


def test_missing_token_says_the_process_must_be_started_by_symphony() -> None:
    with pytest.raises(AuthenticationError, match="SYMPHONY_IPC_TOKEN is not set") as info:
        AuthToken.from_env({})
    assert "started by Symphony" in info.value.hint


def test_malformed_token_is_refused_without_echoing_it() -> None:
    with pytest.raises(AuthenticationError, match="64 lowercase hex digits") as info:
        AuthToken("NOT-A-TOKEN")
    assert "NOT-A-TOKEN" not in str(info.value)


def test_token_travels_through_an_inherited_pipe_fd() -> None:
    token = AuthToken.generate()
    fd = token.write_to_pipe()
    assert AuthToken.from_fd(fd).hex == token.hex
    with pytest.raises(OSError):
        os.fstat(fd)  # closed after reading


def test_registry_tokens_are_one_time_and_bound_to_their_identity() -> None:
    registry = TokenRegistry()
    host = registry.issue("host-1")
    other = registry.issue("host-2")
    assert registry.redeem(AuthToken.generate().hex) is None
    assert registry.redeem(host.hex) == "host-1"
    assert registry.redeem(host.hex) is None
    assert len(registry) == 1
    registry.revoke("host-2")
    assert registry.redeem(other.hex) is None


def test_token_bucket_allows_the_burst_then_the_rate() -> None:
    now = [0.0]
    bucket = TokenBucket(rate=10, burst=3, clock=lambda: now[0])
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    now[0] += 0.1  # one token refilled
    assert [bucket.take(), bucket.take()] == [True, False]
    now[0] += 100  # refill is capped at the burst
    assert sum(bucket.take() for _ in range(10)) == 3


def test_token_bucket_does_not_bank_time_spent_full() -> None:
    now = [0.0]
    bucket = TokenBucket(rate=1, burst=2, clock=lambda: now[0])
    now[0] = 50.0
    assert [bucket.take(), bucket.take(), bucket.take()] == [True, True, False]
