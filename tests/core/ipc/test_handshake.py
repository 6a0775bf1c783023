"""Handshake payloads (docs/ipc-protocol.md §3): what is accepted, what is refused and why."""

from __future__ import annotations

import json

import pytest

from core.errors import AuthenticationError, ProtocolError, UnsupportedError
from core.ipc.handshake import check_hello, check_welcome, encode_hello, encode_refusal, encode_welcome
from core.ipc.security import AuthToken

TOKEN = AuthToken.generate()


def authenticate(presented: str) -> str | None:
    return "host-1" if TOKEN.matches(presented) else None


def test_hello_with_the_right_token_picks_the_first_codec_both_sides_speak() -> None:
    hello = check_hello(encode_hello(TOKEN.hex, codecs=["cbor", "json", "msgpack"], name="host"), authenticate)
    assert (hello.codec, hello.identity, hello.name) == ("json", "host-1", "host")


def test_hello_is_plain_json_another_language_can_write() -> None:
    payload = json.loads(encode_hello(TOKEN.hex, name="x"))
    assert payload == {"symphony": 1, "codecs": ["msgpack", "json"], "token": TOKEN.hex, "name": "x"}


def test_wrong_token_is_an_authentication_error() -> None:
    with pytest.raises(AuthenticationError):
        check_hello(encode_hello(AuthToken.generate().hex), authenticate)


def test_missing_token_is_an_authentication_error() -> None:
    with pytest.raises(AuthenticationError):
        check_hello(json.dumps({"symphony": 1, "codecs": ["msgpack"]}).encode(), authenticate)


def test_other_protocol_version_is_refused_naming_both() -> None:
    with pytest.raises(ProtocolError, match="version 2, this side speaks 1"):
        check_hello(json.dumps({"symphony": 2, "codecs": ["msgpack"], "token": TOKEN.hex}).encode(), authenticate)


def test_no_common_codec_is_unsupported() -> None:
    with pytest.raises(UnsupportedError, match="no common IPC codec"):
        check_hello(encode_hello(TOKEN.hex, codecs=["cbor"]), authenticate)


@pytest.mark.parametrize("payload", [b"\xff\xfe", b"[1, 2]", b"{", b"null"])
def test_garbage_hello_is_a_protocol_error(payload: bytes) -> None:
    with pytest.raises(ProtocolError):
        check_hello(payload, authenticate)


def test_welcome_names_the_codec_and_a_refusal_becomes_the_original_error() -> None:
    assert check_welcome(encode_welcome("json")) == "json"
    with pytest.raises(AuthenticationError, match="wrong token"):
        check_welcome(encode_refusal(AuthenticationError("wrong token")))
    with pytest.raises(ProtocolError, match="unexpected IPC welcome"):
        check_welcome(encode_welcome("cbor"))
