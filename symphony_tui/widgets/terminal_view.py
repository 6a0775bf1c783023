"""A terminal pane: paints a `terminal.TerminalSession`'s screen and forwards keys, paste, mouse and focus.

The session parses program output in its own threads and hands over at most ~60 frames a second, each holding
only the rows that changed; this widget converts just those rows to strips and refreshes just those lines, so a
flooding program never starves the UI loop.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import functools
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from terminal.modes import MouseTracking
from terminal.screen import Cell, Color, Cursor, Line, Style
from terminal.selection import ScreenPoint, TextRange

if TYPE_CHECKING:
    from terminal.input import MouseAction, MouseButton
    from terminal.session import Frame

log = logging.getLogger(__name__)


def _terminal_input() -> Any:
    """terminal.input, imported on first use: it loads libghostty (≈0.2 s), which the first frame never needs."""
    import terminal.input

    return terminal.input


def _terminal_button(textual_button: int) -> MouseButton:
    buttons = _terminal_input().MouseButton
    return {1: buttons.LEFT, 2: buttons.MIDDLE, 3: buttons.RIGHT}.get(textual_button, buttons.LEFT)


_SELECTED, _MATCH, _CURRENT_MATCH = 1, 2, 3
"""Marks painted over cells; a higher mark wins where a selection and a match overlap."""


def _rich_color(color: Color) -> RichColor | None:
    if color is None:
        return None
    if isinstance(color, int):
        return RichColor.from_ansi(color)
    return RichColor.from_rgb(*color)


@functools.lru_cache(maxsize=4096)
def _rich_style(style: Style, link: str | None) -> RichStyle:
    """Rich's style for a cell style; cached because a flood repaints the same few styles 60 times a second."""
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
    TerminalView > .terminal-view--selection {
        background: $primary 60%;
    }
    TerminalView > .terminal-view--match {
        background: $warning 40%;
    }
    TerminalView > .terminal-view--match-current {
        background: $warning;
        color: $background;
    }
    """

    COMPONENT_CLASSES = {"terminal-view--selection", "terminal-view--match", "terminal-view--match-current"}

    ALLOW_SELECT = False
    """Selection is ours, in screen coordinates through the scrollback, not Textual's screen-text selection."""

    title: reactive[str] = reactive("", init=False)
    """The program's window title (OSC 0/2), or the shell's name."""

    class TitleChanged(Message):
        """The program set a new title; the panel relabels the tab."""

        def __init__(self, view: TerminalView) -> None:
            super().__init__()
            self.view = view

    class FindChanged(Message):
        """The search matches or the current match changed (the find bar shows ``current``/``total``)."""

        def __init__(self, view: TerminalView, current: int, total: int) -> None:
            super().__init__()
            self.view = view
            self.current = current
            """1-based position of the highlighted match, 0 when there is none."""
            self.total = total

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
        from terminal.session import TerminalSession  # deferred with libghostty; see _terminal_input

        self.session = TerminalSession(argv, cwd=cwd, env=env, scrollback=scrollback, on_frame=self._frame_from_thread)
        """The program, its PTY and its emulator."""
        self._strips: dict[int, Strip] = {}
        self._lines: dict[int, Line] = {}
        self._cursor: Cursor | None = None
        self._started = False
        self._started_event = asyncio.Event()
        self.exit_code: int | None = None
        """Set when the program has exited."""
        self.exit_signal: int | None = None
        """The signal that ended the program, if one did."""
        self.exited = False
        self.title = Path(self.session.argv[0]).name
        self._top = 0
        self._mouse_tracked = False
        self._program_drag = False
        """A press went to the program: the mouse is captured until the release."""
        self._base_style: RichStyle | None = None
        self._mark_style_cache: dict[int, RichStyle] | None = None
        self._styles: dict[tuple[Style, str | None, int], RichStyle] = {}
        """Combined Rich styles per (cell style, link, mark); all three caches live until the CSS changes."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._incoming: Frame | None = None
        self._incoming_lock = threading.Lock()
        self._anchor: ScreenPoint | None = None
        self._dragging = False
        self.selection: TextRange | None = None
        """What the mouse selected, in screen coordinates (survives scrolling); None when nothing is."""
        self._needle = ""
        self._matches: list[TextRange] = []
        self._current = -1
        self._marks: dict[int, list[tuple[range, int]]] = {}

    # ------------------------------------------------------------------ lifecycle

    def on_mount(self) -> None:
        self._loop = asyncio.get_running_loop()
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
        """Hand a frame to the UI loop without waiting for it (the pump thread's side).

        ``App.call_from_thread`` would block the pump until the UI ran the frame, and a UI thread closing the
        session (which joins the pump) then waited out the join timeout. Instead frames meet in one slot: a frame
        arriving before the UI took the previous one is merged into it, so the UI never has more than one queued.
        """
        with self._incoming_lock:
            older = self._incoming
            self._incoming = frame if older is None else frame.merged_after(older)
            if older is not None:
                return  # the UI has not yet run the apply already scheduled; it will take the merged frame
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the app is shutting down
                loop.call_soon_threadsafe(self._apply_incoming)

    def _apply_incoming(self) -> None:
        with self._incoming_lock:
            frame, self._incoming = self._incoming, None
        if frame is not None and self.is_attached:
            self.apply_frame(frame)

    def apply_frame(self, frame: Frame) -> None:
        """Take a frame from the session: repaint its rows, move the cursor, surface events."""
        self._mouse_tracked = frame.modes.mouse_tracking is not MouseTracking.NONE
        if frame.history_shift:
            self._follow_history_shift(frame.history_shift)
        if frame.viewport_top != self._top:
            self._top = frame.viewport_top
            if self._marks:
                self._repaint_all()
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
            self.exit_signal = frame.exit_status.signal
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
            return Strip.blank(width, self._base())
        cursor = self._cursor
        cursor_x = cursor.x if cursor and cursor.y == y and cursor.visible and self.has_focus else -1
        marks = self._row_marks(self._top + y, len(line.cells))
        segments: list[Segment] = []
        run_text: list[str] = []
        run_key: tuple[Style, str | None, int] | None = None
        base = self._base()
        mark_styles = self._mark_styles() if marks else {}
        styles = self._styles

        def flush() -> None:
            if run_text and run_key is not None:
                rich = styles.get(run_key)
                if rich is None:
                    style, link, mark = run_key
                    rich = base + _rich_style(style, link)
                    if mark:
                        rich += mark_styles[mark]
                    if len(styles) > 4096:
                        styles.clear()
                    styles[run_key] = rich
                segments.append(Segment("".join(run_text), rich))
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
            key = (cell.style, cell.hyperlink, marks[x] if marks else 0)
            if key != run_key:
                flush()
                run_key = key
            run_text.append(cell.text or " ")
        flush()
        return Strip(segments).adjust_cell_length(width, base)

    def _row_marks(self, screen_row: int, cols: int) -> list[int] | None:
        """Per-column marks (selection, matches) for one screen row; None when the row has none (the usual case)."""
        spans = list(self._marks.get(screen_row, ()))
        if self.selection is not None:
            spans.append((self.selection.columns_on(screen_row, cols), _SELECTED))
        if not spans:
            return None
        marks = [0] * cols
        for columns, mark in spans:
            for x in columns:
                if x < cols:
                    marks[x] = max(marks[x], mark)
        return marks

    def _base(self) -> RichStyle:
        # ``rich_style`` walks the ancestors' CSS on every call, which cost more than painting a row's cells.
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    def _mark_styles(self) -> dict[int, RichStyle]:
        if self._mark_style_cache is None:
            self._mark_style_cache = {
                _SELECTED: self.get_component_rich_style("terminal-view--selection", partial=True),
                _MATCH: self.get_component_rich_style("terminal-view--match", partial=True),
                _CURRENT_MATCH: self.get_component_rich_style("terminal-view--match-current", partial=True),
            }
        return self._mark_style_cache

    def notify_style_update(self) -> None:
        """The CSS changed (theme, focus classes): forget cached styles and strips, repaint."""
        super().notify_style_update()
        self._base_style = None
        self._mark_style_cache = None
        self._styles = {}
        self._strips.clear()
        self.refresh()

    def _repaint_all(self) -> None:
        self._strips.clear()
        self.refresh()

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
        self.clear_selection()
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
        report = _terminal_input().MouseEvent(
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
        mouse = _terminal_input()
        button = _terminal_button(event.button)
        # Shift+drag selects even when the program tracks the mouse, as in xterm.
        if not event.shift and self._mouse(event, mouse.MouseAction.PRESS, button):
            event.stop()
            self._program_drag = True
            self.capture_mouse()  # drags that leave the pane still reach the program, as in xterm
            return
        if button is mouse.MouseButton.LEFT:
            event.stop()
            self.clear_selection()
            self._anchor = self._screen_point(event)
            self._dragging = True
            self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging and self._anchor is not None:
            event.stop()
            # Dragging past the top or bottom edge scrolls the history a line per move, extending the selection.
            if event.y < 0:
                self.session.scroll(-1)
            elif event.y >= self.size.height:
                self.session.scroll(1)
            self._set_selection(TextRange.between(self._anchor, self._screen_point(event)))
            return
        if self._mouse_tracked and not event.shift:
            # Modes 1002/1003: motion with a button held (or any motion) is the program's; the encoder drops
            # what the current mode does not ask for.
            mouse = _terminal_input()
            held = _terminal_button(event.button) if event.button and self._program_drag else mouse.MouseButton.NONE
            if self._mouse(event, mouse.MouseAction.MOTION, held):
                event.stop()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            event.stop()
            self._dragging = False
            self.capture_mouse(False)
            if self._anchor is not None and self._screen_point(event) != self._anchor:
                self._set_selection(TextRange.between(self._anchor, self._screen_point(event)))
                self.copy_selection()  # select-to-copy, as terminals do: no key needed
            return
        if self._program_drag:
            self._program_drag = False
            self.capture_mouse(False)
        button = _terminal_button(event.button)
        if self._mouse(event, _terminal_input().MouseAction.RELEASE, button):
            event.stop()

    def on_click(self, event: events.Click) -> None:
        if event.chain != 2 or not self._started:
            return
        if not event.shift and self._mouse_tracked:
            return  # the program had the clicks
        event.stop()
        word = self.session.word_at(self._screen_point(event))
        if word is not None:
            self._set_selection(word)
            self.copy_selection()

    def _screen_point(self, event: events.MouseEvent) -> ScreenPoint:
        width, height = self.size
        x = min(max(event.x, 0), max(width - 1, 0))
        y = min(max(event.y, 0), max(height - 1, 0))
        return ScreenPoint(self._top + y, x)

    def _set_selection(self, selection: TextRange | None) -> None:
        if selection == self.selection:
            return
        old, self.selection = self.selection, selection
        for span in (old, selection):
            if span is not None:
                self._refresh_screen_rows(span.start.y, span.end.y)

    def _refresh_screen_rows(self, first: int, last: int) -> None:
        for row in range(max(first - self._top, 0), min(last - self._top, self.size.height - 1) + 1):
            self._strips.pop(row, None)
            self._refresh_row(row)

    def select(self, selection: TextRange | None) -> None:
        """Select a range of the history (as a mouse drag would), or clear the selection with None."""
        self._set_selection(selection)

    def clear_selection(self) -> None:
        """Drop the selection highlight (typing does this)."""
        self._anchor = None
        self._set_selection(None)

    def copy_selection(self) -> str | None:
        """Put the selected text on the clipboard (OSC 52 through Textual, so it works over SSH); returns it."""
        if self.selection is None:
            return None
        text = self.session.text_in(self.selection)
        if text:
            self.app.copy_to_clipboard(text)
        return text

    # ------------------------------------------------------------------ find

    @property
    def find_needle(self) -> str:
        """The text being searched for ("" when no search is active)."""
        return self._needle

    @property
    def matches(self) -> list[TextRange]:
        """Where the current search text occurs, oldest first."""
        return list(self._matches)

    @property
    def current_match(self) -> TextRange | None:
        """The highlighted match the viewport was scrolled to."""
        return self._matches[self._current] if 0 <= self._current < len(self._matches) else None

    def find(self, needle: str) -> int:
        """Search scrollback and screen for ``needle`` and show the newest match on or above the screen's bottom."""
        self._needle = needle
        self._matches = self.session.search(needle) if needle else []
        bottom = ScreenPoint(self._top + self.size.height, 0)
        self._current = bisect.bisect_left([m.start for m in self._matches], bottom) - 1
        if self._matches and self._current < 0:
            self._current = 0
        self._show_current()
        return len(self._matches)

    def find_next(self) -> TextRange | None:
        """Move to the next older match (upwards, as terminals search), wrapping round to the newest."""
        return self._step(-1)

    def find_previous(self) -> TextRange | None:
        """Move to the next newer match (downwards), wrapping round to the oldest."""
        return self._step(1)

    def clear_find(self) -> None:
        """End the search: drop the highlights and leave the viewport where it is."""
        self._needle = ""
        self._matches = []
        self._current = -1
        self._show_current()

    def _step(self, direction: int) -> TextRange | None:
        current = self.current_match
        if not self._needle:
            return None
        # Search again: output that arrived since the last step may hold new matches or have moved old ones.
        self._matches = self.session.search(self._needle)
        if not self._matches:
            self._current = -1
        elif current is None:
            self._current = len(self._matches) - 1
        else:
            starts = [m.start for m in self._matches]
            if direction < 0:
                self._current = bisect.bisect_left(starts, current.start) - 1
            else:
                self._current = bisect.bisect_right(starts, current.start)
            self._current %= len(self._matches)
        self._show_current()
        return self.current_match

    def _follow_history_shift(self, shift: int) -> None:
        """Keep the selection and matches on their text when old history rows were dropped above them."""

        def moved(span: TextRange) -> TextRange | None:
            start, end = ScreenPoint(span.start.y - shift, span.start.x), ScreenPoint(span.end.y - shift, span.end.x)
            if end.y < 0:
                return None  # its text is gone
            return TextRange(max(start, ScreenPoint(0, 0)), end)

        if self._anchor is not None:
            self._anchor = max(ScreenPoint(self._anchor.y - shift, self._anchor.x), ScreenPoint(0, 0))
        if self.selection is not None:
            self.selection = moved(self.selection)
        if self._matches:
            current = self.current_match
            kept = [(match, moved(match)) for match in self._matches if match.start.y >= shift]  # whole ones only
            self._matches = [m for _, m in kept if m is not None]
            self._current = next((i for i, (old, _) in enumerate(kept) if old is current), -1)
            self._show_current(reveal=False)
        self._repaint_all()

    def _show_current(self, *, reveal: bool = True) -> None:
        marks: dict[int, list[tuple[range, int]]] = {}
        cols = self.session.emulator.cols
        for index, match in enumerate(self._matches):
            mark = _CURRENT_MATCH if index == self._current else _MATCH
            for row in range(match.start.y, match.end.y + 1):
                marks.setdefault(row, []).append((match.columns_on(row, cols), mark))
        self._marks = marks
        current = self.current_match
        if current is not None and reveal:
            self.session.reveal_row(current.start.y)
        self._repaint_all()
        self.post_message(self.FindChanged(self, self._current + 1 if current else 0, len(self._matches)))

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        mouse = _terminal_input()
        if not self._mouse(event, mouse.MouseAction.PRESS, mouse.MouseButton.WHEEL_UP):
            self.session.scroll(-3)

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        mouse = _terminal_input()
        if not self._mouse(event, mouse.MouseAction.PRESS, mouse.MouseButton.WHEEL_DOWN):
            self.session.scroll(3)

    def scroll_page(self, pages: int) -> None:
        """Scroll the view through the scrollback by whole screens (shift+pageup/pagedown)."""
        self.session.scroll(pages * max(self.size.height - 1, 1))

    @property
    def screen_text(self) -> str:
        """The visible text, one line per row (for tests and 'copy all')."""
        return "\n".join(self._lines[row].text if row in self._lines else "" for row in range(self.size.height))


__all__ = ["Cell", "TerminalView"]
