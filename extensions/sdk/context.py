"""What ``ctx`` offers an extension, as typed protocols.

The extension host implements them over IPC and the test harness in-process; authors code against these
protocols only, so the same extension runs in both. Every call is async and may raise a SymphonyError
(PermissionDeniedError when the user refused a capability), which the extension may catch.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import Field

from core.types.base import FrozenModel
from core.types.document import DocumentMeta
from core.types.text import Position, TextEdit

if TYPE_CHECKING:
    from extensions.sdk.motif import Motif

NotifyLevel = Literal["info", "warning", "error"]


class Selection(FrozenModel):
    """One selection range: ``anchor`` stays put, ``head`` is the cursor; equal for a plain caret."""

    anchor: Position
    head: Position


class QuickPickItem(FrozenModel):
    """An entry of a quick pick: what is shown, and the value returned when it is chosen."""

    label: str = Field(min_length=1)
    description: str = ""
    value: Any = None
    """Returned by ``quick_pick`` when chosen; defaults to ``label``."""


class StatusItem(FrozenModel):
    """A status bar item as the user sees it."""

    id: str
    text: str
    tooltip: str = ""
    command: str | None = None
    """Run when the item is clicked."""
    alignment: Literal["left", "right"] = "right"
    priority: int = 0


class Event(FrozenModel):
    """What an ``@on`` handler receives."""

    name: str
    document: DocumentMeta | None = None
    """The document concerned, for ``document.*`` and ``editor.*`` events."""
    data: dict[str, Any] = {}


class Progress(Protocol):
    """A running progress indicator."""

    async def report(self, message: str = "", fraction: float | None = None) -> None:
        """Update the message and/or the fraction done (0..1)."""


class Workspace(Protocol):
    """The open folder; paths are relative to its root, with ``/`` separators."""

    async def list_files(self, folder: str = "") -> list[str]:
        """Names in ``folder`` (sub-folders end with ``/``). Needs fs.read."""

    async def find_files(self, glob: str, *, limit: int = 1000) -> list[str]:
        """Files matching ``glob`` (e.g. ``**/*.py``), ignored files left out. Needs fs.read."""

    async def read_text(self, path: str) -> str:
        """A file's text. Needs fs.read."""

    async def write_text(self, path: str, text: str) -> None:
        """Replace a file's text atomically, creating folders as needed. Needs fs.write."""


class Editor(Protocol):
    """Open documents; ``document_id`` None means the active one."""

    async def active_document(self) -> DocumentMeta | None:
        """The focused document, if any."""

    async def get_text(self, document_id: str | None = None) -> str:
        """The document's current text (including unsaved changes)."""

    async def get_selections(self, document_id: str | None = None) -> list[Selection]:
        """The document's selections, primary first."""

    async def apply_edits(self, edits: Sequence[TextEdit], *, document_id: str | None = None) -> int:
        """Apply non-overlapping edits (ranges refer to the text before any of them) as one undo step.

        Returns the document's new version.
        """


class Window(Protocol):
    """Talking to the user."""

    async def notify(self, message: str, *, level: NotifyLevel = "info") -> None:
        """Show a notification."""

    async def quick_pick(
        self, items: Sequence[str | QuickPickItem], *, title: str = "", placeholder: str = ""
    ) -> Any | None:
        """Let the user pick one item; returns its value (the label for plain strings), None if dismissed."""

    async def input_box(self, *, prompt: str = "", value: str = "", placeholder: str = "") -> str | None:
        """Ask for one line of text; None if dismissed."""

    def progress(self, title: str) -> AbstractAsyncContextManager[Progress]:
        """``async with ctx.window.progress("Indexing") as p: await p.report(fraction=0.5)``."""


class StatusBar(Protocol):
    """The extension's status bar items (ids are per extension)."""

    async def set_item(
        self,
        item_id: str,
        text: str,
        *,
        tooltip: str = "",
        command: str | None = None,
        alignment: Literal["left", "right"] = "right",
        priority: int = 0,
    ) -> None:
        """Create or update an item."""

    async def remove_item(self, item_id: str) -> None:
        """Remove an item (unknown ids are ignored)."""


class Settings(Protocol):
    """The extension's settings section, as declared in ``contributes.settings``."""

    async def get(self, key: str, default: Any = None) -> Any:
        """The user's value for ``key``, else the manifest default, else ``default``."""


class Storage(Protocol):
    """Per-extension key-value storage of JSON values that survives restarts."""

    async def get(self, key: str, default: Any = None) -> Any:
        """The stored value, or ``default``."""

    async def set(self, key: str, value: Any) -> None:
        """Store a JSON-serialisable value."""

    async def delete(self, key: str) -> None:
        """Remove a key (missing keys are ignored)."""

    async def keys(self) -> list[str]:
        """Stored keys, sorted."""


class Terminal(Protocol):
    """Terminal panes the extension opens. Needs the terminal capability."""

    async def create(self, *, name: str, cwd: str | None = None) -> str:
        """Open a pane running the user's shell; returns its id."""

    async def write(self, terminal_id: str, text: str) -> None:
        """Type ``text`` into a pane this extension created."""


class Commands(Protocol):
    """Every command in Symphony, by id."""

    async def execute(self, command_id: str, *args: Any) -> Any:
        """Run a command and return its result."""


class Motifs(Protocol):
    """The extension's contributed Motifs (panels drawn from a VDOM, see docs/motifs.md)."""

    async def show(self, motif: Motif) -> None:
        """Show ``motif`` in its manifest placement: its renders and patches go to the UI, the UI's events come
        back to its handlers. Showing a Motif already shown replaces it (a fresh render)."""

    def shown(self, motif_id: str) -> Motif | None:
        """The Motif instance shown under ``motif_id``, if any (None again once the user closed it)."""

    def closed(self, motif_id: str) -> None:
        """Called by the host when the user closed the Motif: forget the instance."""


class Ipc(Protocol):
    """Core's IPC bus, for monitoring."""

    async def metrics(self) -> dict[str, dict[str, Any]]:
        """Per connection (``identity (conn-N)``): messages and bytes in/out, errors, requests, latency p50/p99."""


class Runs(Protocol):
    """Workflow runs and the artifact store (capability ``workflows``), for boards like Harmony."""

    async def recent(self, limit: int = 20) -> list[dict[str, Any]]:
        """Recent runs, newest first: ``run_id``, ``name``, ``mode``, ``status``, ``counts``, ``created``."""

    async def get(self, run_id: str) -> dict[str, Any]:
        """One run: ``status``, ``mode``, ``error`` and ``nodes`` (id, kind, needs, state, attempts, error...)."""

    async def logs(self, run_id: str, node: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """The last captured lines (``node``, ``attempt``, ``stream``, ``text``), oldest first."""

    async def decide(self, run_id: str, node: str, action: Literal["go", "skip"], comment: str = "") -> None:
        """Answer a step a Manual-mode run driven by this Symphony waits on (NotFoundError otherwise)."""

    async def search_artifacts(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Artifact hits (``digest``, ``name``, ``kind``, ``size``, ``tags``, ``created``); recent ones for ''."""


class Context(Protocol):
    """The ``ctx`` passed to ``Extension.activate``."""

    @property
    def extension_id(self) -> str:
        """The extension's id from its manifest."""

    @property
    def workspace(self) -> Workspace: ...

    @property
    def editor(self) -> Editor: ...

    @property
    def window(self) -> Window: ...

    @property
    def status_bar(self) -> StatusBar: ...

    @property
    def settings(self) -> Settings: ...

    @property
    def storage(self) -> Storage: ...

    @property
    def terminal(self) -> Terminal: ...

    @property
    def commands(self) -> Commands: ...

    @property
    def motif(self) -> Motifs: ...

    @property
    def ipc(self) -> Ipc: ...

    @property
    def runs(self) -> Runs: ...

    @property
    def log(self) -> logging.Logger:
        """A logger whose records land in the extension's log in core."""


__all__ = [
    "Commands",
    "Context",
    "Editor",
    "Event",
    "Ipc",
    "Motifs",
    "NotifyLevel",
    "Progress",
    "QuickPickItem",
    "Runs",
    "Selection",
    "Settings",
    "StatusBar",
    "StatusItem",
    "Storage",
    "Terminal",
    "Window",
    "Workspace",
]
