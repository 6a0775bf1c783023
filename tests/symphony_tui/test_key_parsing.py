"""Keys a terminal sends as ESC + character reach bindings with their alt (Textual dropped it for punctuation)."""

from __future__ import annotations

import asyncio
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


def test_each_key_knows_how_many_more_the_same_read_held() -> None:
    from symphony_tui.key_bursts import keys_after

    parser = XTermParser()
    burst = [event for event in parser.feed("ab\x1b[Ac") if hasattr(event, "key")]  # type: ignore[attr-defined]
    assert [(event.key, keys_after(event)) for event in burst] == [("a", 3), ("b", 2), ("up", 1), ("c", 0)]
    single = [event for event in parser.feed("z") if hasattr(event, "key")]  # type: ignore[attr-defined]
    assert [keys_after(event) for event in single] == [0]


async def test_a_burst_of_keys_from_one_read_is_painted_once_after_the_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A terminal read with several keys (fast typing over SSH, tmux send-keys) used to be painted a frame at a
    time; no paint may show a part of the burst, and the whole burst is on screen without waiting a frame."""
    from textual import events

    from symphony_tui import key_bursts
    from symphony_tui.key_parsing import BURST_ATTRIBUTE

    monkeypatch.setattr(key_bursts, "HOLD_MAX", 5.0)  # a slow machine must not end the hold by its deadline

    (tmp_path / "notes.txt").write_text("\n", encoding="utf-8")
    app = SymphonyApp(tmp_path, open_paths=[tmp_path / "notes.txt"], watch_config=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        editor = app.active_editor
        assert editor is not None and editor.has_focus
        screen = app.screen
        painted: list[str] = []
        original = screen._compositor_refresh

        def refresh() -> None:
            painted.append(editor.document[0])
            original()

        screen._compositor_refresh = refresh  # type: ignore[method-assign]
        for word in ("abcd", "efgh"):
            painted.clear()
            for index, char in enumerate(word):  # as the driver posts a read's keys: one message each
                key = events.Key(char, char)
                setattr(key, BURST_ATTRIBUTE, len(word) - 1 - index)
                app.post_message(key)
                await asyncio.sleep(0.008)  # each handled before the next arrives, frame ticks in between
            await settle(pilot)
            assert editor.document[0].endswith(word)
            partial = [text for text in painted if any(text.endswith(word[:size]) for size in range(1, len(word)))]
            assert not partial, f"a paint showed part of the burst: {partial}"
            assert painted, "the burst was never painted"


async def test_a_burst_whose_last_key_never_comes_stops_holding_the_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual import events

    from symphony_tui import key_bursts
    from symphony_tui.key_parsing import BURST_ATTRIBUTE

    monkeypatch.setattr(key_bursts, "HOLD_MAX", 0.5)

    (tmp_path / "notes.txt").write_text("\n", encoding="utf-8")
    app = SymphonyApp(tmp_path, open_paths=[tmp_path / "notes.txt"], watch_config=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        editor = app.active_editor
        assert editor is not None
        key = events.Key("x", "x")
        setattr(key, BURST_ATTRIBUTE, 3)  # three more announced, none sent
        app.post_message(key)
        for _ in range(200):
            if editor.document[0] == "x":
                break
            await asyncio.sleep(0.001)
        assert app._key_bursts.holding and app._batch_count  # handled, still held for the rest of the burst
        await asyncio.sleep(0.6)  # past the hold's deadline
        await pilot.pause()
        assert not app._key_bursts.holding and not app._batch_count
        assert editor.document[0] == "x"
