"""Shared pydantic types: validation errors are precise, values round-trip through JSON."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from core.errors import ConfigError, ErrorCode, NotFoundError, SymphonyError
from core.types import (
    DocumentMeta,
    EntityId,
    FilePath,
    LineEnding,
    Notification,
    Position,
    Range,
    RpcError,
    RpcRequest,
    RpcResponse,
    TextEdit,
    Timestamp,
    Version,
    parse_message,
)

versions = st.builds(
    Version,
    st.integers(0, 10_000),
    st.integers(0, 10_000),
    st.integers(0, 10_000),
    st.sampled_from(["", "alpha", "alpha.1", "rc.2", "beta.11", "0.3.7", "x-y"]),
    st.sampled_from(["", "build.5", "sha-abc"]),
)


@given(versions)
def test_version_text_round_trip(version: Version) -> None:
    assert Version.parse(str(version)) == version
    assert str(Version.parse(str(version))) == str(version)


@given(versions, versions)
def test_version_ordering_is_total_and_ignores_build(a: Version, b: Version) -> None:
    assert (a < b) + (a == b) + (b < a) == 1


def test_semver_precedence_rules() -> None:
    ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11"]
    ordered += ["1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0"]
    parsed = [Version.parse(v) for v in ordered]
    assert parsed == sorted(parsed)


@pytest.mark.parametrize("bad", ["1", "1.2", "01.2.3", "1.2.3-", "v1.2.3", "1.2.3.4", ""])
def test_bad_version_names_the_text(bad: str) -> None:
    with pytest.raises(ValueError, match="semantic version"):
        Version.parse(bad)


def test_version_in_a_model_serialises_as_string() -> None:
    class Manifest(BaseModel):
        version: Version

    m = Manifest.model_validate({"version": "2.1.0-rc.1"})
    assert m.version == Version(2, 1, 0, "rc.1")
    assert m.model_dump(mode="json") == {"version": "2.1.0-rc.1"}
    with pytest.raises(PydanticValidationError, match="semantic version"):
        Manifest.model_validate({"version": "two"})


def test_entity_id_rejects_unsafe_text() -> None:
    adapter = TypeAdapter(EntityId)
    assert adapter.validate_python("symphony.git:status-1") == "symphony.git:status-1"
    for bad in ["", "-leading", "has space", "a/b", "x" * 200]:
        with pytest.raises(PydanticValidationError):
            adapter.validate_python(bad)


def test_timestamp_normalises_to_utc() -> None:
    adapter = TypeAdapter(Timestamp)
    naive = adapter.validate_python(datetime(2026, 1, 1, 12, 0))
    assert naive.tzinfo is not None and naive.utcoffset() == timedelta(0)
    shifted = adapter.validate_python(datetime(2026, 1, 1, 14, 0, tzinfo=timezone(timedelta(hours=2))))
    assert shifted == naive


def test_file_path_round_trips_as_string() -> None:
    adapter = TypeAdapter(FilePath)
    assert adapter.validate_python("a/b.py") == Path("a/b.py")
    assert adapter.dump_python(Path("a/b.py"), mode="json") == "a/b.py"
    with pytest.raises(PydanticValidationError):
        adapter.validate_python("bad\x00path")


def test_range_must_be_ordered_and_contains_is_half_open() -> None:
    r = Range.of(1, 2, 3, 0)
    assert r.contains(Position(line=1, column=2))
    assert not r.contains(Position(line=3, column=0))
    with pytest.raises(PydanticValidationError, match="comes before start"):
        Range.of(3, 0, 1, 0)


def test_text_edit_and_document_meta_round_trip_json() -> None:
    edit = TextEdit(range=Range.of(0, 0, 0, 4), new_text="def")
    assert TextEdit.model_validate_json(edit.model_dump_json()) == edit
    meta = DocumentMeta(id="doc-1", path=Path("x.py"), language="python", line_ending=LineEnding.CRLF)
    again = DocumentMeta.model_validate_json(meta.model_dump_json())
    assert again == meta and again.line_ending.sequence == "\r\n"


def test_parse_message_classifies_requests_notifications_and_responses() -> None:
    assert isinstance(parse_message({"jsonrpc": "2.0", "id": 1, "method": "ping"}), RpcRequest)
    assert isinstance(parse_message({"jsonrpc": "2.0", "method": "log", "params": {}}), Notification)
    resp = parse_message({"jsonrpc": "2.0", "id": 1, "result": 5})
    assert isinstance(resp, RpcResponse) and resp.ok
    with pytest.raises(PydanticValidationError, match="either 'result' or 'error'"):
        parse_message({"jsonrpc": "2.0", "id": 1, "result": 1, "error": {"code": 1, "message": "x"}})
    with pytest.raises(ValueError, match="must be a map"):
        parse_message([1, 2])


def test_errors_cross_the_wire_with_code_and_hint() -> None:
    err = NotFoundError("no extension 'x'", hint="install it", data={"id": "x"})
    wire = RpcError.from_exception(err)
    assert wire.code == ErrorCode.NOT_FOUND
    back = wire.to_exception()
    assert isinstance(back, NotFoundError)
    assert (back.message, back.hint, back.data) == ("no extension 'x'", "install it", {"id": "x"})
    unknown = SymphonyError.from_dict({"code": 99999, "message": "?"})
    assert unknown.code == ErrorCode.INTERNAL


def test_every_error_has_a_default_hint() -> None:
    assert ConfigError("bad").hint
    assert "bad" in str(ConfigError("bad"))
