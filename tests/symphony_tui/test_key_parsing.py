"""Keys a terminal sends as ESC + character reach bindings with their alt (Textual dropped it for punctuation)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual._xterm_parser import XTermParser

from symphony_tui import key_parsing


@pytest.fixture(autouse=True)
def installed() -> Iterator[None]:
    key_parsing.install()
    yield
    key_parsing.install()


def keys(data: str) -> list[str]:
    parser = XTermParser()
    return [event.key for event in [*parser.feed(data), *parser.feed("")]]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("sent", "key"),
    [
        ("\x1b/", "alt+slash"),  # trigger suggest's fallback for ctrl+space
        ("\x1b\r", "alt+enter"),  # code actions' fallback for ctrl+.
        ("\x1b\\", "alt+backslash"),  # split terminal
        ("\x1bk", "alt+k"),
        ("\x1bK", "alt+shift+k"),
    ],
)
def test_alt_with_any_character_is_reported_with_its_alt(sent: str, key: str) -> None:
    assert keys(sent) == [key]


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ("\x1b", ["escape"]),
        ("\x1b[A", ["up"]),
        ("/", ["slash"]),
        ("\x1b\x7f", ["ctrl+w"]),
        # xterm's modified F12 (go to declaration, type definition, references, implementations).
        ("\x1b[24;3~", ["alt+f12"]),
        ("\x1b[24;6~", ["ctrl+shift+f12"]),
        ("\x1b[24;2~", ["shift+f12"]),
        ("\x1b[24;5~", ["ctrl+f12"]),
    ],
)
def test_escape_sequences_and_plain_keys_are_unchanged(sent: str, expected: list[str]) -> None:
    assert keys(sent) == expected


def test_without_the_fix_textual_drops_the_alt() -> None:
    key_parsing.uninstall()
    assert keys("\x1b/") == ["slash"]


def test_only_installed_on_the_tested_textual_line() -> None:
    assert key_parsing.supported()
    assert not key_parsing.supported("9.0.0")
