"""The methods core and an extension host exchange besides the ``ext/*`` API (kept in one place for both sides).

Core to host: ``host/configure {extensions: [spec]}``, ``host/activate {ids} -> {activated, failed, events}``,
``host/command {extension, command, args} -> {result, cpu_ms}``, ``host/event {name, document, data}``
(notification), ``host/ping`` (echo, the raw IPC baseline), ``host/deactivate`` before an orderly stop, and
``host/motif.open`` / ``host/motif.event`` for Motifs.
"""

from __future__ import annotations

from typing import Final

CONFIGURE: Final = "host/configure"
ACTIVATE: Final = "host/activate"
COMMAND: Final = "host/command"
EVENT: Final = "host/event"
PING: Final = "host/ping"
DEACTIVATE: Final = "host/deactivate"
MOTIF_OPEN: Final = "host/motif.open"
"""``{extension, motif}``: create the contributed Motif and show it (it answers with ``ext/motif.render``)."""
MOTIF_CLOSE: Final = "host/motif.close"
"""``{extension, motif}``: the user closed the Motif; the extension forgets it (and stops feeding it)."""
MOTIF_EVENT: Final = "host/motif.event"
"""``{extension, motif, node, event, value} -> handled``: a widget event for a shown Motif's handler."""

HOST_MODULE: Final = "extensions.host"
"""Run as ``python -m extensions.host --socket PATH``."""

EXIT_MEMORY: Final = 86
"""The host's exit status when it ran out of its address-space limit."""
EXIT_AUTH: Final = 3
"""The host's exit status when core refused its token."""

__all__ = [
    "ACTIVATE",
    "COMMAND",
    "CONFIGURE",
    "DEACTIVATE",
    "EVENT",
    "EXIT_AUTH",
    "EXIT_MEMORY",
    "HOST_MODULE",
    "MOTIF_CLOSE",
    "MOTIF_EVENT",
    "MOTIF_OPEN",
    "PING",
]
