"""The hex view of binary files: offsets, both hex halves and printable ASCII, like ``hexdump -C``."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from core.workspace.hexdump import hex_dump, read_hex_view


def test_rows_show_offset_hex_halves_and_printable_text() -> None:
    dump = hex_dump(b"PK\x03\x04hello, world!\x00\xff")
    assert dump.splitlines() == [
        "00000000  50 4b 03 04 68 65 6c 6c  6f 2c 20 77 6f 72 6c 64  |PK..hello, world|",
        "00000010  21 00 ff                                          |!..|",
    ]
    assert hex_dump(b"") == ""


@given(st.binary(max_size=200))
def test_the_hex_columns_hold_every_byte_in_order(data: bytes) -> None:
    rows = hex_dump(data).splitlines()
    assert len(rows) == -(-len(data) // 16)
    recovered = bytes.fromhex("".join(row[10:58] for row in rows))
    assert recovered == data


def test_a_large_file_is_cut_at_the_limit_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(b"\x00" * 100)
    text, size, truncated = read_hex_view(path, limit=32)
    assert (size, truncated, len(text.splitlines())) == (100, True, 2)
    assert read_hex_view(path)[2] is False
