"""What extension authors import: the Extension base class, the decorators, and the ctx protocols.

``extensions.sdk.testing`` has the in-process harness for unit tests; ``extensions.sdk.api`` the method table
with api levels and capabilities.
"""

from extensions.sdk.api import API_LEVEL
from extensions.sdk.context import Context, Event, QuickPickItem, Selection, StatusItem
from extensions.sdk.extension import Extension, command, motif_factory, on

__all__ = [
    "API_LEVEL",
    "Context",
    "Event",
    "Extension",
    "QuickPickItem",
    "Selection",
    "StatusItem",
    "command",
    "motif_factory",
    "on",
]
