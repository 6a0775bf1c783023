"""Popups that float over the editor at the cursor (completion, hover, signature help).

They live on the screen's overlay layer, placed at the cursor's screen offset; Textual flips them above the
cursor when there is no room below (``constrain: inside inflect``). Showing, moving and resizing them lays
out only the popup (:mod:`symphony_tui.partial_layout`), not the screen. They never take focus: the editor
keeps the keyboard and forwards the few keys a popup answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import Container
from textual.geometry import Offset
from textual.widget import Widget

if TYPE_CHECKING:
    from symphony_tui.widgets.editor import Editor


class CursorPopup(Container, can_focus=False):
    """A floating box anchored below (or above) a location in an editor."""

    DEFAULT_CSS = """
    CursorPopup {
        overlay: screen;
        position: absolute;
        constrain: inside inflect;
        width: auto;
        height: auto;
        background: $surface;
        border: round $primary 60%;
        padding: 0;
    }
    """

    _placed: tuple[int, int] | None = None
    """Where :meth:`anchor` last put the popup; None until it has been placed once."""

    @property
    def shown(self) -> bool:
        """Mounted, displayed and placed: what a person can see (not merely mounted and waiting to be placed)."""
        return self._placed is not None and self.display and self.is_attached

    def anchor(self, editor: Editor, location: tuple[int, int] | None = None, *, above: bool = False) -> None:
        """Place the popup's top-left just below ``location`` (default: the cursor), or above it."""
        offset = editor.cursor_screen_offset
        if location is not None:
            row, column = location
            line = editor.document[row] if row < editor.document.line_count else ""
            cursor_row, cursor_column = editor.cursor_location
            cursor_line = editor.document[cursor_row]
            width_before = len(line[:column].expandtabs(editor.indent_width))
            cursor_width = len(cursor_line[:cursor_column].expandtabs(editor.indent_width))
            offset = Offset(offset.x - (cursor_width - width_before), offset.y + (row - cursor_row))
        # The border's left edge sits one cell left of the text so the first letter lines up with the word.
        x = max(0, offset.x - 1)
        y = offset.y - self.outer_size.height if above and self.outer_size.height else offset.y + 1
        placed = (x, max(0, y))
        if placed != self._placed:
            self._placed = placed
            self.styles.offset = placed


async def mount_popup(editor: Editor, popup: Widget) -> None:
    """Mount ``popup`` on the editor's screen (once)."""
    if not popup.is_attached:
        await editor.screen.mount(popup)
