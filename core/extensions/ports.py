"""What the core-side extension API needs from its surroundings, as protocols the app (or a test) implements.

``UiPort`` is the editor and window as core sees them; ``CapabilityGate`` is the permission check
(``extensions.kit.permissions.PermissionGate`` satisfies it). Core depends on neither implementation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal, Protocol

from core.types.document import DocumentMeta
from core.types.text import Position, TextEdit

NotifyLevel = Literal["info", "warning", "error"]


class CapabilityGate(Protocol):
    """Allows a capability-bearing call or raises PermissionDeniedError (asking the user if need be)."""

    async def check(
        self,
        extension_id: str,
        capability: Any,
        *,
        declared: Iterable[Any],
        extension_name: str = "",
        reason: str = "",
    ) -> None:
        """Return if the call may go ahead."""


class UiPort(Protocol):
    """The editor, dialogs, status bar and terminals; ``document_id`` None means the active document."""

    async def active_document(self) -> DocumentMeta | None:
        """The focused document, if any."""

    async def get_text(self, document_id: str | None) -> str:
        """A document's text, unsaved changes included."""

    async def get_selections(self, document_id: str | None) -> list[tuple[Position, Position]]:
        """(anchor, head) of each selection, primary first."""

    async def apply_edits(self, edits: Sequence[TextEdit], document_id: str | None) -> int:
        """Apply non-overlapping edits as one undo step; the document's new version."""

    async def notify(self, extension_id: str, message: str, level: NotifyLevel) -> None:
        """Show a notification from an extension."""

    async def quick_pick(
        self, extension_id: str, items: Sequence[tuple[str, str]], title: str, placeholder: str
    ) -> int | None:
        """Let the user pick one of (label, description); the chosen index, None if dismissed."""

    async def input_box(self, extension_id: str, prompt: str, value: str, placeholder: str) -> str | None:
        """A line of text, None if dismissed."""

    async def progress(
        self, extension_id: str, progress_id: str, title: str, message: str, fraction: float | None, done: bool
    ) -> None:
        """Show, update or (``done``) end a progress indicator."""

    async def set_status_item(self, extension_id: str, item: dict[str, Any]) -> None:
        """Create or update a status item (``id``, ``text``, ``tooltip``, ``command``, ``alignment``, ``priority``)."""

    async def remove_status_item(self, extension_id: str, item_id: str) -> None:
        """Remove a status item; unknown ids are ignored."""

    async def create_terminal(self, extension_id: str, name: str, cwd: str | None) -> str:
        """Open a terminal pane; its id."""

    async def write_terminal(self, extension_id: str, terminal_id: str, text: str) -> None:
        """Type text into a terminal pane."""

    async def execute_command(self, command_id: str, args: Sequence[Any]) -> Any:
        """Run a command of the app's registry (extension commands never reach here)."""


class MotifPort(Protocol):
    """Where core sends the Motifs extensions show (the app's placements); params as docs/motifs.md.

    Core has validated each render and patch against its own copy of the tree before calling these.
    """

    async def motif_render(self, extension_id: str, params: dict[str, Any]) -> None:
        """Show a whole tree: ``{"schema", "motif", "revision", "root"}``."""

    async def motif_patch(self, extension_id: str, params: dict[str, Any]) -> None:
        """Apply a patch: ``{"schema", "motif", "revision", "ops"}``."""


__all__ = ["CapabilityGate", "MotifPort", "NotifyLevel", "UiPort"]
