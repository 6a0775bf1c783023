"""Signature help while typing a call: opens on the server's trigger characters ('(' and ','), follows every
edit while open, and closes when the server says the cursor left the call (or on escape)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from core.errors import CancelledError, SymphonyError
from core.types.text import Position, TextEdit
from symphony_tui.lsp.hover import SignaturePopup, render_signature
from symphony_tui.lsp.popup import mount_popup

if TYPE_CHECKING:
    from core.lsp.client import LanguageServerClient
    from symphony_tui.lsp.service import LspService, TrackedDocument
    from symphony_tui.widgets.editor import Editor

log = logging.getLogger(__name__)


class SignatureController:
    """Owns the signature-help popup."""

    def __init__(self, service: LspService) -> None:
        self.service = service
        self.popup: SignaturePopup | None = None
        self._generation = 0
        self._task: asyncio.Task[None] | None = None
        service.change_listeners.append(self.on_change)

    @property
    def visible(self) -> bool:
        """Whether the popup is showing."""
        return self.popup is not None and self.popup.is_attached

    def on_change(self, document: TrackedDocument, edits: list[TextEdit]) -> None:
        """Open on a trigger character; while open, follow each edit."""
        manager = self.service.manager
        server = manager.server_for(document.uri) if manager is not None else None
        if server is None or server.pid is None or document.editor is not self.service.active_editor:
            return
        provider = server.capabilities.signature_help_provider if server.capabilities else None
        if provider is None:
            return
        # The character before the cursor, if the last edit typed it: auto-closed brackets insert "()" at once.
        editor = document.editor
        row, column = editor.cursor_location
        inserted = edits[-1].new_text
        before = editor.document[row][column - 1] if column and inserted else ""
        typed = before if before and before in inserted else ""
        triggers = set(provider.trigger_characters or ()) | set(provider.retrigger_characters or ())
        if self.visible or (typed and typed in triggers):
            self.request(editor, document, server, typed if typed in triggers else None)

    def request(
        self, editor: Editor, document: TrackedDocument, server: LanguageServerClient, trigger: str | None
    ) -> None:
        """Ask for the signature at the cursor; a newer request supersedes this one."""
        self._generation += 1
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = self.service._spawn(self._fetch(editor, document, server, trigger, self._generation), "lsp-sig")

    async def _fetch(
        self,
        editor: Editor,
        document: TrackedDocument,
        server: LanguageServerClient,
        trigger: str | None,
        generation: int,
    ) -> None:
        row, column = editor.cursor_location
        try:
            help = await server.signature_help(
                document.uri, Position(line=row, column=column), trigger_character=trigger
            )
        except CancelledError:
            return
        except SymphonyError as exc:
            log.info("signature help failed: %s", exc)
            return
        if generation != self._generation:
            return
        body = render_signature(help) if help is not None else None
        if body is None:
            self.close()
            return
        if self.popup is not None and self.popup.is_attached:
            self.popup.query_one("#hover-body").update(body)  # type: ignore[attr-defined]
            self.popup.fit(body)
        else:
            self.popup = SignaturePopup(body, id="signature-popup")
            await mount_popup(editor, self.popup)
        self.popup.anchor(editor, above=True)
        self.popup.call_after_refresh(self.popup.anchor, editor, above=True)

    def close(self) -> None:
        """Remove the popup."""
        self._generation += 1
        if self.popup is not None and self.popup.is_attached:
            self.popup.remove()
        self.popup = None
