"""Cells are cached by their packed value and style; a warm cache must read exactly what a cold one does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import terminal.emulator as emulator_module
from terminal.emulator import TerminalEmulator

sgr = st.sampled_from(
    [b"\x1b[0m", b"\x1b[1m", b"\x1b[31m", b"\x1b[38;5;208m", b"\x1b[38;2;1;2;3m", b"\x1b[48;2;9;9;9m", b"\x1b[7m"]
)
text = st.sampled_from([b"a", b"b", b" ", b"\xe4\xb8\xad", b"\xf0\x9f\x8e\xb5", b"e\xcc\x81", b"\r\n", b"\x1b[K"])
streams = st.lists(st.one_of(sgr, text), max_size=60).map(b"".join)


@settings(max_examples=80, deadline=None)
@given(streams, streams)
def test_a_screen_reads_the_same_after_other_output_warmed_the_cache(warmup: bytes, stream: bytes) -> None:
    warm, cold = TerminalEmulator(10, 4), TerminalEmulator(10, 4)
    warm.feed(warmup)
    warm.lines()
    warm.reset()
    warm.feed(stream)
    cold.feed(stream)
    assert warm.lines() == cold.lines()


def test_the_caches_restart_together_when_a_program_uses_very_many_styles(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(emulator_module, "_STYLE_INTERN_LIMIT", 8)
    emu = TerminalEmulator(10, 3)
    emu.feed(b"".join(f"\x1b[38;2;{i};0;0mx".encode() for i in range(30)))
    rows = emu.lines()
    assert len(emu._style_intern) <= 8 + emu.cols + 1  # checked per row, so one row may go past the limit
    assert [cell.style.fg for row in rows for cell in row.cells] == [(i, 0, 0) for i in range(30)]
