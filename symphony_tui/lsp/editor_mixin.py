"""The editor's language-feature hooks: decorations painted in, and keys offered to popups first."""

from __future__ import annotations

from textual import events
from textual.screen import Screen
from textual.timer import Timer

from symphony_tui.lsp.decorations import EditorDecorations, LspDecorationsMixin

MOUSE_REST = 0.6
"""Seconds the mouse must rest over text before its hover appears."""


class LanguageFeaturesMixin(LspDecorationsMixin):
    """Mixed into the Editor: while a completion popup, signature help, hover or snippet session is active,
    the keys they answer (arrows, enter, tab, escape) go to them instead of moving the cursor."""

    decorations: EditorDecorations = EditorDecorations()

    _hover_timer: Timer | None = None
    _hover_at: tuple[int, int] | None = None

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        service = getattr(self.app, "lsp", None)
        if service is None or event.button:
            return
        if event.x < self.gutter_width:
            location = None
        else:
            row, column = self.get_target_document_location(event)
            line = self.document[row] if row < self.document.line_count else ""
            location = (row, column) if column < len(line) else None  # past the line's end there is nothing
        if location == self._hover_at:
            return
        self._hover_at = location
        if self._hover_timer is not None:
            self._hover_timer.stop()
            self._hover_timer = None
        service.mouse_left()
        if location is not None:
            self._hover_timer = self.set_timer(MOUSE_REST, lambda: service.mouse_rested(self, location))

    def _on_leave(self, event: events.Leave) -> None:
        if self._hover_timer is not None:
            self._hover_timer.stop()
            self._hover_timer = None
        self._hover_at = None

    def _watch_scroll_x(self) -> None:
        super()._watch_scroll_x()
        service = getattr(self.app, "lsp", None)
        if service is not None:
            service.mouse_left()  # the hover would float over other text than it describes

    def _watch_scroll_y(self) -> None:
        super()._watch_scroll_y()
        service = getattr(self.app, "lsp", None)
        if service is not None:
            service.mouse_left()  # the hover would float over other text than it describes
            if self.decorations.semantic:
                service.scrolled(self)

    def _on_mount(self, event: events.Mount) -> None:
        # A modal screen (palette, quick open, dialogs) does not blur the editor, yet covers it.
        self.app.screen_change_signal.subscribe(self, self._screen_changed)

    def _screen_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is not self.screen:
            self._left()

    def _on_blur(self, event: events.Blur) -> None:
        if self.screen.focused is not self:  # not already focused again
            self._left()

    def _left(self) -> None:
        """Focus left this pane: the completion, signature and hover popups it opened close (a popup must
        not float over the pane, panel or screen the user went to)."""
        service = getattr(self.app, "lsp", None)
        if service is not None:
            service.completion.editor_left(self)
            service.signature.editor_left(self)
            service.mouse_left()

    async def _on_key(self, event: events.Key) -> None:
        service = getattr(self.app, "lsp", None)
        if service is not None and service.handle_key(self, event.key):
            event.stop()
            event.prevent_default()
