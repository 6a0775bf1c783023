"""Alt with punctuation and Enter: keys a terminal sends as ESC + character that Textual reports without the alt.

Textual's parser turns ESC + letter into ``alt+letter`` but ESC + ``/``, ``\\``, ``.``, space or Enter into the plain
key (its alt prefix is only applied to one-character key names), so bindings such as alt+/ (trigger suggest) and
alt+enter (code actions), the fallbacks for ctrl+space and ctrl+. that most terminals cannot send, never fired in a
real terminal while Pilot tests, which post keys by name, passed. :func:`install` keeps the alt on those keys, and
drops the character of every alt chord so that a focused text input does not type it instead of running the binding.
It also notes on each key how many more keys the same terminal read held (:mod:`symphony_tui.key_bursts`).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterable

import textual
from textual import events
from textual._xterm_parser import XTermParser

TESTED_TEXTUAL = "8.2."
"""The Textual release line this was written against (it wraps a private parser method)."""

ESC = "\x1b"
log = logging.getLogger("symphony.keys")

_original = XTermParser._sequence_to_key_events


def _keeping_alt(self: XTermParser, sequence: str, alt: bool = False) -> Iterable[events.Key]:
    for event in _original(self, sequence, alt):
        if alt and len(sequence) == 1 and sequence != ESC:
            # An alt chord is not text: with its character kept, a focused Input typed the letter and the
            # binding (find's alt+c/r/w, replace's alt+a) never fired.
            key = event.key if event.key.startswith("alt+") else f"alt+{event.key}"
            yield events.Key(key, None)
        else:
            yield event


_original_feed = XTermParser.feed

BURST_ATTRIBUTE = "_symphony_keys_after"
"""Set on each key: how many more keys the same terminal read held after it (see symphony_tui.key_bursts)."""


def _counting_feed(self: XTermParser, data: str) -> Iterable[object]:
    parsed = list(_original_feed(self, data))
    keys = [event for event in parsed if isinstance(event, events.Key)]
    for after, key in enumerate(reversed(keys)):
        setattr(key, BURST_ATTRIBUTE, after)
    return parsed


def supported(version: str | None = None) -> bool:
    """Whether the installed Textual is the tested line with the method this wraps."""
    version = textual.__version__ if version is None else version
    return version.startswith(TESTED_TEXTUAL) and list(inspect.signature(_original).parameters) == [
        "self",
        "sequence",
        "alt",
    ]


def install() -> bool:
    """Report alt+punctuation and alt+enter as such (idempotent); False when this Textual is not the tested one."""
    if not supported():
        log.info(
            "Textual %s is not the tested %sx line: alt+punctuation keys stay as Textual reports them",
            textual.__version__,
            TESTED_TEXTUAL,
        )
        return False
    XTermParser._sequence_to_key_events = _keeping_alt  # type: ignore[method-assign]
    XTermParser.feed = _counting_feed  # type: ignore[method-assign,assignment]
    return True


def uninstall() -> None:
    XTermParser._sequence_to_key_events = _original  # type: ignore[method-assign]


__all__ = ["install", "supported", "uninstall"]
