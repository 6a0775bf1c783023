"""Keys a terminal sends as ESC + character reach bindings with their alt (Textual dropped it for punctuation)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual._xterm_parser import XTermParser
from textual.pilot import Pilot
from textual.widgets import Input, Static

from symphony_tui import key_parsing
from symphony_tui.app import SymphonyApp
from symphony_tui.widgets.editor_find import FindBar
from tests.symphony_tui.pilot_wait import settle


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


def test_an_alt_chord_carries_no_character_so_no_input_types_it() -> None:
    parser = XTermParser()
    [event] = [*parser.feed("\x1bc"), *parser.feed("")]  # type: ignore[attr-defined]
    assert (event.key, event.character, event.is_printable) == ("alt+c", None, False)


async def send_bytes(pilot: Pilot[None], data: str) -> None:
    """Deliver ``data`` as a terminal would: parsed by Textual's parser, posted to the app like the driver does."""
    parser = XTermParser()
    for event in [*parser.feed(data), *parser.feed("")]:  # type: ignore[attr-defined]
        pilot.app.post_message(event)
        await pilot.pause()


async def test_find_bar_alt_toggles_and_replace_all_fire_from_a_real_terminal(tmp_path: Path) -> None:
    source = "Alpha alpha\nalpha\n"
    (tmp_path / "mod.py").write_text(source, encoding="utf-8")
    app = SymphonyApp(tmp_path, open_paths=[tmp_path / "mod.py"], watch_config=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await app.run_command("editor.replace")
        await pilot.pause()
        bar = app.query_one(FindBar)
        find = bar.query_one("#find-input", Input)
        await send_bytes(pilot, "alpha\x1bc")  # alt+c: match case
        assert find.value == "alpha"
        assert str(bar.query_one("#find-count", Static).render()) == "1 of 2"
        bar.query_one("#replace-input", Input).focus()
        await send_bytes(pilot, "beta\x1ba")  # alt+a: replace all
        assert bar.query_one("#replace-input", Input).value == "beta"
        assert app.active_editor is not None and app.active_editor.text == "Alpha beta\nbeta\n"
