"""The editor's language-feature hooks: decorations painted in, and keys offered to popups first."""

from __future__ import annotations

from textual import events

from symphony_tui.lsp.decorations import EditorDecorations, LspDecorationsMixin


class LanguageFeaturesMixin(LspDecorationsMixin):
    """Mixed into the Editor: while a completion popup, signature help, hover or snippet session is active,
    the keys they answer (arrows, enter, tab, escape) go to them instead of moving the cursor."""

    decorations: EditorDecorations = EditorDecorations()

    async def _on_key(self, event: events.Key) -> None:
        service = getattr(self.app, "lsp", None)
        if service is not None and service.handle_key(self, event.key):
            event.stop()
            event.prevent_default()
