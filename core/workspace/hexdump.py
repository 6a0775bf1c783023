"""A read-only hex view of a binary file: what the editor shows instead of corrupting bytes it cannot decode."""

from __future__ import annotations

from pathlib import Path

BYTES_PER_ROW = 16
HEX_VIEW_LIMIT = 4 * 1024 * 1024
"""Only this many leading bytes are shown (a hex view of a huge binary is not something anyone scrolls)."""


def hex_dump(data: bytes, *, start: int = 0) -> str:
    """``offset  hex bytes  |ascii|`` rows, as ``hexdump -C`` prints them."""
    rows = []
    for offset in range(0, len(data), BYTES_PER_ROW):
        chunk = data[offset : offset + BYTES_PER_ROW]
        hex_part = " ".join(f"{byte:02x}" for byte in chunk[:8])
        if len(chunk) > 8:
            hex_part += "  " + " ".join(f"{byte:02x}" for byte in chunk[8:])
        text = "".join(chr(byte) if 0x20 <= byte < 0x7F else "." for byte in chunk)
        rows.append(f"{start + offset:08x}  {hex_part:<48}  |{text}|")
    return "\n".join(rows) + ("\n" if rows else "")


def read_hex_view(path: Path, limit: int = HEX_VIEW_LIMIT) -> tuple[str, int, bool]:
    """The hex view of ``path``'s first ``limit`` bytes, the file's size, and whether it was cut short.

    Raises OSError as reading does (the caller turns it into a SymphonyError naming the path).
    """
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
        size = max(len(data), handle.seek(0, 2))
    truncated = len(data) > limit
    return hex_dump(data[:limit]), size, truncated
