"""The one place that touches libghostty-vt (through pyghostty's cffi ``ffi``/``lib``).

Why libghostty-vt: it is Ghostty's fuzzed, SIMD-accelerated VT core, ships as a PyPI wheel (no compiler), and
parses ~60 MB/s here against ~1 MB/s for pyte (see benchmarks/terminal_flood.py). cffi releases the GIL during
every C call, so a flood being parsed in a worker thread does not starve the UI loop.

Everything else in ``terminal/`` speaks Python types; only this module knows C names, result codes and the
packed-cell bit layout (read from the library's own type manifest, so a layout change is caught at import).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from core.errors import InternalError, UnsupportedError

try:
    from pyghostty import ffi as _ffi  # type: ignore[import-untyped]
    from pyghostty import lib as _lib
except (ImportError, OSError) as exc:  # pragma: no cover - depends on the platform's wheel
    raise UnsupportedError(
        f"The terminal emulator library could not be loaded: {exc}",
        hint="Install the 'pyghostty' wheel for this platform (pip install pyghostty==0.1.3).",
        data={"module": "pyghostty"},
    ) from exc

ffi: Any = _ffi
lib: Any = _lib

SUCCESS = 0
NO_VALUE = -4

# GhosttyMods bits (include/ghostty/vt/key/event.h; #defines, so absent from the cdef).
MOD_SHIFT = 1 << 0
MOD_CTRL = 1 << 1
MOD_ALT = 1 << 2
MOD_SUPER = 1 << 3


def check(result: int, what: str) -> None:
    """Turn a non-success GhosttyResult into an InternalError naming the call (these are Symphony bugs)."""
    if result != SUCCESS:
        raise InternalError(
            f"libghostty-vt call {what} failed with result {result}",
            data={"call": what, "result": int(result)},
        )


def owned(handle: Any, free_function: str) -> Any:
    """Tie a ``T*`` out-parameter holding a libghostty handle to Python's lifetime, freeing it with ``free_function``.

    The free function is looked up now: a finalizer may run during garbage collection inside another cffi call
    that holds cffi's (non-reentrant) lock, and looking up ``lib.<name>`` there would take that lock again.
    """
    free = getattr(lib, free_function)
    return ffi.gc(handle, lambda pointer: free(pointer[0]))


def new_sized(ctype: str) -> Any:
    """``ffi.new`` a struct that follows libghostty's size-field ABI convention, nested sizes included."""
    ptr = ffi.new(ctype + "*")
    _set_sizes(ptr)
    return ptr


def _set_sizes(ptr: Any) -> None:
    struct = ffi.typeof(ptr).item
    for name, field in struct.fields:
        if name == "size":
            ptr.size = ffi.sizeof(struct)
        elif field.type.kind == "struct":
            _set_sizes(ffi.addressof(ptr[0], name))


def string_of(value: Any) -> str:
    """Decode a borrowed GhosttyString (ptr, len) as UTF-8, replacing invalid bytes."""
    if not value.len:
        return ""
    return bytes(ffi.buffer(value.ptr, value.len)).decode("utf-8", "replace")


@dataclass(frozen=True, slots=True)
class CellLayout:
    """Bit positions of the packed 64-bit GhosttyCell, taken from ``ghostty_type_json``."""

    tag_shift: int
    tag_mask: int
    content_shift: int
    codepoint_mask: int
    style_shift: int
    style_mask: int
    wide_shift: int
    wide_mask: int
    link_shift: int


def _load_cell_layout() -> CellLayout:
    manifest = json.loads(ffi.string(lib.ghostty_type_json()))
    try:
        bits = manifest["types"]["GhosttyCell"]["bits"]
        content = bits["content"]
        codepoint = content["arms"]["CODEPOINT"]["bits"]["codepoint"]

        def mask(field: dict[str, Any]) -> int:
            return (1 << int(field["width"])) - 1

        return CellLayout(
            tag_shift=int(bits["content_tag"]["lsb"]),
            tag_mask=mask(bits["content_tag"]),
            content_shift=int(content["lsb"]),
            codepoint_mask=mask(codepoint),
            style_shift=int(bits["style_id"]["lsb"]),
            style_mask=mask(bits["style_id"]),
            wide_shift=int(bits["wide"]["lsb"]),
            wide_mask=mask(bits["wide"]),
            link_shift=int(bits["hyperlink"]["lsb"]),
        )
    except (KeyError, TypeError) as exc:  # pragma: no cover - only on an incompatible library build
        raise UnsupportedError(
            f"libghostty-vt's cell layout is not the one Symphony understands (missing {exc})",
            hint="Install the pinned pyghostty version (pyghostty==0.1.3).",
        ) from exc


CELL_LAYOUT = _load_cell_layout()
