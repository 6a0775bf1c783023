"""Keyboard, mouse, paste and focus input encoded for the program's current modes.

A UI describes what the user did in its own terms (``"ctrl+shift+up"``, a wheel-down at cell (3, 7), a pasted
string); this module turns that into the bytes the program expects, honouring application cursor/keypad mode,
the kitty keyboard protocol, mouse modes 9/1000/1002/1003 with X10/UTF-8/SGR/urxvt formats, bracketed paste (2004)
and focus reporting (1004). The byte-level work is libghostty-vt's encoders, configured from the live terminal
state on every call so a mode switch takes effect on the next keystroke.

Key names follow Textual's spelling so a widget can pass ``event.key`` straight through: modifiers ``ctrl``,
``shift``, ``alt`` (or ``meta``), ``super`` joined with ``+``, then ``up``/``down``/``left``/``right``, ``home``,
``end``, ``pageup``, ``pagedown``, ``insert``, ``delete``, ``backspace``, ``tab``, ``enter``, ``escape``,
``space``, ``f1``..``f24``, or a single character.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from core.errors import ValidationError
from terminal._ghostty import MOD_ALT, MOD_CTRL, MOD_SHIFT, MOD_SUPER, check, ffi, lib, owned

_MODIFIERS = {"ctrl": MOD_CTRL, "control": MOD_CTRL, "shift": MOD_SHIFT, "alt": MOD_ALT, "meta": MOD_ALT}
_MODIFIERS["super"] = MOD_SUPER

_NAMED_KEYS: dict[str, str] = {
    "up": "ARROW_UP",
    "down": "ARROW_DOWN",
    "left": "ARROW_LEFT",
    "right": "ARROW_RIGHT",
    "home": "HOME",
    "end": "END",
    "pageup": "PAGE_UP",
    "page_up": "PAGE_UP",
    "pagedown": "PAGE_DOWN",
    "page_down": "PAGE_DOWN",
    "insert": "INSERT",
    "delete": "DELETE",
    "backspace": "BACKSPACE",
    "tab": "TAB",
    "enter": "ENTER",
    "return": "ENTER",
    "escape": "ESCAPE",
    "esc": "ESCAPE",
    "space": "SPACE",
}
_NAMED_TEXT = {"tab": "\t", "enter": "\r", "return": "\r", "space": " ", "backspace": "\x7f", "escape": "\x1b"}

# Characters on a US layout's physical keys: (key, unshifted character).
_CHAR_KEYS: dict[str, tuple[str, str]] = {}
for _letter in "abcdefghijklmnopqrstuvwxyz":
    _CHAR_KEYS[_letter] = (_letter.upper(), _letter)
    _CHAR_KEYS[_letter.upper()] = (_letter.upper(), _letter)
for _digit, _shifted in zip("1234567890", "!@#$%^&*()", strict=True):
    _CHAR_KEYS[_digit] = (f"DIGIT_{_digit}", _digit)
    _CHAR_KEYS[_shifted] = (f"DIGIT_{_digit}", _digit)
for _plain, _shifted, _name in (
    ("`", "~", "BACKQUOTE"),
    ("\\", "|", "BACKSLASH"),
    ("[", "{", "BRACKET_LEFT"),
    ("]", "}", "BRACKET_RIGHT"),
    (",", "<", "COMMA"),
    ("=", "+", "EQUAL"),
    ("-", "_", "MINUS"),
    (".", ">", "PERIOD"),
    ("'", '"', "QUOTE"),
    (";", ":", "SEMICOLON"),
    ("/", "?", "SLASH"),
    (" ", " ", "SPACE"),
):
    _CHAR_KEYS[_plain] = (_name, _plain)
    _CHAR_KEYS[_shifted] = (_name, _plain)
# Textual names some punctuation keys by word when a modifier is held ("ctrl+at", "ctrl+minus").
_WORD_CHARS = {
    "at": "@",
    "minus": "-",
    "underscore": "_",
    "slash": "/",
    "backslash": "\\",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "circumflex_accent": "^",
    "full_stop": ".",
    "comma": ",",
    "semicolon": ";",
    "equals_sign": "=",
    "plus": "+",
    "question_mark": "?",
    "grave_accent": "`",
    "tilde": "~",
    "apostrophe": "'",
    "quotation_mark": '"',
}


_LEGACY_CONTROL: dict[str, bytes] = {
    "@": b"\x00",
    "2": b"\x00",
    " ": b"\x00",
    "[": b"\x1b",
    "3": b"\x1b",
    "\\": b"\x1c",
    "4": b"\x1c",
    "]": b"\x1d",
    "5": b"\x1d",
    "^": b"\x1e",
    "6": b"\x1e",
    "_": b"\x1f",
    "-": b"\x1f",
    "7": b"\x1f",
    "/": b"\x1f",
    "8": b"\x7f",
}


@dataclass(frozen=True, slots=True)
class KeyPress:
    """A parsed key: libghostty's physical key code, modifier bits, the text it types and its unshifted codepoint."""

    key: int
    mods: int
    text: str
    unshifted: int
    char: str = ""
    """The character the key name denotes ("" for named keys such as ``up``)."""


def parse_key(spec: str, text: str | None = None) -> KeyPress:
    """Parse a Textual-style key name such as ``"ctrl+shift+up"``; ``text`` overrides the typed character."""
    if not spec:
        raise ValidationError("An empty key name cannot be sent to the terminal", hint="Pass a key such as 'a'.")
    if spec == "+" or spec.endswith("++"):
        parts = [*spec[:-2].split("+"), "+"] if spec != "+" else ["+"]
        parts = [part for part in parts[:-1] if part] + ["+"]
    else:
        parts = spec.split("+")
    name = parts[-1]
    mods = 0
    for modifier in parts[:-1]:
        bit = _MODIFIERS.get(modifier.lower())
        if bit is None:
            raise ValidationError(
                f"Unknown modifier {modifier!r} in key {spec!r}",
                hint="Use ctrl, shift, alt, meta or super.",
                data={"key": spec},
            )
        mods |= bit
    lowered = name.lower()
    char = ""
    if lowered in _NAMED_KEYS:
        key_name = _NAMED_KEYS[lowered]
        typed = " " if lowered == "space" else ""
        unshifted = ord(" ") if lowered == "space" else 0
    elif len(lowered) > 1 and lowered[0] == "f" and lowered[1:].isdigit() and 1 <= int(lowered[1:]) <= 25:
        key_name, typed, unshifted = f"F{int(lowered[1:])}", "", 0
    else:
        char = _WORD_CHARS.get(lowered, name)
        if len(char) != 1:
            raise ValidationError(
                f"Unknown key {name!r} in {spec!r}",
                hint="Use a single character or a key name such as 'up', 'pagedown' or 'f5'.",
                data={"key": spec},
            )
        key_name, plain = _CHAR_KEYS.get(char, ("UNIDENTIFIED", char))
        unshifted = ord(plain)
        typed = char.upper() if mods & MOD_SHIFT and char.isalpha() else char
        if char != plain:
            mods |= MOD_SHIFT  # "A" or "?" imply shift on the physical key
    if text is not None:
        typed = text
    if mods & MOD_CTRL:
        typed = ""  # the encoder derives control codes from the key; text would be sent verbatim instead
    return KeyPress(key=getattr(lib, f"GHOSTTY_KEY_{key_name}"), mods=mods, text=typed, unshifted=unshifted, char=char)


class MouseButton(Enum):
    """Buttons as terminals number them; the wheel is buttons 4-7."""

    NONE = 0
    LEFT = 1
    RIGHT = 2
    MIDDLE = 3
    WHEEL_UP = 4
    WHEEL_DOWN = 5
    WHEEL_LEFT = 6
    WHEEL_RIGHT = 7


class MouseAction(Enum):
    """What happened to the button (MOTION with ``MouseButton.NONE`` is plain movement)."""

    PRESS = 0
    RELEASE = 1
    MOTION = 2


@dataclass(frozen=True, slots=True)
class MouseEvent:
    """A mouse event at a 0-based viewport cell."""

    action: MouseAction
    button: MouseButton
    x: int
    y: int
    shift: bool = False
    alt: bool = False
    ctrl: bool = False


class InputEncoder:
    """Encodes keys, mouse events, pastes and focus changes for one libghostty terminal handle."""

    def __init__(self, terminal: Any) -> None:
        self._terminal = terminal
        key_encoder = ffi.new("GhosttyKeyEncoder*")
        check(lib.ghostty_key_encoder_new(ffi.NULL, key_encoder), "key_encoder_new")
        self._key_encoder = owned(key_encoder, "ghostty_key_encoder_free")
        key_event = ffi.new("GhosttyKeyEvent*")
        check(lib.ghostty_key_event_new(ffi.NULL, key_event), "key_event_new")
        self._key_event = owned(key_event, "ghostty_key_event_free")
        mouse_encoder = ffi.new("GhosttyMouseEncoder*")
        check(lib.ghostty_mouse_encoder_new(ffi.NULL, mouse_encoder), "mouse_encoder_new")
        self._mouse_encoder = owned(mouse_encoder, "ghostty_mouse_encoder_free")
        mouse_event = ffi.new("GhosttyMouseEvent*")
        check(lib.ghostty_mouse_event_new(ffi.NULL, mouse_event), "mouse_event_new")
        self._mouse_event = owned(mouse_event, "ghostty_mouse_event_free")
        alt_prefix = ffi.new("bool*", True)
        lib.ghostty_key_encoder_setopt(self._key_encoder[0], lib.GHOSTTY_KEY_ENCODER_OPT_ALT_ESC_PREFIX, alt_prefix)
        self._buf = ffi.new("char[]", 256)
        self._written = ffi.new("size_t*")

    def key(self, spec: str, text: str | None = None) -> bytes:
        """The bytes for a key press (see the module docstring for names); b"" for keys with no encoding."""
        press = parse_key(spec, text)
        encoder, event = self._key_encoder[0], self._key_event[0]
        lib.ghostty_key_encoder_setopt_from_terminal(encoder, self._terminal)
        alt_prefix = ffi.new("bool*", True)
        lib.ghostty_key_encoder_setopt(encoder, lib.GHOSTTY_KEY_ENCODER_OPT_ALT_ESC_PREFIX, alt_prefix)
        lib.ghostty_key_event_set_action(event, lib.GHOSTTY_KEY_ACTION_PRESS)
        lib.ghostty_key_event_set_key(event, press.key)
        lib.ghostty_key_event_set_mods(event, press.mods)
        lib.ghostty_key_event_set_consumed_mods(event, press.mods & MOD_SHIFT if press.text else 0)
        lib.ghostty_key_event_set_unshifted_codepoint(event, press.unshifted)
        utf8 = press.text.encode("utf-8")
        keep = ffi.new("char[]", utf8) if utf8 else ffi.NULL
        lib.ghostty_key_event_set_utf8(event, keep, len(utf8))
        result = lib.ghostty_key_encoder_encode(encoder, event, self._buf, len(self._buf), self._written)
        check(result, f"key_encoder_encode({spec!r})")
        encoded = bytes(ffi.buffer(self._buf, self._written[0]))
        if not encoded and press.mods & MOD_CTRL and press.char:
            # Legacy control codes for ctrl+@ [ \\ ] ^ _ and ctrl+2..8, which the encoder leaves to the platform.
            control = _LEGACY_CONTROL.get(press.char)
            if control is None and press.char.isascii() and press.char.isalpha():
                control = bytes([ord(press.char.lower()) & 0x1F])
            if control is not None:
                encoded = (b"\x1b" if press.mods & MOD_ALT else b"") + control
        return encoded

    def mouse(self, event: MouseEvent, cols: int, rows: int) -> bytes:
        """The report for a mouse event, or b"" when the program has not asked for this kind of event."""
        encoder, mouse = self._mouse_encoder[0], self._mouse_event[0]
        lib.ghostty_mouse_encoder_setopt_from_terminal(encoder, self._terminal)
        size = ffi.new("GhosttyMouseEncoderSize*")
        size.size = ffi.sizeof("GhosttyMouseEncoderSize")
        # One pixel per cell: positions are cells, and SGR-pixel reports degrade to cell units.
        size.screen_width, size.screen_height, size.cell_width, size.cell_height = cols, rows, 1, 1
        lib.ghostty_mouse_encoder_setopt(encoder, lib.GHOSTTY_MOUSE_ENCODER_OPT_SIZE, size)
        lib.ghostty_mouse_event_set_action(mouse, event.action.value)
        if event.button is MouseButton.NONE:
            lib.ghostty_mouse_event_clear_button(mouse)
        else:
            lib.ghostty_mouse_event_set_button(mouse, event.button.value)
        mods = (MOD_SHIFT if event.shift else 0) | (MOD_ALT if event.alt else 0) | (MOD_CTRL if event.ctrl else 0)
        lib.ghostty_mouse_event_set_mods(mouse, mods)
        position = ffi.new("GhosttyMousePosition*", {"x": event.x + 0.5, "y": event.y + 0.5})
        lib.ghostty_mouse_event_set_position(mouse, position[0])
        result = lib.ghostty_mouse_encoder_encode(encoder, mouse, self._buf, len(self._buf), self._written)
        check(result, "mouse_encoder_encode")
        return bytes(ffi.buffer(self._buf, self._written[0]))

    @staticmethod
    def paste(text: str, *, bracketed: bool) -> bytes:
        """Pasted text as the program should receive it: fenced in bracketed mode, newlines as CR otherwise.

        Control characters that could end the fence or inject commands (ESC, NUL, DEL...) become spaces.
        """
        data = ffi.new("char[]", text.encode("utf-8"))
        length = len(data) - 1
        written = ffi.new("size_t*")
        lib.ghostty_paste_encode(data, length, bracketed, ffi.NULL, 0, written)
        out = ffi.new("char[]", max(written[0], 1))
        check(lib.ghostty_paste_encode(data, length, bracketed, out, len(out), written), "paste_encode")
        return bytes(ffi.buffer(out, written[0]))

    @staticmethod
    def focus(focused: bool) -> bytes:
        """The focus-in / focus-out report (send it only when focus reporting is on)."""
        buf = ffi.new("char[]", 8)
        written = ffi.new("size_t*")
        event = lib.GHOSTTY_FOCUS_GAINED if focused else lib.GHOSTTY_FOCUS_LOST
        check(lib.ghostty_focus_encode(event, buf, len(buf), written), "focus_encode")
        return bytes(ffi.buffer(buf, written[0]))
