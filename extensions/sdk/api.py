"""The extension API's one method table: every ctx call, the api_level it appeared in, the capability it needs.

The host turns each ctx call into an RPC request named after its entry here; core checks the capability from
this same table before running it; the test harness enforces it too. Released entries never change: the API only
grows, new entries get a higher ``since``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

API_LEVEL: Final = 1
"""The api_level this SDK implements; a manifest's ``api`` must not exceed it."""


@dataclass(frozen=True, slots=True)
class ApiMethod:
    """One ctx call."""

    name: str
    """``namespace.method``, also the RPC method name under the ``ext/`` prefix."""
    since: int
    capability: str | None = None
    """The Capability value (``fs.read`` ...) core requires before running it; None for none."""
    doc: str = ""

    @property
    def rpc_name(self) -> str:
        """The RPC method the host sends to core for this call."""
        return f"ext/{self.name}"


_TABLE: tuple[ApiMethod, ...] = (
    ApiMethod("workspace.list_files", 1, "fs.read", "Entries of one folder of the workspace."),
    ApiMethod("workspace.find_files", 1, "fs.read", "Workspace files matching a glob, ignored files left out."),
    ApiMethod("workspace.read_text", 1, "fs.read", "A workspace file's text."),
    ApiMethod("workspace.write_text", 1, "fs.write", "Write a workspace file atomically."),
    ApiMethod("editor.active_document", 1, None, "The focused document, or None."),
    ApiMethod("editor.get_text", 1, None, "An open document's text."),
    ApiMethod("editor.get_selections", 1, None, "An open document's selections."),
    ApiMethod("editor.apply_edits", 1, None, "Apply edits to an open document as one undo step."),
    ApiMethod("window.notify", 1, None, "Show a notification."),
    ApiMethod("window.quick_pick", 1, None, "Ask the user to pick one item."),
    ApiMethod("window.input_box", 1, None, "Ask the user for a line of text."),
    ApiMethod("window.progress", 1, None, "Report progress of a long task."),
    ApiMethod("status_bar.set_item", 1, None, "Create or update a status bar item."),
    ApiMethod("status_bar.remove_item", 1, None, "Remove a status bar item."),
    ApiMethod("settings.get", 1, None, "A value of the extension's settings section."),
    ApiMethod("storage.get", 1, None, "A value from the extension's key-value storage."),
    ApiMethod("storage.set", 1, None, "Store a JSON value under a key."),
    ApiMethod("storage.delete", 1, None, "Delete a stored key."),
    ApiMethod("storage.keys", 1, None, "The stored keys."),
    ApiMethod("log.write", 1, None, "A line in the extension's log."),
    ApiMethod("terminal.create", 1, "terminal", "Open a terminal pane."),
    ApiMethod("terminal.write", 1, "terminal", "Write text to a terminal pane the extension created."),
    ApiMethod("commands.execute", 1, None, "Run any command by id."),
    # Sent by extensions.sdk.motif.Motif, not called by authors; core checks the motif is the extension's own.
    ApiMethod("motif.render", 1, None, "Show a contributed Motif's whole VDOM tree (docs/motifs.md)."),
    ApiMethod("motif.patch", 1, None, "Apply a patch list to a shown Motif (docs/motifs.md)."),
    ApiMethod("ipc.metrics", 1, None, "Per-connection message, byte, error and latency counters of core's IPC bus."),
    ApiMethod("runs.recent", 1, "workflows", "Recent workflow runs with their status."),
    ApiMethod("runs.get", 1, "workflows", "One run's graph with every node's state."),
    ApiMethod("runs.logs", 1, "workflows", "The captured output of a run's nodes."),
    ApiMethod("runs.decide", 1, "workflows", "Answer go/skip for a step of a Manual-mode run."),
    ApiMethod("runs.search_artifacts", 1, "workflows", "Search the artifact store."),
)

METHODS: Final[dict[str, ApiMethod]] = {method.name: method for method in _TABLE}
"""Every ctx call by name."""

EVENTS: Final[dict[str, int]] = {
    "document.opened": 1,
    "document.changed": 1,
    "document.saved": 1,
    "document.closed": 1,
    "editor.active_changed": 1,
    "editor.selection_changed": 1,
    "workspace.files_changed": 1,
    "settings.changed": 1,
}
"""Events an extension can subscribe to with ``@on``, and the api_level each appeared in."""


def capability_for(method: str) -> str | None:
    """The capability ``method`` needs; KeyError for a method the API does not have."""
    return METHODS[method].capability


__all__ = ["API_LEVEL", "EVENTS", "METHODS", "ApiMethod", "capability_for"]
