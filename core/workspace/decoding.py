"""Bytes <-> editor text: BOM and encoding detection, line-ending detection and their exact inverses.

Pure functions with no I/O, so the rules that make a save byte-identical to what was read live in one place
and can be property-tested on their own.
"""

from __future__ import annotations

import codecs
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from core.errors import ConfigError, EncodingError
from core.types import LineEnding

BINARY_SNIFF_BYTES = 8192
"""How much of a file the binary check looks at (the same window git uses)."""

# Longest BOM first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BOM_FOR: dict[str, bytes] = {codec: bom for bom, codec in _BOMS}

# Codecs that write their own BOM, mapped to the explicit-endian codec plus "has a BOM".
_BIJECTIVE_CODECS = frozenset({"utf-8", "cp1252", "latin-1", "iso8859-1", "ascii"})

_SELF_BOM_CODECS: dict[str, str] = {
    "utf-8-sig": "utf-8",
    "utf-16": f"utf-16-{'le' if sys.byteorder == 'little' else 'be'}",
    "utf-32": f"utf-32-{'le' if sys.byteorder == 'little' else 'be'}",
}


@dataclass(frozen=True, slots=True)
class DecodedText:
    """The result of decoding a file's bytes; everything needed to encode it back unchanged."""

    text: str
    """The content with every line break turned into ``"\\n"``."""
    encoding: str
    """Python codec name (explicit endianness for UTF-16/32; never a BOM-writing codec like ``utf-8-sig``)."""
    has_bom: bool
    """Whether the bytes started with a byte order mark (not part of ``text``)."""
    encoding_guessed: bool
    """True when no BOM, UTF-8 or the configured default fitted and a fallback was assumed."""
    line_ending: LineEnding
    """The dominant line ending (LF when the file has no line break)."""
    mixed_line_endings: bool
    """More than one kind of line ending occurs (``line_endings`` then records each one)."""
    line_endings: tuple[LineEnding, ...] | None = None
    """For mixed files only: the ending of each line break in order, so a save can write them back as found."""


def canonical_codec(encoding: str, *, setting: str = "encoding") -> str:
    """Python's canonical name for ``encoding`` (``UTF8`` -> ``utf-8``); ConfigError names an unknown one."""
    try:
        return codecs.lookup(encoding).name
    except (LookupError, TypeError) as exc:
        raise ConfigError(
            f"unknown text encoding {encoding!r} for {setting}",
            hint="Use a Python codec name such as utf-8, utf-16-le, cp1252 or latin-1.",
            data={"encoding": encoding, "setting": setting},
        ) from exc


def normalize_encoding(encoding: str, has_bom: bool) -> tuple[str, bool]:
    """Split BOM-writing codecs (utf-8-sig, utf-16, utf-32) into an explicit codec plus a BOM flag."""
    name = canonical_codec(encoding)
    if name in _SELF_BOM_CODECS:
        return _SELF_BOM_CODECS[name], True
    if has_bom and name not in _BOM_FOR:
        raise EncodingError(
            f"the {name} encoding has no byte order mark",
            hint="Save without a BOM, or choose a Unicode encoding (utf-8, utf-16-le...).",
            data={"encoding": name},
        )
    return name, has_bom


def bom_for(encoding: str) -> bytes:
    """The byte order mark written before text in ``encoding`` (which must be a UTF codec)."""
    return _BOM_FOR[encoding]


def looks_binary(data: bytes) -> bool:
    """NUL bytes near the start mean binary, as git and most editors decide (after ruling out UTF-16/32)."""
    return b"\x00" in data[:BINARY_SNIFF_BYTES]


def _sniff_bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: mostly-ASCII text has a NUL in nearly every other byte, on one side only."""
    head = data[:BINARY_SNIFF_BYTES]
    if len(data) % 2 or len(head) < 4:
        return None
    even_nuls = head[0::2].count(0)
    odd_nuls = head[1::2].count(0)
    pairs = len(head) // 2
    for codec, high, low in (("utf-16-le", odd_nuls, even_nuls), ("utf-16-be", even_nuls, odd_nuls)):
        if high >= 0.7 * pairs and low == 0:
            try:
                data.decode(codec)
            except UnicodeDecodeError:
                return None
            return codec
    return None


def detect_line_ending(text: str) -> tuple[LineEnding, bool]:
    """The dominant line ending of raw text (ties prefer LF, then CRLF) and whether endings are mixed."""
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    counts = {LineEnding.LF: lf, LineEnding.CRLF: crlf, LineEnding.CR: cr}
    dominant = max(counts, key=lambda ending: counts[ending])
    if counts[dominant] == 0:
        dominant = LineEnding.LF
    mixed = sum(1 for count in counts.values() if count) > 1
    return dominant, mixed


_BREAK = re.compile(r"\r\n|\r|\n")
_BY_SEQUENCE = {"\n": LineEnding.LF, "\r\n": LineEnding.CRLF, "\r": LineEnding.CR}


def line_endings_of(text: str) -> tuple[LineEnding, ...]:
    """The ending of every line break in raw text, in order."""
    return tuple(_BY_SEQUENCE[match.group()] for match in _BREAK.finditer(text))


def apply_line_endings(lf_text: str, line_ending: LineEnding, line_endings: Sequence[LineEnding] | None) -> str:
    """LF text with its breaks written as ``line_endings`` (one per break, in order) and ``line_ending`` for any
    break beyond them; without ``line_endings`` every break becomes ``line_ending``."""
    if not line_endings:
        return lf_text if line_ending is LineEnding.LF else lf_text.replace("\n", line_ending.sequence)
    lines = lf_text.split("\n")
    default = line_ending.sequence
    known = len(line_endings)
    out = [lines[0]]
    for index, line in enumerate(lines[1:]):
        out.append(line_endings[index].sequence if index < known else default)
        out.append(line)
    return "".join(out)


def to_lf(text: str) -> str:
    """Turn CRLF and lone CR into LF (other Unicode line separators are content and stay)."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_bytes(data: bytes, *, default_encoding: str = "utf-8", label: str = "<bytes>") -> DecodedText:
    """Decode file bytes: BOM, else strict UTF-8, else the default encoding, else cp1252, else latin-1.

    Raises EncodingError for binary content; ``label`` (usually the path) names the file in messages.
    """
    default = canonical_codec(default_encoding, setting="the default encoding")
    raw: str | None = None
    encoding, has_bom, guessed = "utf-8", False, False
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                raw = data[len(bom) :].decode(codec)
            except UnicodeDecodeError:
                break  # a BOM followed by garbage: treat the BOM bytes as ordinary content below
            encoding, has_bom = codec, True
            break
    if raw is None:
        utf16 = _sniff_bomless_utf16(data) if b"\x00" in data[:BINARY_SNIFF_BYTES] else None
        if utf16 is not None:
            raw, encoding, guessed = data.decode(utf16), utf16, True
        elif looks_binary(data):
            raise EncodingError(
                f"{label} looks like a binary file",
                hint="It contains NUL bytes; open it with a hex viewer, or reopen with an explicit encoding.",
                data={"path": label},
            )
        else:
            raw, encoding, guessed = _decode_first_fitting(data, default)
    line_ending, mixed = detect_line_ending(raw)
    return DecodedText(
        text=to_lf(raw),
        encoding=encoding,
        has_bom=has_bom,
        encoding_guessed=guessed,
        line_ending=line_ending,
        mixed_line_endings=mixed,
        line_endings=line_endings_of(raw) if mixed else None,
    )


def _decode_first_fitting(data: bytes, default: str) -> tuple[str, str, bool]:
    """Strict UTF-8, then the configured default, then cp1252; latin-1 always fits as a last resort."""
    default = _SELF_BOM_CODECS.get(default, default)
    for codec, guessed in (("utf-8", False), (default, False), ("cp1252", True)):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        # Some legacy codecs map several byte sequences to one character; only accept exact round trips.
        if codec in _BIJECTIVE_CODECS or _reencodes_to(text, codec, data):
            return text, codec, guessed
    return data.decode("latin-1"), "latin-1", True


def _reencodes_to(text: str, codec: str, data: bytes) -> bool:
    try:
        return text.encode(codec) == data
    except UnicodeEncodeError:
        return False


def encode_text(
    text: str,
    *,
    encoding: str,
    line_ending: LineEnding,
    has_bom: bool,
    label: str = "<text>",
    line_endings: Sequence[LineEnding] | None = None,
) -> bytes:
    """The exact bytes for ``text``: line breaks as ``line_ending`` (or per break as ``line_endings``, for files
    that mixed them), strict encoding, BOM re-added.

    Raises EncodingError naming the 1-based line and column of the first character the encoding can't hold.
    """
    codec, has_bom = normalize_encoding(encoding, has_bom)
    lf_text = to_lf(text)
    disk_text = apply_line_endings(lf_text, line_ending, line_endings)
    try:
        payload = disk_text.encode(codec)
    except UnicodeEncodeError as exc:
        raise _unencodable(lf_text, codec, label) from exc
    return bom_for(codec) + payload if has_bom else payload


def _unencodable(lf_text: str, codec: str, label: str) -> EncodingError:
    """Locate the first character ``codec`` can't encode in the LF text (what the user sees)."""
    try:
        lf_text.encode(codec)
    except UnicodeEncodeError as exc:
        index = exc.start
    else:  # pragma: no cover - encode_text only calls this after a failure
        index = 0
    line = lf_text.count("\n", 0, index) + 1
    column = index - (lf_text.rfind("\n", 0, index) + 1) + 1
    char = lf_text[index]
    name = unicodedata.name(char, "unnamed character")
    return EncodingError(
        f"{label}: line {line}, column {column}: {char!r} (U+{ord(char):04X} {name}) can't be saved as {codec}",
        hint="Remove the character, or save with an encoding that can hold it, such as utf-8.",
        data={"path": label, "line": line, "column": column, "character": char, "encoding": codec},
    )
