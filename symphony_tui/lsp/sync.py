"""What an editor tells whoever mirrors its text elsewhere (the language-server service)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from symphony_tui.widgets.editor import Editor


class DocumentSync(Protocol):
    """Receives every change of an editor's text, in order, as it happens."""

    def edited(self, editor: Editor, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
        """``start..end`` (locations before the edit, code points) was replaced by ``text``."""

    def replaced(self, editor: Editor) -> None:
        """The whole document was replaced (reload, revert): resend it."""

    def input_handled(self, editor: Editor) -> None:
        """A key or paste was handled by the editor: send what it changed now (edits are otherwise sent once the
        event loop is next free, which batches programmatic edits made one after another)."""
