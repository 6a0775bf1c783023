"""Signature help while typing a call: opens on the server's trigger characters ('(' and ','), follows every
edit while open (so the active parameter tracks the argument being typed), lets the user cycle through overloads
(alt+up / alt+down, or up / down while several are offered, as in VS Code), and closes when the server says the
cursor left the call (or on escape)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import attrs

from core.errors import CancelledError, SymphonyError
from core.types.text import Position, TextEdit
from symphony_tui.lsp.hover import SignaturePopup, render_signature
from symphony_tui.lsp.popup import mount_popup

if TYPE_CHECKING:
    from lsprotocol import types as lsp

    from core.lsp.client import LanguageServerClient
    from symphony_tui.lsp.service import LspService, TrackedDocument
    from symphony_tui.widgets.editor import Editor

log = logging.getLogger(__name__)

CYCLE_KEYS = {"alt+up": -1, "alt+down": 1}
"""Keys that move to the previous / next overload whenever signature help shows."""
ARROW_KEYS = {"up": -1, "down": 1}
"""Keys that cycle overloads only while more than one is offered (otherwise they move the cursor)."""


class SignatureController:
    """Owns the signature-help popup, the help it shows and the overload the user picked."""

    def __init__(self, service: LspService) -> None:
        self.service = service
        self.popup: SignaturePopup | None = None
        self.help: lsp.SignatureHelp | None = None
        """The server's last answer while the popup shows."""
        self.index = 0
        """The signature shown (the server's active one unless the user cycled)."""
        self._chosen: tuple[str, ...] | None = None
        """The signature labels when the user cycled: their choice sticks while the server offers the same set."""
        self._editor: Editor | None = None
        self._generation = 0
        self._task: asyncio.Task[None] | None = None
        service.change_listeners.append(self.on_change)

    @property
    def visible(self) -> bool:
        """Whether the popup is showing."""
        return self.popup is not None and self.popup.shown

    @property
    def overloads(self) -> int:
        """How many signatures the popup offers."""
        return len(self.help.signatures) if self.help is not None and self.visible else 0

    def on_change(self, document: TrackedDocument, edits: list[TextEdit]) -> None:
        """Open on a trigger character; while open, follow each edit (retrigger characters included)."""
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
        triggers = set(provider.trigger_characters or ())
        if self.visible:
            triggers |= set(provider.retrigger_characters or ())
            self.request(editor, document, server, typed if typed in triggers else None)
        elif typed and typed in triggers:
            self.request(editor, document, server, typed)

    def request(
        self, editor: Editor, document: TrackedDocument, server: LanguageServerClient, trigger: str | None
    ) -> None:
        """Ask for the signature at the cursor; a newer request supersedes this one."""
        self._generation += 1
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = self.service._spawn(self._fetch(editor, document, server, trigger, self._generation), "lsp-sig")

    def _showing(self) -> lsp.SignatureHelp | None:
        """The help on screen with the overload shown as active (sent back to the server on a retrigger)."""
        if self.help is None or not self.visible:
            return None
        return attrs.evolve(self.help, active_signature=self.index)

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
                document.uri, Position(line=row, column=column), trigger_character=trigger, active=self._showing()
            )
        except CancelledError:
            return
        except SymphonyError as exc:
            log.info("signature help failed: %s", exc)
            return
        if generation != self._generation:
            return
        if help is None or not help.signatures:
            self.close()
            return
        labels = tuple(signature.label for signature in help.signatures)
        if self._chosen == labels and self.visible:
            index = self.index  # the user's overload stays while they type its arguments
        else:
            self._chosen = None
            index = help.active_signature or 0
        self.help = help
        self.index = min(max(index, 0), len(help.signatures) - 1)
        await self._paint(editor)

    async def _paint(self, editor: Editor) -> None:
        assert self.help is not None
        body = render_signature(self.help, self.index)
        if body is None:
            self.close()
            return
        if self.popup is not None and self.popup.is_attached and self._editor is editor:
            self.popup.query_one("#hover-body").update(body)  # type: ignore[attr-defined]
            self.popup.fit(body)
        else:
            if self.popup is not None and self.popup.is_attached:
                self.popup.remove()  # it was showing in another pane
            self.popup = SignaturePopup(body, id="signature-popup")
            self._editor = editor
            await mount_popup(editor, self.popup)
        self.popup.anchor(editor, above=True)
        self.popup.call_after_refresh(self.popup.anchor, editor, above=True)

    def cycle(self, step: int) -> bool:
        """Show the next (``step`` 1) or previous (-1) overload, wrapping around; False if there is only one."""
        if self.help is None or not self.visible or self._editor is None or len(self.help.signatures) < 2:
            return False
        self.index = (self.index + step) % len(self.help.signatures)
        self._chosen = tuple(signature.label for signature in self.help.signatures)
        self.service._spawn(self._paint(self._editor), "lsp-sig-cycle")
        return True

    def handle_key(self, key: str) -> bool | None:
        """A key pressed while the popup shows: True when used, False when it closed the popup and the editor
        should still act on the key, None when the popup ignores it."""
        if not self.visible:
            return None
        if key == "escape":
            self.close()
            return True
        if key in CYCLE_KEYS:
            self.cycle(CYCLE_KEYS[key])
            return True
        if key in ARROW_KEYS and self.overloads > 1:
            return self.cycle(ARROW_KEYS[key])
        if key in ("up", "down", "pageup", "pagedown"):
            self.close()
            return False
        return None

    def editor_left(self, editor: Editor) -> None:
        """``editor`` lost focus: its popup (or the help still on its way) goes."""
        if self._editor is None or self._editor is editor:
            self.close()

    def close(self) -> None:
        """Remove the popup."""
        self._generation += 1
        if self.popup is not None and self.popup.is_attached:
            self.popup.remove()
        self.popup = None
        self.help = None
        self._chosen = None
        self._editor = None
