"""Arbitrary program output never crashes or hangs the emulator, and chunking never changes the result."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from terminal.emulator import TerminalEmulator

_FINALS = b"@ABCDEFGHIJKLMPSTXZ`abcdefghlmnpqrstu"

csi = st.builds(
    lambda private, params, final: b"\x1b[" + private + b";".join(params) + bytes([final]),
    st.sampled_from([b"", b"?", b">", b"="]),
    st.lists(
        st.one_of(st.integers(0, 100).map(lambda n: str(n).encode()), st.just(b"99999999999999999999")), max_size=6
    ),
    st.sampled_from(_FINALS),
)
osc = st.builds(
    lambda number, body, end: b"\x1b]" + number + b";" + body + end,
    st.sampled_from([b"0", b"2", b"7", b"8;", b"52;c", b"133", b"999"]),
    st.binary(max_size=40),
    st.sampled_from([b"\x07", b"\x1b\\", b""]),
)
fragments = st.one_of(
    st.binary(max_size=64),
    st.text(max_size=20).map(lambda s: s.encode("utf-8", "surrogatepass")),
    csi,
    osc,
    csi.map(lambda b: b[: len(b) // 2]),  # truncated sequences
    st.sampled_from([b"\x1b", b"\x1bP", b"\x1b[?1049h", b"\x1b[?1049l", b"\r\n", b"\xff\xfe", b"\x1bc"]),
)
streams = st.lists(fragments, max_size=30).map(b"".join)

_settings = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _screen(emu: TerminalEmulator) -> list[tuple[tuple[str, int], ...]]:
    return [tuple((cell.text, cell.width) for cell in line.cells) for line in emu.lines()]


@_settings
@given(streams)
def test_arbitrary_bytes_never_crash_and_leave_a_consistent_screen(data: bytes) -> None:
    emu = TerminalEmulator(12, 4, scrollback=20)
    damaged = emu.feed(data)
    assert damaged <= frozenset(range(emu.rows))
    for line in emu.lines():
        assert sum(max(cell.width, 0) for cell in line.cells) <= emu.cols + 1
        assert len(line.cells) == emu.cols
    cursor = emu.cursor
    assert 0 <= cursor.x < emu.cols
    assert 0 <= cursor.y < emu.rows
    emu.modes  # noqa: B018 - reading modes must not fail either


@_settings
@given(streams, st.integers(1, 16))
def test_feeding_in_chunks_gives_the_same_screen_as_feeding_at_once(data: bytes, chunk: int) -> None:
    whole = TerminalEmulator(12, 4, scrollback=20)
    whole.feed(data)
    pieces = TerminalEmulator(12, 4, scrollback=20)
    for start in range(0, len(data), chunk):
        pieces.feed(data[start : start + chunk])
    assert _screen(pieces) == _screen(whole)
    assert (pieces.cursor.x, pieces.cursor.y) == (whole.cursor.x, whole.cursor.y)


@pytest.mark.parametrize(
    ("first", "later"),
    [
        (b"e", "\u0301".encode()),  # combining acute accent
        (b"e", b"\x1b[1m" + "\u0301".encode()),  # after an SGR in the later write
        ("\u2764".encode(), "\ufe0f".encode()),  # emoji presentation selector
        ("\U0001f469".encode(), "\u200d\U0001f4bb".encode()),  # zero-width joiner sequence
        (b"e\xcc", b"\x81"),  # the mark's UTF-8 bytes split across the writes
    ],
)
def test_a_character_joining_the_previous_write_updates_its_row(first: bytes, later: bytes) -> None:
    # libghostty-vt does not mark the row dirty when a later write only extends a cell (terminal/joining.py).
    whole = TerminalEmulator(12, 4, scrollback=20)
    whole.feed(first + later)
    emu = TerminalEmulator(12, 4, scrollback=20)
    emu.feed(first)
    before = _screen(emu)
    damaged = emu.feed(later)
    assert _screen(emu) == _screen(whole)
    assert _screen(emu) != before
    assert 0 in damaged


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 10**12), st.sampled_from(list(_FINALS)))
def test_huge_parameters_are_clamped_not_obeyed(count: int, final: int) -> None:
    emu = TerminalEmulator(10, 3)
    emu.feed(b"x" + b"\x1b[" + str(count).encode() + bytes([final]) + b"y")
    assert 0 <= emu.cursor.x < 10
    assert 0 <= emu.cursor.y < 3
