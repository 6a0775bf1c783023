"""A terminal pane: paints a `terminal.TerminalSession`'s screen and forwards keys, paste, mouse and focus.

The session parses program output in its own threads and hands over at most ~60 frames a second, each holding
only the rows that changed; this widget converts just those rows to strips and refreshes just those lines, so a
flooding program never starves the UI loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from core.errors import SymphonyError
from terminal.input import MouseAction, MouseButton, MouseEvent
from terminal.screen import Cell, Color, Cursor, Line, Style
from terminal.session import Frame, TerminalSession

log = logging.getLogger(__name__)

_TEXTUAL_TO_TERMINAL_BUTTON = {1: MouseButton.LEFT, 2: MouseButton.MIDDLE, 3: MouseButton.RIGHT}


def _rich_color(color: Color) -> RichColor | None:
    if color is None:
        return None
    if isinstance(color, int):
        return RichColor.from_ansi(color)
    return RichColor.from_rgb(*color)


def _rich_style(style: Style, link: str | None) -> RichStyle:
    fg, bg = _rich_color(style.fg), _rich_color(style.bg)
    if style.invisible:
        fg = bg
    return RichStyle(
        color=fg,
        bgcolor=bg,
        bold=style.bold or None,
        dim=style.dim or None,
        italic=style.italic or None,
        underline=bool(style.underline) or None,
        strike=style.strikethrough or None,
        reverse=style.reverse or None,
        blink=style.blink or None,
        overline=style.overline or None,
        link=link,
    )


class TerminalView(Widget, can_focus=True):
    """One terminal: the screen of a program running in a PTY."""

    DEFAULT_CSS = """
    TerminalView {
        width: 1fr;
        height: 1fr;
        background: $surface;
        color: $foreground;
    }
    """

    title: reactive[str] = reactive("", init=False)
    """The program's window title (OSC 0/2), or the shell's name."""

    class TitleChanged(Message):
        """The program set a new title; the panel relabels the tab."""

        def __init__(self, view: TerminalView) -> None:
            super().__init__()
            self.view = view

    class Exited(Message):
        """The program exited; ``code`` is its status (or None if killed by a signal)."""

        def __init__(self, view: TerminalView, code: int | None, signal: int | None) -> None:
            super().__init__()
            self.view = view
            self.code = code
            self.signal = signal

    def __init__(
        self,
        argv: list[str] | None = None,
        *,
        cwd: Path,
        env: dict[str, str] | None = None,
        scrollback: int = 10_000,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.session = TerminalSession(argv, cwd=cwd, env=env, scrollback=scrollback, on_frame=self._frame_from_thread)
        """The program, its PTY and its emulator."""
        self._strips: dict[int, Strip] = {}
        self._lines: dict[int, Line] = {}
        self._cursor: Cursor | None = None
        self._started = False
        self._started_event = asyncio.Event()
        self.exit_code: int | None = None
        """Set when the program has exited."""
        self.exited = False
        self.title = Path(self.session.argv[0]).name

    # ------------------------------------------------------------------ lifecycle

    def on_mount(self) -> None:
        self._start_if_sized()

    def on_resize(self, event: events.Resize) -> None:
        if self._started:
            self.session.resize(max(event.size.width, 2), max(event.size.height, 1))
        else:
            self._start_if_sized()

    def _start_if_sized(self) -> None:
        width, height = self.size
        if self._started or width < 2 or height < 1:
            return
        self.session.emulator.resize(width, height)
        try:
            self.session.start()
        except SymphonyError as exc:
            self.notify(f"{exc.message}\n{exc.hint}", title="Cannot start terminal", severity="error")
            self.exited = True
            self._started_event.set()
            return
        self._started = True
        self._started_event.set()

    async def wait_started(self) -> bool:
        """Wait until the widget has a size and its program runs; False if the program could not start."""
        await self._started_event.wait()
        return self._started

    def on_unmount(self) -> None:
        self.close()

    def close(self) -> None:
        """Hang up the program and its process group."""
        if self._started:
            self.session.close()

    # ------------------------------------------------------------------ frames

    def _frame_from_thread(self, frame: Frame) -> None:
        with contextlib.suppress(RuntimeError):  # the app is shutting down
            self.app.call_from_thread(self.apply_frame, frame)

    def apply_frame(self, frame: Frame) -> None:
        """Take a frame from the session: repaint its rows, move the cursor, surface events."""
        for row, line in frame.lines.items():
            self._lines[row] = line
            self._strips.pop(row, None)
        old_cursor = self._cursor
        self._cursor = frame.cursor
        rows = set(frame.lines)
        if old_cursor is not None:
            rows.add(old_cursor.y)
            self._strips.pop(old_cursor.y, None)
        self._strips.pop(frame.cursor.y, None)
        rows.add(frame.cursor.y)
        for row in rows:
            self._refresh_row(row)
        if frame.title and frame.title != self.title:
            self.title = frame.title
            self.post_message(self.TitleChanged(self))
        for event in frame.events:
            self._handle_event(event)
        if frame.exit_status is not None and not self.exited:
            self.exited = True
            self.exit_code = frame.exit_status.code
            self.post_message(self.Exited(self, frame.exit_status.code, frame.exit_status.signal))

    def _handle_event(self, event: object) -> None:
        from terminal.events import Bell, ClipboardWrite

        if isinstance(event, ClipboardWrite):
            self.app.copy_to_clipboard(event.text)
        elif isinstance(event, Bell):
            self.app.bell()

    def _refresh_row(self, y: int) -> None:
        self.refresh(Region(0, y, self.size.width, 1))

    def render_line(self, y: int) -> Strip:
        strip = self._strips.get(y)
        if strip is None:
            strip = self._render_row(y)
            self._strips[y] = strip
        return strip

    def _render_row(self, y: int) -> Strip:
        line = self._lines.get(y)
        width = self.size.width
        if line is None:
            return Strip.blank(width, self.rich_style)
        cursor = self._cursor
        cursor_x = cursor.x if cursor and cursor.y == y and cursor.visible and self.has_focus else -1
        segments: list[Segment] = []
        run_text: list[str] = []
        run_key: tuple[Style, str | None] | None = None
        base = self.rich_style

        def flush() -> None:
            if run_text and run_key is not None:
                segments.append(Segment("".join(run_text), base + _rich_style(*run_key)))
            run_text.clear()

        for x, cell in enumerate(line.cells):
            if cell.width == 0:
                continue  # the spacer after a wide character
            if x == cursor_x:
                flush()
                run_key = None
                cursor_style = base + _rich_style(cell.style, None) + RichStyle(reverse=True)
                segments.append(Segment(cell.text or " ", cursor_style))
                continue
            key = (cell.style, cell.hyperlink)
            if key != run_key:
                flush()
                run_key = key
            run_text.append(cell.text or " ")
        flush()
        return Strip(segments).adjust_cell_length(width, base)

    # ------------------------------------------------------------------ input

    async def on_key(self, event: events.Key) -> None:
        if not self._started or self.exited:
            return
        event.stop()
        event.prevent_default()
        if event.key in ("shift+pageup", "shift+pagedown"):
            self.scroll_page(-1 if event.key == "shift+pageup" else 1)
            return
        key = event.key
        if event.character and event.character.isprintable() and "+" not in key:
            # A plainly typed character: Textual names it ("colon", "exclamation_mark"); the character is exact.
            key = event.character
        try:
            self.session.scroll_to_bottom()
            self.session.send_key(key, event.character)
        except SymphonyError as exc:
            log.debug("key not sent to terminal: %s", exc.message)

    def on_paste(self, event: events.Paste) -> None:
        if self._started and not self.exited:
            event.stop()
            self.session.paste(event.text)

    def on_focus(self) -> None:
        if self._started:
            self.session.focus(True)
            self._repaint_cursor()

    def on_blur(self) -> None:
        if self._started:
            self.session.focus(False)
            self._repaint_cursor()

    def _repaint_cursor(self) -> None:
        if self._cursor is not None:
            self._strips.pop(self._cursor.y, None)
            self._refresh_row(self._cursor.y)

    def _mouse(self, event: events.MouseEvent, action: MouseAction, button: MouseButton) -> bool:
        if not self._started:
            return False
        report = MouseEvent(
            x=event.x,
            y=event.y,
            button=button,
            action=action,
            shift=event.shift,
            alt=event.meta,
            ctrl=event.ctrl,
        )
        return self.session.send_mouse(report)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        self.focus()
        button = _TEXTUAL_TO_TERMINAL_BUTTON.get(event.button, MouseButton.LEFT)
        if self._mouse(event, MouseAction.PRESS, button):
            event.stop()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        button = _TEXTUAL_TO_TERMINAL_BUTTON.get(event.button, MouseButton.LEFT)
        if self._mouse(event, MouseAction.RELEASE, button):
            event.stop()

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        if not self._mouse(event, MouseAction.PRESS, MouseButton.WHEEL_UP):
            self.session.scroll(-3)

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        if not self._mouse(event, MouseAction.PRESS, MouseButton.WHEEL_DOWN):
            self.session.scroll(3)

    def scroll_page(self, pages: int) -> None:
        """Scroll the view through the scrollback by whole screens (shift+pageup/pagedown)."""
        self.session.scroll(pages * max(self.size.height - 1, 1))

    @property
    def screen_text(self) -> str:
        """The visible text, one line per row (for tests and 'copy all')."""
        return "\n".join(self._lines[row].text if row in self._lines else "" for row in range(self.size.height))


__all__ = ["Cell", "TerminalView"]
