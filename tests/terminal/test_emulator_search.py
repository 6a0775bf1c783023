"""Scrollback search, selection text and revealing rows, on the emulator alone (no PTY, no UI)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from terminal.emulator import TerminalEmulator
from terminal.selection import ScreenPoint, TextRange


def numbered(count: int, cols: int = 20, rows: int = 5) -> TerminalEmulator:
    emu = TerminalEmulator(cols, rows, scrollback=1000)
    for i in range(count):
        emu.feed(f"row {i:03d}\r\n".encode())
    return emu


def test_search_finds_matches_in_the_scrollback_oldest_first_in_screen_rows() -> None:
    emu = numbered(40)
    matches = emu.search("row 00")
    assert [m.start for m in matches] == [ScreenPoint(y, 0) for y in range(10)]
    assert all(m.end == ScreenPoint(m.start.y, 5) for m in matches)
    assert emu.scrollback_rows > 30  # those rows are far above the screen


def test_search_ignores_case_and_an_empty_or_absent_needle_finds_nothing() -> None:
    emu = TerminalEmulator(30, 4)
    emu.feed(b"Hello HELLO hello")
    assert len(emu.search("hello")) == 3
    assert emu.search("") == []
    assert emu.search("bye") == []


def test_a_match_across_a_soft_wrap_spans_two_rows_and_copies_as_one_word() -> None:
    emu = TerminalEmulator(10, 3)
    emu.feed(b"0123456789abcdef")
    [match] = emu.search("89ab")
    assert (match.start, match.end) == (ScreenPoint(0, 8), ScreenPoint(1, 1))
    assert emu.text_in(match) == "89ab"


def test_text_in_keeps_hard_line_breaks_and_trims_trailing_blanks() -> None:
    emu = TerminalEmulator(20, 4)
    emu.feed(b"first line\r\nsecond\r\nthird")
    assert emu.text_in(TextRange(ScreenPoint(0, 6), ScreenPoint(2, 2))) == "line\nsecond\nthi"


def test_text_in_clamps_points_outside_the_history() -> None:
    emu = TerminalEmulator(8, 2)
    emu.feed(b"abc")
    assert emu.text_in(TextRange(ScreenPoint(0, 0), ScreenPoint(99, 99))) == "abc"


def test_reveal_row_scrolls_a_scrollback_row_into_view_and_viewport_top_follows() -> None:
    emu = numbered(40)
    assert emu.viewport_top == emu.scrollback_rows - emu.viewport_offset
    assert emu.reveal_row(emu.viewport_top + 1) == frozenset()  # already visible: nothing moves
    damaged = emu.reveal_row(3)
    assert damaged and emu.viewport_top <= 3 < emu.viewport_top + emu.rows
    assert "row 003" in emu.text()
    assert emu.viewport_top == emu.scrollback_rows - emu.viewport_offset


lines = st.lists(st.text(alphabet="abc ", max_size=15), min_size=1, max_size=30)


@settings(max_examples=60, deadline=None)
@given(lines)
def test_every_match_copies_back_as_the_needle_and_none_are_missed(texts: list[str]) -> None:
    emu = TerminalEmulator(16, 4, scrollback=100)
    emu.feed("\r\n".join(texts).encode())
    matches = emu.search("ab")
    assert len(matches) == sum(text.count("ab") for text in texts)
    assert matches == sorted(matches, key=lambda m: m.start)
    for match in matches:
        assert emu.text_in(match) == "ab"


def test_word_at_finds_the_word_under_a_point_and_nothing_past_the_text() -> None:
    emu = TerminalEmulator(24, 3)
    emu.feed(b"ls big-world\r\nnext")
    word = emu.word_at(ScreenPoint(0, 7))
    assert word == TextRange(ScreenPoint(0, 3), ScreenPoint(0, 11))
    assert emu.text_in(word) == "big-world"
    assert emu.word_at(ScreenPoint(0, 20)) is None


def test_dropped_history_rows_are_counted_so_marks_can_follow_their_text() -> None:
    emu = TerminalEmulator(20, 5, scrollback=100)
    dropped = 0
    for i in range(5000):
        emu.feed(b"line %d\r\n" % i)
        dropped += emu.drain_history_shift()
    assert dropped > 0  # the limit pruned whole pages of old lines
    # Every line fed either is still kept (history + screen) or was counted as dropped.
    kept = emu.viewport_top + emu.rows
    assert dropped + kept == 5000 + 1
    first_kept = emu.text_in(TextRange(ScreenPoint(0, 0), ScreenPoint(0, 19))).strip()
    assert first_kept == f"line {dropped}"
    emu.feed(b"\x1b[3J")  # the program clears the history
    assert emu.drain_history_shift() == kept - emu.rows
    assert emu.drain_history_shift() == 0


def test_a_resize_is_not_mistaken_for_dropped_history() -> None:
    emu = TerminalEmulator(20, 5, scrollback=1000)
    for i in range(50):
        emu.feed(b"line %d\r\n" % i)
    emu.drain_history_shift()
    emu.resize(30, 8)
    emu.feed(b"more\r\n")
    assert emu.drain_history_shift() == 0
