"""The pure bytes <-> text rules under read_text_file/save_text_file."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ConfigError, EncodingError
from core.types import LineEnding
from core.workspace.decoding import decode_bytes, detect_line_ending, encode_text, normalize_encoding, to_lf


@pytest.mark.parametrize(
    ("raw", "ending", "mixed"),
    [
        ("", LineEnding.LF, False),
        ("no newline", LineEnding.LF, False),
        ("a\nb\n", LineEnding.LF, False),
        ("a\r\nb\r\n", LineEnding.CRLF, False),
        ("a\rb\r", LineEnding.CR, False),
        ("a\r\nb\r\nc\n", LineEnding.CRLF, True),
        ("a\nb\r\n", LineEnding.LF, True),
    ],
)
def test_dominant_line_ending_and_mixing_are_detected(raw: str, ending: LineEnding, mixed: bool) -> None:
    assert detect_line_ending(raw) == (ending, mixed)


def test_unicode_line_separators_are_content_not_line_endings() -> None:
    assert to_lf("a\u2028b\x0c\x85c\r\n") == "a\u2028b\x0c\x85c\n"


_LINE = st.text(st.characters(exclude_characters="\r\n", codec="utf-8"))


@given(lines=st.lists(_LINE), ending=st.sampled_from(LineEnding))
def test_encode_then_decode_gives_the_text_back(lines: list[str], ending: LineEnding) -> None:
    text = "\n".join(lines)
    data = encode_text(text, encoding="utf-8", line_ending=ending, has_bom=False)
    if b"\x00" in data:
        return
    decoded = decode_bytes(data)
    assert decoded.text == text
    if "\n" in text:
        assert decoded.line_ending is ending


@pytest.mark.parametrize(
    ("name", "has_bom", "expected"),
    [
        ("UTF8", False, ("utf-8", False)),
        ("utf-8-sig", False, ("utf-8", True)),
        ("utf-16-le", True, ("utf-16-le", True)),
        ("latin_1", False, ("iso8859-1", False)),
    ],
)
def test_encoding_names_are_normalised(name: str, has_bom: bool, expected: tuple[str, bool]) -> None:
    assert normalize_encoding(name, has_bom) == expected


def test_unknown_encoding_is_a_config_error_naming_it() -> None:
    with pytest.raises(ConfigError, match="klingon"):
        normalize_encoding("klingon", False)


def test_a_configured_legacy_encoding_is_only_used_when_it_round_trips() -> None:
    # cp932 decodes both 0x87 0x90 and 0x81 0xe0 to U+2252 but encodes it back as 0x81 0xe0: not lossless.
    data = b"\x87\x90\n"
    decoded = decode_bytes(data, default_encoding="cp932")
    assert decoded.encoding != "cp932"
    assert encode_text(decoded.text, encoding=decoded.encoding, line_ending=LineEnding.LF, has_bom=False) == data


def test_utf8_bom_followed_by_invalid_bytes_keeps_every_byte() -> None:
    data = b"\xef\xbb\xbfcaf\xe9\n"
    decoded = decode_bytes(data)
    assert not decoded.has_bom
    assert encode_text(decoded.text, encoding=decoded.encoding, line_ending=LineEnding.LF, has_bom=False) == data


def test_nul_bytes_without_a_utf16_pattern_are_binary() -> None:
    with pytest.raises(EncodingError, match="looks like a binary file"):
        decode_bytes(b"ELF\x00\x01\x02\x00\xff", label="a.out")
